import { test } from '@playwright/test'
import { recordMetrics } from './support/record.ts'

test('feed ingest into IndexedDB vs bare WebCrypto verify, 10,000 entries from 20 authors', async ({ page }) => {
  await page.goto('http://127.0.0.1:5173/e2e/harness/ingest.html')
  await page.waitForFunction(() => window.ingestHarnessReady)
  const figures = await page.evaluate(async () => {
    const h = window.ingestHarness
    await h.build(10_000, 20)
    // Raw verify before and after the ingest run; the better of the two is the baseline.
    const rawBefore = await h.rawVerifyPerSecond()
    const ingest = await h.ingestPerSecond(500, 2)
    const rawAfter = await h.rawVerifyPerSecond()
    return { raw: Math.max(rawBefore, rawAfter), ingest }
  })
  if (figures.ingest.stored !== 10_000) throw new Error(`stored ${figures.ingest.stored} entries`)
  recordMetrics('ingest', {
    ingest_per_s: { value: Math.round(figures.ingest.perSecond), unit: 'entries/s' },
    ingest_verify_raw_per_s: { value: Math.round(figures.raw), unit: 'verifies/s' },
    ingest_ratio: { value: Number((figures.ingest.perSecond / figures.raw).toFixed(3)), unit: 'ingest / raw verify' }
  })
})
