import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { OrderKey, Storage, StoredFeedEntry } from '../../src/core/storage.ts'
import { asAuthorId, asChannelId, asEntryHash, asRoomId } from '../../src/core/types.ts'
import { createIndexedDbStorage } from '../../src/storage/indexeddb.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'

const channels = ['c', 'c2'].map(asChannelId)
const authors = ['aa', 'ab', 'b'].map((a) => asAuthorId(a.repeat(32).slice(0, 64)))

const entryArb = fc.record({ channel: fc.constantFrom(...channels), author: fc.constantFrom(...authors), seq: fc.integer({ min: 1, max: 6 }), lamport: fc.integer({ min: 0, max: 12 }), variant: fc.nat(3), clash: fc.nat(11) })
  .map(({ channel, author, seq, lamport, variant, clash }): StoredFeedEntry => ({
    // Now and then a hash shared with another position: the batch holding it must be refused.
    hash: asEntryHash(clash === 0 ? `h-clash-${lamport % 2}` : `h-${channel}-${author}-${seq}-${lamport}-${variant}`),
    room: asRoomId('r'), channel, author, seq, lamport, bytes: new Uint8Array([seq, lamport, variant]), payload: null, receivedAt: variant
  }))
const keyArb = fc.record({ lamport: fc.integer({ min: -1, max: 13 }), author: fc.constantFrom(...authors), seq: fc.integer({ min: 0, max: 7 }) })
const queryArb = fc.record({ after: fc.option(keyArb, { nil: undefined }), before: fc.option(fc.oneof(keyArb, fc.constant('end' as const)), { nil: undefined }), limit: fc.integer({ min: 0, max: 12 }) })
  .map(({ after, before, limit }) => ({ ...(after === undefined ? {} : { after }), ...(before === undefined ? {} : { before }), limit }))

/** What a caller can observe of a channel, in a form that compares directly. */
async function observe (s: Storage, queries: ReadonlyArray<{ after?: OrderKey, before?: OrderKey | 'end', limit: number }>): Promise<unknown> {
  return await Promise.all(channels.map(async (channel) => ({
    count: await s.feeds.count(channel),
    heads: (await s.feeds.heads(channel)).sort((x, y) => (x.author < y.author ? -1 : 1)),
    pages: await Promise.all(queries.map(async (q) => (await s.feeds.page(channel, q)).map((e) => e.hash))),
    feeds: await Promise.all(authors.map(async (author) => ({
      range: (await s.feeds.getRange(channel, author, 2, 5)).map((e) => e.hash),
      bySeq: await Promise.all([1, 3, 6].map(async (seq) => (await s.feeds.getEntry(channel, author, seq))?.hash))
    })))
  })))
}

let n = 0

// Default chunk limits, and tiny ones that cut every few entries and lamports, so pages cross many chunks.
const limitCases = [['default chunk limits', undefined], ['chunks of at most 3 entries within 3 lamports, tails merged after 2 small writes', { entries: 3, span: 3, compactAfter: 2 }]] as const

describe.each(limitCases)('the memory twin and the IndexedDB backend agree (%s)', (_name, chunkLimits) => {
  it('on counts, heads, every page and every read by position after any sequence of batches (some refused)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.array(entryArb, { maxLength: 8 }), { maxLength: 6 }), fc.array(queryArb, { minLength: 1, maxLength: 8 }), async (batches, queries) => {
      const twin = createMemoryStorage()
      const idb = createIndexedDbStorage({ name: `twins-${++n}`, ...(chunkLimits === undefined ? {} : { chunkLimits }) })
      await Promise.all([twin.start(), idb.start()])
      try {
        for (const batch of batches) {
          // A batch may clash with itself or the store (one hash at two positions); both must refuse it alike.
          const [a, b] = await Promise.all([twin.feeds.putEntries(batch).then(() => 'stored', (e: Error) => e.name), idb.feeds.putEntries(batch).then(() => 'stored', (e: Error) => e.name)])
          expect(b).toBe(a)
        }
        expect(await observe(idb, queries)).toEqual(await observe(twin, queries))
      } finally {
        await Promise.all([twin.stop(), idb.stop()])
      }
    }), { numRuns: 60 })
  })
})
