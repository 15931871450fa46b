import { test, type Browser, type Page } from '@playwright/test'
import { recordMetrics, percentile } from './support/record.ts'
import { browserCpuSeconds, stolenCpuSeconds } from './support/process-cpu.ts'
import { startRelay } from '../e2e/support/relay.ts'
import { harnessContext, openPeer, NETWORK_HARNESS } from '../e2e/support/network-page.ts'
import { rawCidOf } from '../src/core/codec/hash.ts'

const TOPIC = 'peer-rooms/bench/room'
const PEERS = 10
const SECONDS = 15
const RATE_PER_S = 2
const PAYLOAD_BYTES = 300

/** Round trips of 200 B over one bare RTCDataChannel between two pages: the floor under every figure. */
async function rawRtcRoundTrips (browser: Browser, n: number): Promise<number[]> {
  const [a, b] = await Promise.all([0, 1].map(async () => (await harnessContext(browser)).newPage()))
  for (const p of [a!, b!]) await p.goto(NETWORK_HARNESS)
  const offer = await a!.evaluate(async () => {
    const pc = new RTCPeerConnection({ iceServers: [] })
    ;(window as unknown as { pc: RTCPeerConnection }).pc = pc
    const ch = pc.createDataChannel('ping', { ordered: true })
    ;(window as unknown as { ch: RTCDataChannel }).ch = ch
    await pc.setLocalDescription(await pc.createOffer())
    await new Promise<void>((resolve) => { if (pc.iceGatheringState === 'complete') resolve(); else pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve() }) })
    return pc.localDescription!.toJSON()
  })
  const answer = await b!.evaluate(async (offer) => {
    const pc = new RTCPeerConnection({ iceServers: [] })
    ;(window as unknown as { pc: RTCPeerConnection }).pc = pc
    pc.addEventListener('datachannel', ({ channel }) => { channel.onmessage = (e) => { channel.send(e.data as ArrayBuffer) } })
    await pc.setRemoteDescription(offer)
    await pc.setLocalDescription(await pc.createAnswer())
    await new Promise<void>((resolve) => { if (pc.iceGatheringState === 'complete') resolve(); else pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve() }) })
    return pc.localDescription!.toJSON()
  }, offer)
  const rtts = await a!.evaluate(async ({ answer, n }) => {
    const w = window as unknown as { pc: RTCPeerConnection, ch: RTCDataChannel }
    await w.pc.setRemoteDescription(answer)
    const ch = w.ch
    ch.binaryType = 'arraybuffer'
    if (ch.readyState !== 'open') await new Promise((resolve) => { ch.onopen = resolve })
    const payload = new Uint8Array(200)
    const out: number[] = []
    for (let i = 0; i < n; i++) {
      const t0 = performance.now()
      await new Promise<void>((resolve) => { ch.onmessage = () => { resolve() }; ch.send(payload) })
      out.push(performance.now() - t0)
    }
    return out
  }, { answer, n })
  await Promise.all([a!, b!].map(async (p) => p.context().close()))
  return rtts
}

