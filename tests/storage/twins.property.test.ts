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
// And as the only writer, which appends and merges tails without reading back.
const cases = [...limitCases.map(([name, limits]) => [name, limits, false] as const), ...limitCases.map(([name, limits]) => [`${name}, as the only writer`, limits, true] as const)]

describe.each(cases)('the memory twin and the IndexedDB backend agree (%s)', (_name, chunkLimits, singleWriter) => {
  it('on counts, heads, every page and every read by position after any sequence of batches (some refused)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.array(entryArb, { maxLength: 8 }), { maxLength: 6 }), fc.array(queryArb, { minLength: 1, maxLength: 8 }), async (batches, queries) => {
      const twin = createMemoryStorage()
      const idb = createIndexedDbStorage({ name: `twins-${++n}`, singleWriter, ...(chunkLimits === undefined ? {} : { chunkLimits }) })
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

// Entries that come one at a time, as sent and gossiped ones do, with payloads removed or replaced
// between them: the path where the only writer appends and merges tails from what it remembers.
// Now and then writes pause and loose tails are merged, alone or with an append arriving meanwhile.
const opArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('append' as const), feed: fc.nat(1), count: fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('payload' as const), feed: fc.nat(1), back: fc.nat(2), remove: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('pause' as const), feed: fc.nat(1), appendMeanwhile: fc.boolean() }) }
)

// And a tail that a pause merges from 2 loose chunks, well before the write path would (at 8).
const pauseLimits = { entries: 3, span: 3, compactAfter: 8 }
const appendCases = [...cases, ['tails merged by a pause from 2 small writes, by the write path at 8', pauseLimits, false] as const, ['tails merged by a pause from 2 small writes, by the write path at 8, as the only writer', pauseLimits, true] as const]

describe.each(appendCases)('the memory twin and the IndexedDB backend agree on entries that come a few at a time (%s)', (_name, chunkLimits, singleWriter) => {
  it('on every entry, payload, count, head and page after any run of appends and payload changes', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 80 }), async (ops) => {
      const twin = createMemoryStorage()
      const idb = createIndexedDbStorage({ name: `twins-appends-${++n}`, singleWriter, idleCompactionMs: false, ...(chunkLimits === undefined ? {} : { chunkLimits }) })
      await Promise.all([twin.start(), idb.start()])
      const feeds = [[channels[0]!, authors[0]!], [channels[1]!, authors[1]!]] as const
      const tops = [0, 0]
      try {
        for (const step of ops) {
          const [channel, author] = feeds[step.feed]!
          const next = (count: number): StoredFeedEntry[] => {
            const batch = Array.from({ length: count }, (_, i): StoredFeedEntry => {
              const seq = tops[step.feed]! + i + 1
              return { hash: asEntryHash(`h-${channel}-${author}-${seq}`), room: asRoomId('r'), channel, author, seq, lamport: seq, bytes: new Uint8Array([seq]), payload: new Uint8Array([seq, 0]), receivedAt: seq }
            })
            tops[step.feed]! += count
            return batch
          }
          if (step.op === 'append') {
            const batch = next(step.count)
            await Promise.all([twin.feeds.putEntries(batch), idb.feeds.putEntries(batch)])
          } else if (step.op === 'pause') {
            const meanwhile = step.appendMeanwhile ? next(1) : []
            await Promise.all([idb.compactLooseTails(), twin.feeds.putEntries(meanwhile), idb.feeds.putEntries(meanwhile)])
          } else {
            const seq = Math.max(1, tops[step.feed]! - step.back)
            const payload = step.remove ? null : new Uint8Array([seq, 1])
            await Promise.all([twin.feeds.setPayload(channel, author, seq, payload), idb.feeds.setPayload(channel, author, seq, payload)])
          }
        }
        const everything = async (s: Storage): Promise<unknown> => Promise.all(feeds.map(async ([channel, author]) => (await s.feeds.getRange(channel, author, 1, 200)).map((e) => [e.seq, e.payload])))
        expect(await everything(idb)).toEqual(await everything(twin))
        expect(await observe(idb, [{ limit: 200 }, { before: 'end', limit: 3 }])).toEqual(await observe(twin, [{ limit: 200 }, { before: 'end', limit: 3 }]))
      } finally {
        await Promise.all([twin.stop(), idb.stop()])
      }
    }), { numRuns: 40 })
  })
})
