import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { test, expect } from '@playwright/test'
import { median, recordMetrics } from './support/record.ts'
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
