import { test } from '@playwright/test'
import { median, recordMetrics } from './support/record.ts'

test('feed ingest into IndexedDB vs bare WebCrypto verify, 10,000 entries from 20 authors', async ({ page }) => {
  await page.goto(`${process.env.HARNESS_ORIGIN ?? 'http://127.0.0.1:5173'}/e2e/harness/ingest.html`)
  await page.waitForFunction(() => window.ingestHarnessReady)
  const raw: number[] = []
  const ingest: number[] = []
  const inPage: number[] = []
  // Three rounds, each on freshly signed entries (the ingest caches verdicts by hash) and a fresh
  // database; raw verify runs right before the ingest, on the same entries, so both see the same load.
  // Each round also ingests a second fresh set with signatures checked on the page's own thread, the
  // configuration without workers, to show what the pool buys.
  for (let round = 0; round < 3; round++) {
    const figures = await page.evaluate(async () => {
      const h = window.ingestHarness
      await h.build(10_000, 20)
      const rawPerSecond = await h.rawVerifyPerSecond()
      const workers = await h.ingestPerSecond(500, 4, 'workers')
      await h.build(10_000, 20)
      const page = await h.ingestPerSecond(500, 4, 'page')
      return { rawPerSecond, workers, page }
    })
    if (figures.workers.stored !== 10_000 || figures.page.stored !== 10_000) throw new Error(`stored ${figures.workers.stored} and ${figures.page.stored} entries`)
    raw.push(figures.rawPerSecond)
    ingest.push(figures.workers.perSecond)
    inPage.push(figures.page.perSecond)
  }
  // One gossip message at a time: what validated-and-stored costs the core on an otherwise idle page.
  const one = await page.evaluate(async () => {
    await window.ingestHarness.build(300, 1)
    return window.ingestHarness.gossipOneByOne(300)
  })
  const at = (xs: number[], q: number): number => Number(xs[Math.floor(xs.length * q)]!.toFixed(2))
  recordMetrics('ingest', {
    ingest_gossip_one_p50_ms: { value: at(one.validate, 0.5), unit: 'ms per entry through the gossip validator, one at a time, stored (idle page)' },
    ingest_gossip_one_p99_ms: { value: at(one.validate, 0.99), unit: 'ms per entry through the gossip validator, one at a time, stored (idle page)' },
    idb_read_one_p50_ms: { value: at(one.read, 0.5), unit: 'ms, one-entry IndexedDB read, same page (for scale)' },
    ingest_per_s: { value: Math.round(median(ingest)), unit: 'entries/s (signatures checked in a Web Worker pool, as the app does)' },
    ingest_in_page_per_s: { value: Math.round(median(inPage)), unit: 'entries/s (every signature checked on the page thread)' },
    ingest_verify_raw_per_s: { value: Math.round(median(raw)), unit: 'verifies/s' },
    ingest_ratio: { value: Number(median(ingest.map((x, i) => x / raw[i]!)).toFixed(3)), unit: 'ingest / raw verify' }
  })
})
