import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { test, expect } from '@playwright/test'
import { build, preview } from 'vite'
import { median, percentile, recordMetrics } from './support/record.ts'
import { startRelay } from '../e2e/support/relay.ts'

const dist = join(import.meta.dirname, '..', 'dist')
const gzKb = (file: string): number => gzipSync(readFileSync(join(dist, file))).byteLength / 1024
const round1 = (x: number): number => Math.round(x * 10) / 10

/**
 * What the first paint needs: the entry script and the modules index.html preloads with it
 * (everything else is a dynamic import); and every JS chunk of the build for the total.
 */
function bundleSizes (): { initial: number, total: number, wasm: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const firstPaint = [...html.matchAll(/<(?:script[^>]*type="module"[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/([^"]+)"/g)].map((m) => m[1]!)
  const assets = readdirSync(join(dist, 'assets'))
  const sum = (files: readonly string[]): number => files.reduce((s, f) => s + gzKb(f), 0)
  return {
    initial: sum(firstPaint),
    total: sum(assets.filter((f) => f.endsWith('.js')).map((f) => join('assets', f))),
    wasm: sum(assets.filter((f) => f.endsWith('.wasm')).map((f) => join('assets', f)))
  }
}

test('app bundle sizes and time to interactive with a cached room', async ({ browser }) => {
  const { initial, total, wasm } = bundleSizes()
  const relay = await startRelay()
  try {
    const context = await browser.newContext()
    await context.route('**/config.json', async (route) => {
      await route.fulfill({ json: { bootstrap: [relay.multiaddr], profile: 'loopback', iceServers: [] } })
    })
    const page = await context.newPage()
    const composer = page.getByRole('textbox', { name: /^Message #/ })
    await page.goto('http://127.0.0.1:4173/')
    await page.getByLabel('Display name').fill('Bench')
    await page.getByRole('button', { name: 'Create identity' }).click()
    await page.getByRole('button', { name: 'Create a room' }).first().click()
    await page.getByLabel('Room name').fill('Bench room')
    await page.getByRole('button', { name: 'Create room' }).click()
    await expect(composer).toBeEnabled()
    for (let i = 0; i < 20; i++) {
      await composer.fill(`warm-up message ${i}`)
      await composer.press('Enter')
    }
    await expect(page.locator('article.message', { hasText: 'warm-up message 19' })).toBeVisible()

    // Reopen the app with the room cached (HTTP cache + IndexedDB): navigation start -> composer usable.
    // Stamped in the page as it happens, so Playwright's polling adds nothing to the figure.
    await context.addInitScript(() => {
      const observer = new MutationObserver(() => {
        const box = document.querySelector<HTMLTextAreaElement>('textarea[aria-label^="Message #"]')
        if (box == null || box.disabled || document.querySelector('article.message') == null) return
        ;(window as unknown as { interactiveAt: number }).interactiveAt = performance.now()
        observer.disconnect()
      })
      observer.observe(document, { subtree: true, childList: true, attributes: true })
    })
    const samples: number[] = []
    for (let i = 0; i < 5; i++) {
      await page.reload()
      samples.push(await (await page.waitForFunction(() => (window as unknown as { interactiveAt?: number }).interactiveAt)).jsonValue() ?? NaN)
    }
    recordMetrics('app', {
      bundle_initial_gz_kb: { value: round1(initial), unit: 'KB gzip' },
      bundle_total_gz_kb: { value: round1(total), unit: 'KB gzip' },
      bundle_wasm_gz_kb: { value: round1(wasm), unit: 'KB gzip (QR scanner, loaded on demand)' },
      tti_cached_ms: { value: Math.round(median(samples)), unit: 'ms' }
    })
    await context.close()
  } finally {
    await relay.stop()
  }
})

/** Builds the twin page as production code (React's dev build would dominate frame times) and serves it. */
async function serveTimelineTwin (): Promise<{ url: string, close: () => Promise<void> }> {
  const root = join(import.meta.dirname, '..')
  const outDir = mkdtempSync(join(tmpdir(), 'timeline-twin-'))
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false, rollupOptions: { input: join(root, 'bench', 'support', 'timeline-twin.html') } } })
  const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { port: 4197, strictPort: false } })
  const base = server.resolvedUrls?.local[0]
  if (base == null) throw new Error('the twin preview server has no address')
  return { url: new URL('bench/support/timeline-twin.html?n=100000', base).href, close: async () => { await server.close() } }
}

test('the message list over 100,000 messages: frame times while scrolling, and a jump to the oldest', async ({ page }) => {
  const twin = await serveTimelineTwin()
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(twin.url)
  await expect(page.locator('article.message', { hasText: 'Message 99999' })).toBeVisible()
  const figures = await page.evaluate(async () => {
    const list = document.querySelector<HTMLElement>('.messages')!
    const frame = async (): Promise<number> => await new Promise((resolve) => requestAnimationFrame(resolve))
    // Scroll up as a fast flick does (1,200 px per frame) and time each frame.
    const frames: number[] = []
    let last = await frame()
    for (let i = 0; i < 300; i++) {
      list.scrollTop -= 1200
      const now = await frame()
      frames.push(now - last)
      last = now
    }
    return { frames, rows: document.querySelectorAll('.message-row').length }
  })
  // Jump to the oldest message: from setting the scroll position to its row rendered, checked every frame.
  await page.evaluate(() => {
    (window as unknown as { jumpAt: number }).jumpAt = performance.now()
    document.querySelector<HTMLElement>('.messages')!.scrollTop = 0
  })
  const jumpMs = await (await page.waitForFunction(() => document.querySelector('[data-index="0"] article') == null
    ? false
    : performance.now() - (window as unknown as { jumpAt: number }).jumpAt, null, { polling: 'raf' })).jsonValue()
  recordMetrics('app-timeline', {
    timeline_100k_frame_p50_ms: { value: round1(median(figures.frames)), unit: 'ms per frame while scrolling (1,200 px per frame)' },
    timeline_100k_frame_p95_ms: { value: round1(percentile(figures.frames, 95)), unit: 'ms per frame while scrolling (1,200 px per frame)' },
    timeline_100k_jump_to_oldest_ms: { value: Math.round(Number(jumpMs)), unit: 'ms' },
    timeline_100k_rows_in_dom: figures.rows
  })
  await twin.close()
})
