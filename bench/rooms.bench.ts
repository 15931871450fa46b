import { test, type Browser, type Page } from '@playwright/test'
import { type Metric, median, percentile, recordMetrics } from './support/record.ts'
import { startRelay, type RelayProcess } from '../e2e/support/relay.ts'
import { browserCpuSeconds, stolenCpuSeconds } from './support/process-cpu.ts'

const HARNESS = `${process.env.HARNESS_ORIGIN ?? 'http://127.0.0.1:5173'}/e2e/harness/client.html`
const SYNC_MESSAGES = 10_000
const JOIN_HISTORY = 50
const JOINERS = 3
const GOSSIP_PAGES = 10
const GOSSIP_SECONDS = 15
const GOSSIP_WARMUP_SECONDS = 5
const GOSSIP_RATE = 2
const GOSSIP_BYTES = 300
const GOSSIP_BURSTS = 5
const BIG_CHANNEL = 100_000
const WINDOW = 50

const metrics: Record<string, Metric> = {}
test.afterAll(() => { recordMetrics('rooms', metrics) })

/** Counts the page's RTCDataChannel.send calls in `window.dataChannelSends` (a counter, nothing else). */
function countDataChannelSends (): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the channel as `this`
  const send = RTCDataChannel.prototype.send
  const counted = window as unknown as { dataChannelSends: number }
  counted.dataChannelSends = 0
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
    counted.dataChannelSends++
    send.call(this, data)
  }
}
const dataChannelSends = async (pages: readonly Page[]): Promise<number> =>
  (await Promise.all(pages.map(async (p) => p.evaluate(() => (window as unknown as { dataChannelSends: number }).dataChannelSends)))).reduce((a, b) => a + b, 0)

/**
 * A user's page, its client at the shipped pace: presence every 20 s, not the e2e tests' 5 s, whose
 * fourfold presence traffic is no part of the measured workload (in a 10-page room it cost about a
 * second of the browser's 20 CPU seconds over the timed gossip load).
 */
async function openUser (browser: Browser, relay: RelayProcess, name: string, countSends = false): Promise<Page> {
  const context = await browser.newContext()
  if (countSends) await context.addInitScript(countDataChannelSends)
  const page = await context.newPage()
  await page.goto(HARNESS)
  await page.waitForFunction(() => window.peerReady)
  await page.evaluate(async (b) => window.peer.start(b, 'product'), [relay.multiaddr])
  await page.evaluate(async (n) => window.peer.createIdentity(n), name)
  return page
}

/** Opens the link on a page that is already running, and measures until the history is readable. */
async function joinAndRead (page: Page, link: string, room: string, messages: number): Promise<number> {
  return page.evaluate(async ([l, r, n]) => {
    const t0 = Date.now()
    await window.peer.join(l)
    return (await window.peer.waitForTotal(r, n)) - t0
  }, [link, room, messages] as const)
}

/**
 * Starts a relay and an owner page, runs `measure` (which adds its own pages to `pages`), and closes
 * every page and the relay whatever happens.
 */
async function withOwner (browser: Browser, measure: (relay: RelayProcess, owner: Page, pages: Page[]) => Promise<void>): Promise<void> {
  const relay = await startRelay()
  const pages: Page[] = []
  try {
    const owner = await openUser(browser, relay, 'owner')
    pages.push(owner)
    await measure(relay, owner, pages)
  } finally {
    await Promise.all(pages.map(async (p) => p.context().close()))
    await relay.stop()
  }
}

test('rooms: late joiner sync of 10,000 messages, join by link', async ({ browser }) => {
  test.setTimeout(900_000)
  await withOwner(browser, async (relay, owner, pages) => {
    // sync_10k_ms: one peer holds 10,000 messages, a new peer joins by link and syncs them all.
    const big = await owner.evaluate(async () => window.peer.createRoom('big room', 'open'))
    await owner.evaluate(async ([r, n]) => window.peer.sendMany(r, 'history', n as number), [big, SYNC_MESSAGES] as const)
    const bigLink = await owner.evaluate((r) => window.peer.shareLink(r), big)
    const late = await openUser(browser, relay, 'late')
    pages.push(late)
    const syncMs = await joinAndRead(late, bigLink, big, SYNC_MESSAGES)

    // join_ms: open a link -> the room's history is visible (median of fresh joiners).
    const small = await owner.evaluate(async () => window.peer.createRoom('small room', 'open'))
    await owner.evaluate(async ([r, n]) => window.peer.sendMany(r, 'hello', n as number), [small, JOIN_HISTORY] as const)
    const smallLink = await owner.evaluate((r) => window.peer.shareLink(r), small)
    const joinMs: number[] = []
    for (let i = 0; i < JOINERS; i++) {
      const joiner = await openUser(browser, relay, `joiner ${i}`)
      pages.push(joiner)
      joinMs.push(await joinAndRead(joiner, smallLink, small, JOIN_HISTORY))
    }
    Object.assign(metrics, {
      sync_10k_ms: { value: syncMs, unit: 'ms' },
      join_ms: { value: median(joinMs), unit: `ms (median of ${JOINERS}, ${JOIN_HISTORY} messages)` }
    })
  })
})

