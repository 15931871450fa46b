import { test } from '@playwright/test'
import { median, recordMetrics } from './support/record.ts'

test('feed ingest into IndexedDB vs bare WebCrypto verify, 10,000 entries from 20 authors', async ({ page }) => {
  await page.goto('http://127.0.0.1:5173/e2e/harness/ingest.html')
  await page.waitForFunction(() => window.ingestHarnessReady)
  const raw: number[] = []
  const ingest: number[] = []
  // Three rounds, each on freshly signed entries (the ingest caches verdicts by hash) and a fresh
  // database; raw verify runs right before the ingest, on the same entries, so both see the same load.
  for (let round = 0; round < 3; round++) {
    const figures = await page.evaluate(async () => {
      const h = window.ingestHarness
      await h.build(10_000, 20)
      const rawPerSecond = await h.rawVerifyPerSecond()
      const result = await h.ingestPerSecond(500, 4)
      return { rawPerSecond, ...result }
    })
    if (figures.stored !== 10_000) throw new Error(`stored ${figures.stored} entries`)
    raw.push(figures.rawPerSecond)
    ingest.push(figures.perSecond)
  }
  recordMetrics('ingest', {
    ingest_per_s: { value: Math.round(median(ingest)), unit: 'entries/s' },
    ingest_verify_raw_per_s: { value: Math.round(median(raw)), unit: 'verifies/s' },
    ingest_ratio: { value: Number(median(ingest.map((x, i) => x / raw[i]!)).toFixed(3)), unit: 'ingest / raw verify' }
  })
})
