import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { test, expect, type Browser, type Page } from '@playwright/test'
import { recordMetrics } from './support/record.ts'
import { onboard } from '../e2e/support/app-ui.ts'
import { harnessContext, NETWORK_HARNESS } from '../e2e/support/network-page.ts'
import { startRelay, type RelayProcess } from '../e2e/support/relay.ts'

const run = promisify(execFile)
const APP = process.env.APP_URL ?? 'http://127.0.0.1:4173/'
const MIB = 1024 * 1024
const FILE_MIB = 50
const round1 = (x: number): number => Math.round(x * 10) / 10

/**
 * The floor: FILE_MIB MiB over one bare RTCDataChannel between two pages, in 64 KiB messages with
 * the sender held at 1 MiB buffered. Timed in the receiving page, first byte to last.
 */
async function bareChannelMibPerS (browser: Browser): Promise<number> {
  const [a, b] = await Promise.all([0, 1].map(async () => (await harnessContext(browser)).newPage()))
  for (const p of [a!, b!]) await p.goto(NETWORK_HARNESS)
  const offer = await a!.evaluate(async () => {
    const pc = new RTCPeerConnection({ iceServers: [] })
    const w = window as unknown as { pc: RTCPeerConnection, ch: RTCDataChannel }
    w.pc = pc
    w.ch = pc.createDataChannel('bulk', { ordered: true })
    await pc.setLocalDescription(await pc.createOffer())
    await new Promise<void>((resolve) => { if (pc.iceGatheringState === 'complete') resolve(); else pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve() }) })
    return pc.localDescription!.toJSON()
  })
  const answer = await b!.evaluate(async ({ offer, total }) => {
    const pc = new RTCPeerConnection({ iceServers: [] })
    const w = window as unknown as { pc: RTCPeerConnection, received: Promise<number> }
    w.pc = pc
    w.received = new Promise<number>((resolve) => {
      pc.addEventListener('datachannel', ({ channel }) => {
        channel.binaryType = 'arraybuffer'
        let got = 0
        let first = 0
        channel.onmessage = (e) => {
          if (got === 0) first = performance.now()
          got += (e.data as ArrayBuffer).byteLength
          if (got >= total) resolve(performance.now() - first)
        }
      })
    })
    await pc.setRemoteDescription(offer)
    await pc.setLocalDescription(await pc.createAnswer())
    await new Promise<void>((resolve) => { if (pc.iceGatheringState === 'complete') resolve(); else pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve() }) })
    return pc.localDescription!.toJSON()
  }, { offer, total: FILE_MIB * MIB })
  const sending = a!.evaluate(async ({ answer, total }) => {
    const w = window as unknown as { pc: RTCPeerConnection, ch: RTCDataChannel }
    await w.pc.setRemoteDescription(answer)
    const ch = w.ch
    if (ch.readyState !== 'open') await new Promise((resolve) => { ch.onopen = resolve })
    ch.bufferedAmountLowThreshold = 256 * 1024
    const piece = new Uint8Array(64 * 1024)
    for (let sent = 0; sent < total; sent += piece.byteLength) {
      if (ch.bufferedAmount > 1024 * 1024) await new Promise((resolve) => { ch.onbufferedamountlow = resolve })
      ch.send(piece)
    }
  }, { answer, total: FILE_MIB * MIB })
  const ms = await b!.evaluate(async () => (window as unknown as { received: Promise<number> }).received)
  await sending
  await Promise.all([a!, b!].map(async (p) => p.context().close()))
  return FILE_MIB / (ms / 1000)
}

/**
 * Stamps, in the page as they happen: when a shared file's message first shows (an image figure or
 * a file card), when its thumbnail has decoded, and when a card's download is ready (the whole
 * file fetched, verified and stored). Polling from Playwright would add its own delay.
 */
function stampAttachments (): void {
  const w = window as unknown as { stamps: Record<string, number> }
  w.stamps = {}
  const stamp = (key: string): void => { w.stamps[key] ??= performance.now() }
  new MutationObserver(() => {
    if (document.querySelector('.image-attachment') != null) stamp('imageMessage')
    if (document.querySelector('.file-card') != null) stamp('fileMessage')
    if (document.querySelector('.file-card a[download]') != null) stamp('fileComplete')
  }).observe(document, { subtree: true, childList: true, attributes: true })
  document.addEventListener('load', (e) => { if ((e.target as Element).closest?.('.image-attachment') != null) stamp('thumbShown') }, true)
}

async function openApp (browser: Browser, relay: RelayProcess, url = APP): Promise<Page> {
  const context = await browser.newContext()
  await context.route('**/config.json', async (route) => {
    await route.fulfill({ json: { bootstrap: [relay.multiaddr], profile: 'loopback', iceServers: [] } })
  })
  await context.addInitScript(stampAttachments)
  const page = await context.newPage()
  await page.goto(url)
  return page
}

/** Picks a file from disk with the attach button (Playwright takes buffers only up to 50 MB). */
async function attach (page: Page, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Attach files' }).click()
  await (await chooser).setFiles([file])
}

const stampsOf = async (page: Page): Promise<Record<string, number>> => page.evaluate(() => (window as unknown as { stamps: Record<string, number> }).stamps)

test('files: 50 MiB between two pages against a bare RTCDataChannel, and message to thumbnail', async ({ browser }) => {
  test.setTimeout(600_000)
  const bare = await test.step('bare RTCDataChannel, 50 MiB', async () => bareChannelMibPerS(browser))

  const dir = mkdtempSync(join(tmpdir(), 'blob-bench-'))
  await run('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=1600x1200', '-frames:v', '1', join(dir, 'photo.png')])
  const relay = await startRelay()
  try {
    const alice = await openApp(browser, relay)
    await onboard(alice, 'Alice')
    await alice.getByRole('button', { name: 'Create a room' }).first().click()
    await alice.getByLabel('Room name').fill('Bench files')
    await alice.getByRole('button', { name: 'Create room' }).click()
    await alice.getByRole('button', { name: 'Invite people' }).click()
    await alice.getByRole('button', { name: 'Create invite' }).click()
    const link = await alice.getByLabel('Invite link').inputValue()
    await alice.getByRole('button', { name: 'Close' }).click()
    const bob = await openApp(browser, relay, link)
    await onboard(bob, 'Bob')
    await expect(bob.getByRole('textbox', { name: /^Message #/ })).toBeEnabled({ timeout: 90_000 })

    await attach(alice, join(dir, 'photo.png'))
    await expect(bob.locator('.image-attachment img')).toBeVisible({ timeout: 90_000 })
    await expect.poll(async () => (await stampsOf(bob)).thumbShown, { timeout: 90_000 }).toBeDefined()

    writeFileSync(join(dir, 'big.bin'), randomBytes(FILE_MIB * MIB))
    await attach(alice, join(dir, 'big.bin'))
    await expect(bob.locator('.file-card a[download]')).toBeVisible({ timeout: 300_000 })
    const s = await stampsOf(bob)
    const transfer = FILE_MIB / ((s.fileComplete! - s.fileMessage!) / 1000)
    recordMetrics('blobs', {
      blob_first_image_ms: { value: round1(s.thumbShown! - s.imageMessage!), unit: 'ms' },
      blob_transfer_mb_s: { value: round1(transfer), unit: 'MiB/s' },
      blob_bare_datachannel_mb_s: { value: round1(bare), unit: 'MiB/s' },
      blob_transfer_ratio: Math.round(transfer / bare * 100) / 100
    })
  } finally {
    await relay.stop()
  }
})