/** Send -> committed at each receiver, from the arrivals the pages recorded for texts tagged `tag`. */
async function latenciesOf (pages: readonly Page[], tag: string): Promise<number[]> {
  const out: number[] = []
  for (const p of pages) {
    for (const a of await p.evaluate(() => window.peer.arrivals())) {
      if (!a.text.startsWith('{')) continue
      const m = JSON.parse(a.text.trimEnd()) as { sent: number, tag: string }
      if (m.tag === tag) out.push(a.at - m.sent)
    }
  }
  return out
}

test('rooms: gossip to stored, 10 pages', async ({ browser }) => {
  test.setTimeout(900_000)
  await withOwner(browser, async (relay, owner, pages) => {
    const chat = await owner.evaluate(async () => window.peer.createRoom('chat room', 'open'))
    const chatLink = await owner.evaluate((r) => window.peer.shareLink(r), chat)
    for (let i = 1; i < GOSSIP_PAGES; i++) {
      const p = await openUser(browser, relay, `peer ${i}`, true)
      await p.evaluate(async (l) => window.peer.join(l), chatLink)
      pages.push(p)
    }
    // Warm-up: every page must hold one message from every other before timing starts.
    await Promise.all(pages.map(async (p, i) => p.evaluate(async ([r, t]) => window.peer.send(r, t as string), [chat, `warm ${i}`] as const)))
    await Promise.all(pages.map(async (p) => p.evaluate(async ([r, n]) => window.peer.waitForTotal(r, n as number), [chat, GOSSIP_PAGES] as const)))
    for (const p of pages) await p.evaluate((r) => { window.peer.recordArrivals(r) }, chat)

    // The workload: every page sends GOSSIP_RATE messages/s of ~GOSSIP_BYTES, each message at
    // a random moment within its own period (load-schedule.ts); send -> committed at every other page.
    // The first GOSSIP_WARMUP_SECONDS of it are not timed: ten renderers compiling the same hot paths
    // at once and a mesh still settling after nine joins are a start-up cost (reported apart as
    // gossip_warmup_*), not the steady state. Then GOSSIP_SECONDS of the same load, timed.
    const load = async (tag: string, seconds: number, arrivedBefore: number): Promise<number> => {
      const perPage = seconds * GOSSIP_RATE
      await Promise.all(pages.map(async (p) => p.evaluate(async ([r, t, n, rate, bytes]) => window.peer.steadyLoad(r, t, n, rate as number, bytes as number), [chat, tag, perPage, GOSSIP_RATE, GOSSIP_BYTES] as const)))
      const expected = arrivedBefore + perPage * (GOSSIP_PAGES - 1)
      // Stragglers: wait until every page holds all, or give up after 10 s and count what came.
      await Promise.allSettled(pages.map(async (p) => p.waitForFunction((n) => window.peer.arrivalCount() >= n, expected, { timeout: 10_000 })))
      return expected
    }
    const warmEach = await load('warm', GOSSIP_WARMUP_SECONDS, 0)
    // What the timed load costs, in figures the machine's load does not swing: the browser's CPU
    // seconds (every process: renderers, network service, storage) and the datachannel messages
    // the nine counted pages send (the owner's page is opened before counting can be installed).
    const cpuBefore = browserCpuSeconds()
    const stolenBefore = stolenCpuSeconds()
    const sendsBefore = await dataChannelSends(pages.slice(1))
    const loadStarted = Date.now()
    await load('steady', GOSSIP_SECONDS, warmEach)
    const loadMs = Date.now() - loadStarted
    const sends = await dataChannelSends(pages.slice(1)) - sendsBefore
    const cpuAfter = browserCpuSeconds()
    const stolenAfter = stolenCpuSeconds()
    const expectedEach = GOSSIP_SECONDS * GOSSIP_RATE * (GOSSIP_PAGES - 1)
    const warm = await latenciesOf(pages, 'warm')
    const steady = await latenciesOf(pages, 'steady')

    // A harsher load kept for comparison: all pages send at the same moment, round after round (the
    // next round starts once all are stored everywhere), on two cores shared by ten renderers.
    const before = await Promise.all(pages.map(async (p) => p.evaluate(async (r) => window.peer.total(r), chat)))
    for (let round = 1; round <= GOSSIP_BURSTS; round++) {
      await Promise.all(pages.map(async (p) => p.evaluate(async ([r]) => window.peer.steadyLoad(r, 'burst', 1, 1_000_000, 0), [chat] as const)))
      await Promise.all(pages.map(async (p, i) => p.evaluate(async ([r, n]) => window.peer.waitForTotal(r, n), [chat, before[i]! + GOSSIP_PAGES * round] as const)))
    }
    const burst = await latenciesOf(pages, 'burst')
    const round = (x: number): number => Math.round(x * 10) / 10
    const label = `ms, send to validated and stored at every other page (${GOSSIP_PAGES} pages, ${GOSSIP_RATE} msg/s each, ${GOSSIP_BYTES} B, ${steady.length} samples)`
    Object.assign(metrics, {
      gossip_p50_ms: { value: round(percentile(steady, 50)), unit: label },
      gossip_p99_ms: { value: round(percentile(steady, 99)), unit: label },
      gossip_warmup_p50_ms: { value: round(percentile(warm, 50)), unit: `ms, the same load's first ${GOSSIP_WARMUP_SECONDS} s, untimed in gossip_p50/p99 (${warm.length} samples)` },
      gossip_warmup_p99_ms: { value: round(percentile(warm, 99)), unit: `ms, the same load's first ${GOSSIP_WARMUP_SECONDS} s, untimed in gossip_p50/p99 (${warm.length} samples)` },
      ...(stolenBefore != null && stolenAfter != null ? { gossip_cpu_stolen_s: { value: round(stolenAfter - stolenBefore), unit: 'CPU seconds the host gave to other guests over the timed load (steal, /proc/stat): latency figures from a run with steal in them are partly the host\'s' } } : {}),
      ...(cpuBefore != null && cpuAfter != null ? { gossip_browser_cpu_s: { value: round(cpuAfter - cpuBefore), unit: `CPU seconds, all browser processes, over the timed load and its stragglers (${(loadMs / 1000).toFixed(1)} s wall, 2 cores here)` } } : {}),
      gossip_datachannel_sends_per_message: { value: round(sends / (GOSSIP_SECONDS * GOSSIP_RATE * (GOSSIP_PAGES - 1))), unit: `datachannel messages the ${GOSSIP_PAGES - 1} counted pages sent per message they published (publish, forwards, IHAVE, IDONTWANT)` },
      gossip_delivered: { value: Math.round((steady.length / (expectedEach * GOSSIP_PAGES)) * 1000) / 1000, unit: `fraction of ${expectedEach * GOSSIP_PAGES}` },
      gossip_burst_stored_p50_ms: { value: round(percentile(burst, 50)), unit: `ms (${GOSSIP_PAGES} pages sending at the same moment, ${GOSSIP_BURSTS} rounds)` },
      gossip_burst_stored_p99_ms: { value: round(percentile(burst, 99)), unit: `ms (${GOSSIP_PAGES} pages sending at the same moment, ${GOSSIP_BURSTS} rounds)` }
    })
  })
})

