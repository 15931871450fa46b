import { test } from '@playwright/test'
import { median, percentile, recordMetrics } from './support/record.ts'

/**
 * Message search (src/workers/search-index.ts, what the search worker runs) in Chromium over
 * 100,000 chat entries of 6-17 words from a 5,000-word vocabulary, in 10 channels by 20 authors:
 * the index build rate (decode + index, batches of 1,000 as the worker reads them) and a query
 * of two words, and of a three-letter prefix (the widest a user types), with 50 results asked.
 * Measured on the page's thread; in the app the same code runs in the worker.
 */
test('search index build rate and query time over 100,000 messages', async ({ page }) => {
  await page.goto(`${process.env.HARNESS_ORIGIN ?? 'http://127.0.0.1:5173'}/e2e/harness/search.html`)
  await page.waitForFunction(() => window.searchHarnessReady)
  const r = await page.evaluate(async () => window.searchBench(100_000, 40))
  if (r.hits === 0) throw new Error('no query found anything: the figures would mean nothing')
  const round1 = (x: number): number => Math.round(x * 10) / 10
  recordMetrics('search', {
    search_100k_ms: { value: round1(median(r.queryMs)), unit: 'ms, median of 40 two-word queries over 100k messages' },
    search_100k_p95_ms: { value: round1(percentile(r.queryMs, 95)), unit: 'ms' },
    search_100k_prefix_ms: { value: round1(median(r.prefixMs)), unit: 'ms, median of 40 three-letter prefix queries' },
    search_index_build_per_s: { value: Math.round(r.perSecond), unit: 'messages/s (decode + index)' },
    search_index_build_100k_ms: { value: Math.round(r.buildMs), unit: 'ms' }
  })
})
