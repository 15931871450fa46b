import { test } from '@playwright/test'
import { recordMetrics } from './support/record.ts'

/**
 * IndexedDB write throughput in Chromium through the real backend: 300-byte entries, stored in
 * batches of 1,000 (one transaction each, as sync stores a received range; the backend keeps them
 * as chunks of up to 256, see src/storage/feed-chunks.ts) and one transaction per entry (as a
 * single live message is stored).
 */
test('IndexedDB write throughput, batched and one transaction per record', async ({ page }) => {
  await page.goto(`${process.env.HARNESS_ORIGIN ?? 'http://127.0.0.1:5173'}/e2e/harness/storage.html`)
  await page.waitForFunction(() => window.storageHarnessReady)
  const figures = await page.evaluate(async () => {
    const { createIndexedDbStorage, freshName } = window.storageHarness
    const records = (channel: string, count: number) => Array.from({ length: count }, (_, i) => ({
      hash: `bafyrei${channel}${String(i).padStart(52, '0')}`,
      room: 'bench-room',
      channel,
      author: 'ab'.repeat(32),
      seq: i + 1,
      lamport: i + 1,
      bytes: crypto.getRandomValues(new Uint8Array(300)),
      payload: null,
      receivedAt: Date.now()
    })) as unknown as Parameters<ReturnType<typeof createIndexedDbStorage>['feeds']['putEntries']>[0]
    const storage = createIndexedDbStorage({ name: freshName() })
    await storage.start()

    const batched = records('batched', 20_000)
    let t0 = performance.now()
    for (let i = 0; i < batched.length; i += 1_000) await storage.feeds.putEntries(batched.slice(i, i + 1_000))
    const batchedPerSecond = batched.length / ((performance.now() - t0) / 1000)

    const single = records('single', 2_000)
    t0 = performance.now()
    for (const r of single) await storage.feeds.putEntries([r])
    const singlePerSecond = single.length / ((performance.now() - t0) / 1000)

    const stored = await storage.feeds.count(batched[0]!.channel) + await storage.feeds.count(single[0]!.channel)
    await storage.stop()
    return { batchedPerSecond, singlePerSecond, stored }
  })
  if (figures.stored !== 22_000) throw new Error(`stored ${figures.stored} of 22000 records`)
  recordMetrics('storage', {
    idb_write_batched_per_s: { value: Math.round(figures.batchedPerSecond), unit: 'feed entries/s, batches of 1,000 (stored as chunks)' },
    idb_write_single_per_s: { value: Math.round(figures.singlePerSecond), unit: 'feed entries/s, one transaction each' }
  })
})
