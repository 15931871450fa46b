import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { OrderKey, StoredFeedEntry } from '../../src/core/storage.ts'
import { asAuthorId, asChannelId, asEntryHash, asRoomId } from '../../src/core/types.ts'
import { type ChunkCursor, type FeedChunk, chunkRangeOf, chunksOf, entriesOfChunk, pageOfChunks } from '../../src/storage/feed-chunks.ts'
import { compareOrder } from '../../src/storage/records.ts'

const authors = ['a', 'b', 'c'].map((a) => asAuthorId(a.repeat(64)))
const channel = asChannelId('c')

/** Feeds of up to three authors, seqs 1..n, lamports drawn from a small range so ties are common. */
const feedsArb = fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 14 }), { minLength: 1, maxLength: 3 })
  .map((feeds) => feeds.map((lamports, i) => lamports.map((lamport, s): StoredFeedEntry => ({
    hash: asEntryHash(`h-${i}-${s + 1}`), room: asRoomId('r'), channel, author: authors[i]!, seq: s + 1, lamport, bytes: new Uint8Array([s]), payload: null, receivedAt: 0
  }))))
const keyArb = fc.record({ lamport: fc.integer({ min: -1, max: 10 }), author: fc.constantFrom(...authors), seq: fc.integer({ min: 0, max: 15 }) })
const limitsArb = fc.record({ entries: fc.integer({ min: 1, max: 5 }), span: fc.integer({ min: 0, max: 4 }), compactAfter: fc.integer({ min: 1, max: 5 }) })

/** What the (channel, minLamport) or (channel, maxLamport) index yields for a query's range, in cursor order. */
function cursorOver (chunks: readonly FeedChunk[], range: ReturnType<typeof chunkRangeOf>): ChunkCursor {
  const key = (c: FeedChunk): number => c[range.by]
  const inRange = chunks.filter((c) => (range.lowest === undefined || key(c) >= range.lowest) && (range.highest === undefined || key(c) <= range.highest))
    .sort((x, y) => (range.by === 'minLamport' ? key(x) - key(y) : key(y) - key(x)))
  let i = 0
  return {
    bound: () => Promise.resolve(inRange[i] === undefined ? undefined : key(inRange[i]!)),
    take: () => Promise.resolve(inRange[i++]!)
  }
}

describe('feed chunks (pure; the chunk source is an in-memory list standing in for the IndexedDB index)', () => {
  it('cut feeds into runs within the entry and lamport-span limits, losing nothing', () => {
    fc.assert(fc.property(feedsArb, limitsArb, (feeds, limits) => {
      for (const feed of feeds) {
        const chunks = chunksOf(feed, limits)
        expect(chunks.flatMap(entriesOfChunk)).toEqual(feed)
        for (const c of chunks) {
          const lamports = c.entries.map((e) => e.lamport)
          expect(c.entries.length).toBeLessThanOrEqual(limits.entries)
          expect(Math.max(...lamports) - Math.min(...lamports)).toBeLessThanOrEqual(limits.span)
          expect([c.minLamport, c.maxLamport]).toEqual([Math.min(...lamports), Math.max(...lamports)])
          expect([c.firstSeq, c.lastSeq]).toEqual([c.entries[0]!.seq, c.entries[c.entries.length - 1]!.seq])
        }
      }
    }), { numRuns: 500 })
  })

  it('page the display order exactly as sorting every entry would, reading only the index range', async () => {
    await fc.assert(fc.asyncProperty(feedsArb, limitsArb, fc.option(keyArb, { nil: undefined }), fc.option(fc.oneof(keyArb, fc.constant('end' as const)), { nil: undefined }), fc.integer({ min: 1, max: 12 }),
      async (feeds, limits, after, before, limit) => {
        const chunks = feeds.flatMap((f) => chunksOf(f, limits))
        const all = feeds.flat().sort(compareOrder)
        const inRange = all.filter((e) => (after === undefined || compareOrder(e, after) > 0) && (before === undefined || before === 'end' || compareOrder(e, before as OrderKey) < 0))
        const expected = before === undefined ? inRange.slice(0, limit) : inRange.slice(Math.max(0, inRange.length - limit))
        const query = { ...(after === undefined ? {} : { after }), ...(before === undefined ? {} : { before }), limit }
        const page = await pageOfChunks(cursorOver(chunks, chunkRangeOf(query, limits.span)), query)
        expect(page.map((e) => e.hash)).toEqual(expected.map((e) => e.hash))
      }), { numRuns: 3000 })
  })
})