test('rooms: timeline windows over a 100,000-message channel, paged from IndexedDB', async ({ browser }) => {
  test.setTimeout(900_000)
  const relay = await startRelay()
  try {
    const page = await openUser(browser, relay, 'archivist')
    const room = await page.evaluate(async () => window.peer.createRoom('big channel', 'open'))
    await page.evaluate(async ([r, n]) => window.peer.bulkWrite(r, n), [room, BIG_CHANNEL] as const)
    await page.reload()
    await page.waitForFunction(() => window.peerReady)
    await page.evaluate(async (b) => window.peer.start(b, 'product'), [relay.multiaddr])
    const at = (offset: number) => page.evaluate(async ([r, o, l]) => window.peer.timeWindow(r, o, l), [room, offset, WINDOW] as const)
    const opening = await at(BIG_CHANNEL - WINDOW)
    const tail = await at(BIG_CHANNEL - 2 * WINDOW)
    if (opening.total !== BIG_CHANNEL || opening.first !== `bulk ${BIG_CHANNEL - WINDOW}` || tail.first !== `bulk ${BIG_CHANNEL - 2 * WINDOW}`) throw new Error(`tail window is wrong: ${JSON.stringify(tail)}`)
    const firstMiddle = await at(BIG_CHANNEL / 2)
    const middle = await at(BIG_CHANNEL / 2 + 10_000)
    if (middle.first !== `bulk ${BIG_CHANNEL / 2 + 10_000}`) throw new Error(`middle window is wrong: ${JSON.stringify(middle)}`)
    const round = (x: number): number => Math.round(x * 10) / 10
    Object.assign(metrics, {
      timeline_open_100k_ms: { value: round(opening.ms), unit: `ms (first window after a reload: the ${WINDOW} newest of ${BIG_CHANNEL})` },
      timeline_tail_100k_ms: { value: round(tail.ms), unit: `ms (the ${WINDOW} before those)` },
      timeline_first_middle_100k_ms: { value: round(firstMiddle.ms), unit: 'ms (first window away from the end: builds the checkpoint index by one scan)' },
      timeline_middle_100k_ms: { value: round(middle.ms), unit: `ms (${WINDOW} from the middle, index built)` }
    })
    await page.context().close()
  } finally {
    await relay.stop()
  }
})
