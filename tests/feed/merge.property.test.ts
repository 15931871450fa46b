import { beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { AppendedEntry } from '../../src/core/feed/append.ts'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import { author, chain, channel, room } from './helpers.ts'
import { createAclViewTwin, startedMemoryStorage } from './twins.ts'

let pool: AppendedEntry[] = []
beforeAll(async () => {
  pool = (await Promise.all([0, 1, 2].map((n) => chain(author(n), 6)))).flat()
})

/** Ingests batches in order into a fresh store; returns the stored hashes and the clock. */
async function replay (batches: readonly (readonly AppendedEntry[])[]) {
  const storage = await startedMemoryStorage()
  const ingest = createFeedIngest({ storage, acl: createAclViewTwin() }, { room })
  for (const batch of batches) await ingest.ingest(batch.map((e) => e.envelope))
  const heads = (await storage.feeds.heads(channel)).map((h) => [h.author, h.seq]).sort()
  return { stored: (await storage.feeds.page(channel, { limit: 1000 })).map((e) => e.hash).sort(), heads }
}

/** Batches: any order, any duplication, any split, of a subset of the pool. */
const deliveries = fc.integer({ min: 1, max: 2 ** 18 - 1 })
  .map((mask) => Array.from({ length: 18 }, (_, i) => i).filter((i) => (mask >> i) & 1))
  .chain((subset) => fc.array(fc.constantFrom(...subset), { maxLength: 30 }).map((extra) => [subset, [...extra, ...subset]] as const))
  .chain(([subset, all]) => fc.tuple(
    fc.constant(subset),
    fc.shuffledSubarray([...all], { minLength: all.length, maxLength: all.length }),
    fc.array(fc.nat({ max: all.length }), { maxLength: 8 })
  ))

describe('merging feeds', () => {
  it('reaches the same stored set and clock whatever the order, duplication and batching', async () => {
    await fc.assert(fc.asyncProperty(deliveries, async ([subset, order, cuts]) => {
      const reference = await replay([subset.map((i) => pool[i]!)])
      const stream = order.map((i) => pool[i]!)
      const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < stream.length).sort((a, b) => a - b), stream.length]
      const batches = bounds.slice(1).map((end, k) => stream.slice(bounds[k], end))
      const merged = await replay(batches)
      expect(merged).toEqual(reference)
      // Idempotent: delivering everything again changes nothing.
      expect(await replay([...batches, stream])).toEqual(reference)
    }), { numRuns: 120 })
  })

  it('stores exactly each author\'s gap-free prefix', async () => {
    const picked = [pool[0]!, pool[1]!, pool[3]!, pool[6]!, pool[7]!, pool[8]!]
    const { stored } = await replay([picked.reverse()])
    expect(stored).toEqual([pool[0]!, pool[1]!, pool[6]!, pool[7]!, pool[8]!].map((e) => e.stored.hash).sort())
  })
})
