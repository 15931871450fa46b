import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { Storage, StoredFeedEntry } from '../../src/core/storage.ts'
import { asAuthorId, asChannelId, asEntryHash, asRoomId } from '../../src/core/types.ts'
import { createIndexedDbStorage } from '../../src/storage/indexeddb.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'

// Two tabs of one browser profile share the database. Each IndexedDB backend remembers the feed
// heads it wrote and appends after them in one round trip; this checks that a head the other tab
// moved is noticed, so both tabs together keep what one store given the same writes would keep.

const channel = asChannelId('c')
const authors = ['a', 'b'].map((a) => asAuthorId(a.repeat(64)))

/**
 * A step: one tab writes `count` entries of a feed, starting `back` entries before its end (some
 * already written), now and then a forked version of them (`variant`): the first stored must stay.
 */
const stepArb = fc.record({ tab: fc.integer({ min: 0, max: 1 }), author: fc.integer({ min: 0, max: 1 }), count: fc.integer({ min: 1, max: 3 }), back: fc.constantFrom(0, 0, 0, 1, 2), variant: fc.constantFrom(0, 0, 1), otherMerges: fc.constantFrom(false, false, true) })

const entry = (author: number, seq: number, variant: number): StoredFeedEntry => ({
  hash: asEntryHash(`h-${author}-${seq}-${variant}`),
  room: asRoomId('r'), channel, author: authors[author]!, seq, lamport: seq * 2 + author, bytes: new Uint8Array([author, seq, variant]), payload: null, receivedAt: 0
})

async function observe (s: Storage): Promise<unknown> {
  return {
    count: await s.feeds.count(channel),
    heads: (await s.feeds.heads(channel)).sort((x, y) => (x.author < y.author ? -1 : 1)),
    page: (await s.feeds.page(channel, { limit: 100 })).map((e) => e.hash)
  }
}

let n = 0

// The third: a pause merges a tail from 2 small writes (a quarter of compactAfter), before the write path would.
describe.each([['default chunk limits', undefined], ['tails merged after 3 small writes', { entries: 3, span: 8, compactAfter: 3 }], ['tails merged in pauses from 2 small writes', { entries: 3, span: 8, compactAfter: 8 }]] as const)('two tabs writing one database (%s)', (_name, chunkLimits) => {
  it('keep the counts, heads and pages one store would keep, whichever tab writes each batch', async () => {
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 14 }), async (steps) => {
      const name = `two-tabs-${++n}`
      const limits = { idleCompactionMs: false as const, ...(chunkLimits === undefined ? {} : { chunkLimits }) }
      const tabs = [createIndexedDbStorage({ name, ...limits }), createIndexedDbStorage({ name, ...limits })]
      const twin = createMemoryStorage()
      await Promise.all([twin.start(), ...tabs.map(async (t) => t.start())])
      try {
        const ends = [0, 0]
        for (const { tab, author, count, back, variant, otherMerges } of steps) {
          const from = Math.max(1, ends[author]! + 1 - back)
          const batch = Array.from({ length: count }, (_, i) => entry(author, from + i, variant))
          ends[author] = Math.max(ends[author]!, from + count - 1)
          await twin.feeds.putEntries(batch)
          // Now and then the other tab's writes have paused: it merges the tails it wrote while this one writes.
          await Promise.all([tabs[tab]!.feeds.putEntries(batch), otherMerges ? tabs[1 - tab]!.compactLooseTails() : undefined])
        }
        const expected = await observe(twin)
        expect(await observe(tabs[0]!)).toEqual(expected)
        expect(await observe(tabs[1]!)).toEqual(expected)
      } finally {
        await Promise.all([twin.stop(), ...tabs.map(async (t) => t.stop())])
      }
    }), { numRuns: 80 })
  })
})

describe('a tab whose remembered head another tab moved', () => {
  it('does not write after it: a fork of a seq the other tab already merged into a chunk is dropped, the count and head stay', async () => {
    // Tab a remembers head 1. Tab b writes 2 and 3, merging the loose tail into one chunk [1..3],
    // so no chunk starts at 2 and nothing but the head check stops a's fork of 2 from landing.
    const name = `two-tabs-${++n}`
    const chunkLimits = { entries: 3, span: 8, compactAfter: 3 }
    const [a, b] = [createIndexedDbStorage({ name, chunkLimits }), createIndexedDbStorage({ name, chunkLimits })]
    await Promise.all([a.start(), b.start()])
    try {
      await a.feeds.putEntries([entry(0, 1, 0)])
      await b.feeds.putEntries([entry(0, 2, 0)])
      await b.feeds.putEntries([entry(0, 3, 0)])
      await a.feeds.putEntries([entry(0, 2, 1)])
      expect(await a.feeds.count(channel)).toBe(3)
      expect((await a.feeds.heads(channel)).map((h) => [h.seq, h.hash])).toEqual([[3, 'h-0-3-0']])
      expect((await a.feeds.page(channel, { limit: 10 })).map((e) => e.hash)).toEqual(['h-0-1-0', 'h-0-2-0', 'h-0-3-0'])
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
  })
})