test('network: raw RTCDataChannel, gossip across 10 pages, DHT lookups', async ({ browser }) => {
  const rtts = await test.step('raw RTCDataChannel round trips', async () => rawRtcRoundTrips(browser, 500))

  const relay = await startRelay()
  try {
    const pages: Page[] = []
    await test.step('open pages', async () => {
      for (let i = 0; i < PEERS; i++) pages.push(await openPeer(browser, [relay.multiaddr]))
    })
    const room = rawCidOf(new TextEncoder().encode('bench room')).toString()
    await test.step('reservations, subscriptions, provider records', async () => {
      for (const page of pages) {
        await page.waitForFunction(() => window.net.status().addresses.some((a) => a.includes('/p2p-circuit/webrtc')), undefined, { timeout: 60_000 })
        await page.evaluate((t) => { window.net.subscribe(t) }, TOPIC)
        await page.evaluate(async (k) => window.net.provide(k), room)
      }
    })
    // DHT lookups, then a full WebRTC mesh: each page dials every provider it finds
    const findMs: number[] = []
    await test.step('find providers and dial them', async () => {
      for (const page of pages) {
        const { ms, providers } = await page.evaluate(async (k) => {
          const t0 = performance.now()
          const providers = await window.net.findProviders(k)
          return { ms: performance.now() - t0, providers: providers.map((p) => p.peerId) }
        }, room)
        findMs.push(ms)
        await page.evaluate(async (ids) => { await Promise.allSettled(ids.map(async (id) => window.net.dial(id))) }, providers)
      }
    })
    await test.step('full topic mesh', async () => {
      for (const page of pages) {
        await page.waitForFunction(([t, n]) => window.net.topicPeers(t as string).length >= (n), [TOPIC, PEERS - 1] as const, { timeout: 60_000 })
      }
      // Every page reaches every other directly: the mesh the client runs in that room (mesh-degree.ts).
      for (const page of pages) await page.evaluate(() => { window.net.thinMesh() })
    })

    // load: every page publishes RATE_PER_S messages of PAYLOAD_BYTES for SECONDS
    const perPage = SECONDS * RATE_PER_S
    // The browser's CPU over the load, read as rooms.bench.ts reads gossip_browser_cpu_s for the same load through the whole client
    const cpuBefore = browserCpuSeconds()
    const stolenBefore = stolenCpuSeconds()
    const loadStarted = Date.now()
    await Promise.all(pages.map(async (page, index) => page.evaluate(async ([t, from, count, rate, bytes]) => window.net.steadyLoad(t as string, from, count, rate as number, bytes as number), [TOPIC, index, perPage, RATE_PER_S, PAYLOAD_BYTES] as const)))
    const expectedEach = perPage * (PEERS - 1)
    // let stragglers arrive: wait until every page has all, or give up after 10 s and count what came
    await Promise.allSettled(pages.map(async (page) => page.waitForFunction(([t, n]) => window.net.received(t as string).length >= (n), [TOPIC, expectedEach] as const, { timeout: 10_000 })))
    const cpuAfter = browserCpuSeconds()
    const stolenAfter = stolenCpuSeconds()
    const loadMs = Date.now() - loadStarted
    const latencies: number[] = []
    let delivered = 0
    for (const page of pages) {
      const got = await page.evaluate((t) => window.net.received(t).map((m) => ({ at: m.at, sent: (JSON.parse(m.text.trimEnd()) as { sent: number }).sent })), TOPIC)
      delivered += got.length
      for (const m of got) latencies.push(m.at - m.sent)
    }
    const round = (x: number): number => Math.round(x * 100) / 100
    recordMetrics('network', {
      rtc_raw_p50_ms: { value: round(percentile(rtts, 50)), unit: 'ms' },
      rtc_raw_p99_ms: { value: round(percentile(rtts, 99)), unit: 'ms' },
      gossip_raw_p50_ms: { value: round(percentile(latencies, 50)), unit: 'ms (GossipSub alone, no validation or storage)' },
      gossip_raw_p99_ms: { value: round(percentile(latencies, 99)), unit: 'ms (GossipSub alone, no validation or storage)' },
      gossip_raw_delivered: { value: round(delivered / (expectedEach * PEERS)), unit: `fraction of ${expectedEach * PEERS}` },
      ...(stolenBefore != null && stolenAfter != null ? { gossip_raw_cpu_stolen_s: { value: Math.round((stolenAfter - stolenBefore) * 10) / 10, unit: 'CPU seconds the host gave to other guests over the load (steal, /proc/stat); compare gossip_cpu_stolen_s' } } : {}),
      ...(cpuBefore != null && cpuAfter != null ? { gossip_raw_browser_cpu_s: { value: Math.round((cpuAfter - cpuBefore) * 10) / 10, unit: `CPU seconds, all browser processes, over the load and its stragglers (${(loadMs / 1000).toFixed(1)} s wall, 2 cores here); compare gossip_browser_cpu_s` } } : {}),
      dht_find_p50_ms: { value: round(percentile(findMs, 50)), unit: 'ms' }
    })
    await Promise.all(pages.map(async (p) => p.context().close()))
  } finally {
    await relay.stop()
  }
})
