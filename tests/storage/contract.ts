import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { hashOf } from '../../src/core/codec/hash.ts'
import type { ForkProof, OrderKey, Storage, StoredAuthorityEntry, StoredFeedEntry } from '../../src/core/storage.ts'
import { type AuthorId, type ChannelId, type RoomId, asAuthorId, asChannelId, asEntryHash, asRoomId } from '../../src/core/types.ts'

/**
 * The storage contract every backend passes: the memory twin and IndexedDB on fake-indexeddb
 * (tests/storage/*.test.ts) and real IndexedDB in Chromium (e2e/storage.spec.ts through the
 * storage harness page). Each check is a plain async function that returns its failures, so the
 * same code runs under vitest and in a browser page; the wrappers assert the list is empty.
 */
export type CreateStorage = () => Storage

export interface StorageCheck {
  readonly name: string
  /** Runs against fresh storage from `create` and returns one line per failed expectation. */
  run (create: CreateStorage): Promise<string[]>
}

const room = asRoomId('room-1')
const otherRoom = asRoomId('room-10')
const chan = asChannelId('chan')
// A channel whose id extends the first one's: range queries must not bleed into it.
const chanLonger = asChannelId('chan-2')
const [A, B, C] = ['aa', 'bb', 'cc'].map((x) => asAuthorId(x.repeat(32))) as [AuthorId, AuthorId, AuthorId]

function entry (channel: ChannelId, author: AuthorId, seq: number, lamport: number, variant = ''): StoredFeedEntry {
  const bytes = encodeCanonical({ v: 1, t: 'feed', room, channel, author, seq, lamport, variant, pad: 'x'.repeat(200) })
  return { hash: hashOf(bytes), room, channel, author, seq, lamport, bytes, payload: new TextEncoder().encode(`payload ${author.slice(0, 2)} ${seq}${variant}`), receivedAt: 1_000 + seq }
}

function authorityEntry (r: RoomId, n: number): StoredAuthorityEntry {
  const bytes = encodeCanonical({ v: 1, t: 'auth', room: r, n })
  return { hash: hashOf(bytes), room: r, bytes, receivedAt: 2_000 + n }
}

const keyOf = (e: StoredFeedEntry): OrderKey => ({ lamport: e.lamport, author: e.author, seq: e.seq })
const label = (e: StoredFeedEntry): string => `${e.author.slice(0, 1)}${e.seq}`

/** Collects failed expectations instead of throwing, so a check reports all of them. */
class Expectations {
  readonly failures: string[] = []
  equal (actual: unknown, expected: unknown, what: string): void {
    if (!same(actual, expected)) this.failures.push(`${what}: expected ${show(expected)}, got ${show(actual)}`)
  }

  async rejectsWithStorageError (action: () => Promise<unknown>, what: string): Promise<void> {
    try {
      await action()
      this.failures.push(`${what}: expected a StorageError, but it succeeded`)
    } catch (err) {
      if ((err as Error)?.name !== 'StorageError') this.failures.push(`${what}: expected a StorageError, got ${String(err)}`)
    }
  }
}

function same (a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i])
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]))
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort()
    const kb = Object.keys(b).sort()
    return same(ka, kb) && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  }
  return Object.is(a, b)
}

function show (v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `<${x.length} bytes>` : x)) ?? String(v)
}

/** Starts fresh storage, runs the body, always stops it. */
async function withStorage (create: CreateStorage, body: (s: Storage, expect: Expectations) => Promise<void>): Promise<string[]> {
  const expect = new Expectations()
  const s = create()
  await s.start()
  try {
    await body(s, expect)
  } catch (err) {
    expect.failures.push(`threw: ${String(err)}`)
  } finally {
    await s.stop()
  }
  return expect.failures
}

const check = (name: string, body: (s: Storage, expect: Expectations) => Promise<void>): StorageCheck =>
  ({ name, run: (create) => withStorage(create, body) })

export const storageChecks: readonly StorageCheck[] = [
  check('stores entries and reads them by position, hash and seq range', async (s, expect) => {
    const feed = [1, 2, 3, 4].map((seq) => entry(chan, A, seq, seq))
    await s.feeds.putEntries(feed)
    await s.feeds.putEntries([entry(chan, B, 1, 1), entry(chanLonger, A, 1, 1)])
    expect.equal(await s.feeds.getEntry(chan, A, 2), feed[1], 'getEntry')
    expect.equal(await s.feeds.getEntry(chan, A, 5), undefined, 'getEntry of a missing seq')
    expect.equal(await s.feeds.getByHash(feed[2]!.hash), feed[2], 'getByHash')
    expect.equal(await s.feeds.getByHash(asEntryHash('bafy-missing')), undefined, 'getByHash of a missing hash')
    expect.equal((await s.feeds.getRange(chan, A, 2, 3)).map(label), ['a2', 'a3'], 'getRange inside')
    expect.equal((await s.feeds.getRange(chan, A, 0, 99)).map(label), ['a1', 'a2', 'a3', 'a4'], 'getRange past both ends')
    expect.equal(await s.feeds.getRange(chan, A, 3, 2), [], 'getRange with from > to')
    expect.equal(await s.feeds.count(chan), 5, 'count')
    expect.equal(await s.feeds.count(chanLonger), 1, 'count of a channel whose id extends another')
  }),

  check('stores entries that come one at a time (sent, gossiped), two feeds interleaved, past chunk merges', async (s, expect) => {
    const feeds = new Map<AuthorId, StoredFeedEntry[]>([[A, []], [B, []]])
    const feedOf = (author: AuthorId): StoredFeedEntry[] => feeds.get(author) ?? []
    for (let seq = 1; seq <= 40; seq++) {
      for (const author of [A, B]) {
        const e = entry(chan, author, seq, 2 * seq + (author === A ? 0 : 1))
        feedOf(author).push(e)
        await s.feeds.putEntries([e])
      }
    }
    expect.equal(await s.feeds.count(chan), 80, 'count')
    expect.equal((await s.feeds.heads(chan)).sort((x, y) => (x.author < y.author ? -1 : 1)), [A, B].map((author) => ({ author, seq: 40, hash: feedOf(author)[39]!.hash, lamport: 80 + (author === A ? 0 : 1) })), 'heads')
    expect.equal((await s.feeds.getRange(chan, A, 1, 40)).map(label), feedOf(A).map(label), 'one feed, in seq order')
    expect.equal((await s.feeds.page(chan, { limit: 100 })).map(label), [...feedOf(A), ...feedOf(B)].sort((x, y) => x.lamport - y.lamport).map(label), 'the channel, in display order')
  }),

  check('ignores duplicates, within a batch and across batches, and keeps the first entry at a position', async (s, expect) => {
    const first = entry(chan, A, 1, 1)
    const fork = entry(chan, A, 1, 7, 'fork')
    await s.feeds.putEntries([first, first, entry(chan, A, 2, 2)])
    await s.feeds.putEntries([fork, entry(chan, A, 2, 2), entry(chan, A, 3, 3)])
    expect.equal(await s.feeds.count(chan), 3, 'count')
    expect.equal(await s.feeds.getEntry(chan, A, 1), first, 'the first entry at seq 1 stays')
    expect.equal(await s.feeds.getByHash(fork.hash), undefined, 'the later entry at seq 1 is not stored')
    expect.equal(await s.feeds.heads(chan), [{ author: A, seq: 3, hash: entry(chan, A, 3, 3).hash, lamport: 3 }], 'heads')
    await s.feeds.putEntries([])
    expect.equal(await s.feeds.count(chan), 3, 'an empty batch changes nothing')
  }),

  check('refuses a whole batch with one bad record and keeps what was stored before', async (s, expect) => {
    const before = [1, 2].map((seq) => entry(chan, A, seq, seq))
    await s.feeds.putEntries(before)
    const good = [entry(chan, A, 3, 3), entry(chan, B, 1, 4)]
    const bad: Array<[string, StoredFeedEntry]> = [
      ['a seq that is not a number', { ...entry(chan, C, 1, 5), seq: Number.NaN }],
      ['a payload that is not bytes', { ...entry(chan, C, 1, 5), payload: 'text' as unknown as Uint8Array }],
      // Caught only by the backend itself (IndexedDB: the unique hash index), in the middle of the transaction.
      ['a hash already stored at another position', { ...entry(chan, C, 1, 5), hash: before[0]!.hash }]
    ]
    for (const [what, record] of bad) {
      await expect.rejectsWithStorageError(() => s.feeds.putEntries([good[0]!, record, good[1]!]), `batch with ${what}`)
    }
    expect.equal(await s.feeds.count(chan), 2, 'count after the refused batches')
    expect.equal(await s.feeds.getEntry(chan, A, 3), undefined, 'no entry of a refused batch is stored')
    expect.equal(await s.feeds.getEntry(chan, B, 1), undefined, 'no entry of a refused batch is stored (other author)')
    expect.equal(await s.feeds.getEntry(chan, A, 2), before[1], 'entries stored before stay')
    expect.equal(await s.feeds.heads(chan), [{ author: A, seq: 2, hash: before[1]!.hash, lamport: 2 }], 'heads after the refused batches')
    await s.feeds.putEntries(good)
    expect.equal(await s.feeds.count(chan), 4, 'the good records store once alone')
    await expect.rejectsWithStorageError(() => s.feeds.page(chan, { limit: -1 }), 'a negative page limit')
  }),

  check('pages in display order (lamport, author, seq) within bounds', async (s, expect) => {
    const a1 = entry(chan, A, 1, 1)
    const a2 = entry(chan, A, 2, 2)
    const b1 = entry(chan, B, 1, 2)
    const a3 = entry(chan, A, 3, 3)
    const c1 = entry(chan, C, 1, 3)
    const c2 = entry(chan, C, 2, 9)
    const b2 = entry(chan, B, 2, 10)
    // Stored out of order, in several batches, next to another channel's entries.
    await s.feeds.putEntries([b2, c1, entry(chanLonger, A, 1, 4)])
    await s.feeds.putEntries([a3, a1, c2])
    await s.feeds.putEntries([b1, a2, entry(chanLonger, B, 1, 1)])
    const order = (q: Parameters<Storage['feeds']['page']>[1]): Promise<string[]> => s.feeds.page(chan, q).then((p) => p.map(label))
    expect.equal(await order({ limit: 100 }), ['a1', 'a2', 'b1', 'a3', 'c1', 'c2', 'b2'], 'the whole channel (lamport 10 after 9: numeric order)')
    expect.equal(await order({ limit: 3 }), ['a1', 'a2', 'b1'], 'first page')
    expect.equal(await order({ after: keyOf(a2), limit: 2 }), ['b1', 'a3'], 'after a key')
    expect.equal(await order({ after: { lamport: 2, author: A, seq: 99 }, limit: 2 }), ['b1', 'a3'], 'after a key that is not stored')
    expect.equal(await order({ before: 'end', limit: 2 }), ['c2', 'b2'], 'newest page')
    expect.equal(await order({ before: keyOf(a3), limit: 2 }), ['a2', 'b1'], 'before a key')
    expect.equal(await order({ before: keyOf(a1), limit: 5 }), [], 'before the first')
    expect.equal(await order({ after: keyOf(a1), before: keyOf(c1), limit: 10 }), ['a2', 'b1', 'a3'], 'between two keys')
    expect.equal(await order({ after: keyOf(a1), before: keyOf(c1), limit: 1 }), ['a3'], 'between two keys, the last one')
    expect.equal(await order({ after: keyOf(c1), before: keyOf(a2), limit: 5 }), [], 'an empty range')
    expect.equal(await order({ after: keyOf(b2), limit: 5 }), [], 'after the last')
    expect.equal(await order({ limit: 0 }), [], 'limit 0')
    expect.equal((await s.feeds.page(chanLonger, { before: 'end', limit: 10 })).map(label), ['b1', 'a1'], 'the other channel alone')
    expect.equal(await s.feeds.page(asChannelId('empty'), { before: 'end', limit: 10 }), [], 'an empty channel')
  }),

  check('keeps each author\'s head in step with the entries', async (s, expect) => {
    expect.equal(await s.feeds.heads(chan), [], 'no heads in an empty channel')
    await s.feeds.putEntries([entry(chan, A, 1, 1), entry(chan, A, 2, 2), entry(chan, B, 1, 3)])
    await s.feeds.putEntries([entry(chan, A, 3, 8), entry(chan, A, 1, 1), entry(chanLonger, C, 1, 1)])
    await s.feeds.putEntries([entry(chan, B, 2, 9), entry(chan, B, 1, 3)])
    const heads = (await s.feeds.heads(chan)).sort((x, y) => (x.author < y.author ? -1 : 1))
    expect.equal(heads, [
      { author: A, seq: 3, hash: entry(chan, A, 3, 8).hash, lamport: 8 },
      { author: B, seq: 2, hash: entry(chan, B, 2, 9).hash, lamport: 9 }
    ], 'heads')
  }),

  check('replaces and removes payloads, and the entry stays', async (s, expect) => {
    const e = entry(chan, A, 1, 1)
    await s.feeds.putEntries([e])
    await s.feeds.setPayload(chan, A, 1, null)
    expect.equal(await s.feeds.getEntry(chan, A, 1), { ...e, payload: null }, 'payload removed')
    expect.equal((await s.feeds.getByHash(e.hash))?.payload, null, 'by hash too')
    expect.equal((await s.feeds.page(chan, { limit: 5 })).length, 1, 'still in the display order')
    const restored = new Uint8Array([1, 2, 3])
    await s.feeds.setPayload(chan, A, 1, restored)
    expect.equal((await s.feeds.getEntry(chan, A, 1))?.payload, restored, 'payload restored')
    await s.feeds.setPayload(chan, A, 2, new Uint8Array([9]))
    expect.equal(await s.feeds.getEntry(chan, A, 2), undefined, 'setPayload of a missing entry stores nothing')
    expect.equal(await s.feeds.count(chan), 1, 'count')
  }),

  check('keeps a payload changed while its entry waits in a feed\'s tail of single appends, through the merges after it', async (s, expect) => {
    const feed: StoredFeedEntry[] = []
    for (let seq = 1; seq <= 40; seq++) {
      feed.push(entry(chan, A, seq, seq))
      await s.feeds.putEntries([feed[seq - 1]!])
      // Changed just after they are written, and one while its write is still in flight.
      if (seq === 5 || seq === 20) await s.feeds.setPayload(chan, A, seq, null)
      if (seq === 30) await s.feeds.setPayload(chan, A, 30, new Uint8Array([30]))
    }
    const last = entry(chan, A, 41, 41)
    await Promise.all([s.feeds.putEntries([last]), s.feeds.setPayload(chan, A, 33, null)])
    for (let seq = 42; seq <= 50; seq++) await s.feeds.putEntries([entry(chan, A, seq, seq)])
    const payloads = new Map((await s.feeds.getRange(chan, A, 1, 50)).map((e) => [e.seq, e.payload]))
    expect.equal([5, 20, 30, 33].map((seq) => payloads.get(seq)), [null, null, new Uint8Array([30]), null], 'the changed payloads')
    expect.equal(payloads.get(6), feed[5]!.payload, 'a payload left alone')
    expect.equal(payloads.size, 50, 'every entry')
  }),

  check('keeps fork proofs per room, once per position', async (s, expect) => {
    const proof = (r: RoomId, seq: number, tag: number): ForkProof => ({
      room: r, channel: chan, author: A, seq, entries: [new Uint8Array([tag, 1]), new Uint8Array([tag, 2])], detectedAt: 5_000 + tag
    })
    await s.feeds.putForkProof(proof(room, 3, 1))
    await s.feeds.putForkProof(proof(room, 3, 2))
    await s.feeds.putForkProof(proof(room, 4, 3))
    await s.feeds.putForkProof(proof(otherRoom, 3, 4))
    expect.equal(await s.feeds.forkProofs(room), [proof(room, 3, 1), proof(room, 4, 3)], 'proofs of the room, the first per position')
    expect.equal(await s.feeds.forkProofs(otherRoom), [proof(otherRoom, 3, 4)], 'proofs of a room whose id extends another')
    expect.equal(await s.feeds.forkProofs(asRoomId('none')), [], 'no proofs')
  }),

  check('stores authority entries per room, once per hash, all or nothing', async (s, expect) => {
    const [e1, e2, e3] = [1, 2, 3].map((n) => authorityEntry(room, n)) as [StoredAuthorityEntry, StoredAuthorityEntry, StoredAuthorityEntry]
    await s.authority.putEntries([e1, e2, e1])
    await s.authority.putEntries([{ ...e2, receivedAt: 1 }, authorityEntry(otherRoom, 1)])
    await expect.rejectsWithStorageError(() => s.authority.putEntries([e3, { ...authorityEntry(room, 4), bytes: 'x' as unknown as Uint8Array }]), 'a batch with bad bytes')
    const sortByHash = (xs: StoredAuthorityEntry[]): StoredAuthorityEntry[] => [...xs].sort((x, y) => (x.hash < y.hash ? -1 : 1))
    expect.equal(sortByHash(await s.authority.list(room)), sortByHash([e1, e2]), 'list keeps the first copy and nothing from the refused batch')
    expect.equal((await s.authority.list(otherRoom)).length, 1, 'list of a room whose id extends another')
    expect.equal(await s.authority.has(e2.hash), true, 'has')
    expect.equal(await s.authority.has(e3.hash), false, 'has, refused batch')
  }),

  check('keeps meta records, lists them by prefix in key order, and keeps a non-extractable CryptoKey usable', async (s, expect) => {
    await s.meta.put('rooms/b', { name: 'B', key: new Uint8Array([2]) })
    await s.meta.put('rooms/a', { name: 'A', key: new Uint8Array([1]) })
    await s.meta.put('rooms0', 'neighbour')
    await s.meta.put('rooms', 'the prefix itself')
    await s.meta.put('settings', { theme: 'dark' })
    expect.equal(await s.meta.list('rooms/'), [['rooms/a', { name: 'A', key: new Uint8Array([1]) }], ['rooms/b', { name: 'B', key: new Uint8Array([2]) }]], 'list by prefix')
    expect.equal((await s.meta.list('')).map(([k]) => k), ['rooms', 'rooms/a', 'rooms/b', 'rooms0', 'settings'], 'list everything')
    expect.equal(await s.meta.list('zz'), [], 'list of an unused prefix')
    await s.meta.put('settings', { theme: 'light' })
    expect.equal(await s.meta.get('settings'), { theme: 'light' }, 'put replaces')
    await s.meta.delete('settings')
    await s.meta.delete('never-stored')
    expect.equal(await s.meta.get('settings'), undefined, 'delete')
    await expect.rejectsWithStorageError(() => s.meta.put('copy', { notCloneable: () => 1 }), 'a value that cannot be cloned')
    expect.equal(await s.meta.get('copy'), undefined, 'nothing stored for it')
    const value = { nested: [1, 2] }
    await s.meta.put('copy', value)
    value.nested.push(3)
    expect.equal(await s.meta.get('copy'), { nested: [1, 2] }, 'stored values are copies')

    const keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
    await s.meta.put('identity/key', keys.privateKey)
    const restored = await s.meta.get<CryptoKey>('identity/key')
    const message = new TextEncoder().encode('signed with a stored key')
    const sig = restored === undefined ? new ArrayBuffer(0) : await crypto.subtle.sign({ name: 'Ed25519' }, restored, message)
    expect.equal(restored?.extractable, false, 'the stored key is still non-extractable')
    expect.equal(await crypto.subtle.verify({ name: 'Ed25519' }, keys.publicKey, sig, message), true, 'the stored key still signs')
  }),

  check('stores only the bytes of a Uint8Array view', async (s, expect) => {
    const e = entry(chan, A, 1, 1)
    const big = new Uint8Array(100_000)
    big.set(e.bytes, 500)
    await s.feeds.putEntries([{ ...e, bytes: big.subarray(500, 500 + e.bytes.length) }])
    const stored = await s.feeds.getEntry(chan, A, 1)
    expect.equal(stored?.bytes, e.bytes, 'bytes')
    expect.equal(stored?.bytes.buffer.byteLength, e.bytes.length, 'the stored buffer holds only the view')
  }),

  check('keeps every entry of concurrent overlapping writes, and heads agree', async (s, expect) => {
    const feed = Array.from({ length: 60 }, (_, i) => entry(chan, A, i + 1, i + 1))
    await Promise.all([s.feeds.putEntries(feed.slice(0, 40)), s.feeds.putEntries(feed.slice(20)), s.feeds.putEntries(feed.slice(10, 30))])
    expect.equal(await s.feeds.count(chan), 60, 'count')
    expect.equal(await s.feeds.heads(chan), [{ author: A, seq: 60, hash: feed[59]!.hash, lamport: 60 }], 'heads')
  }),

  {
    name: 'keeps data across stop and start; start and stop are safe twice; calls while stopped reject',
    async run (create) {
      const expect = new Expectations()
      const s = create()
      const e = entry(chan, A, 1, 1)
      await s.start()
      await s.start()
      await s.feeds.putEntries([e])
      await s.authority.putEntries([authorityEntry(room, 1)])
      await s.meta.put('k', 'v')
      await s.stop()
      await s.stop()
      await expect.rejectsWithStorageError(() => s.feeds.getEntry(chan, A, 1), 'a read while stopped')
      await expect.rejectsWithStorageError(() => s.meta.put('k', 'w'), 'a write while stopped')
      await s.start()
      try {
        expect.equal(await s.feeds.getEntry(chan, A, 1), e, 'entry after restart')
        expect.equal(await s.feeds.heads(chan), [{ author: A, seq: 1, hash: e.hash, lamport: 1 }], 'heads after restart')
        expect.equal((await s.authority.list(room)).length, 1, 'authority after restart')
        expect.equal(await s.meta.get('k'), 'v', 'meta after restart')
      } finally {
        await s.stop()
      }
      return expect.failures
    }
  }
]

/** Runs every check; what a browser page returns to its spec. */
export async function runStorageContract (create: CreateStorage): Promise<Array<{ name: string, failures: string[] }>> {
  const results: Array<{ name: string, failures: string[] }> = []
  for (const c of storageChecks) results.push({ name: c.name, failures: await c.run(create) })
  return results
}
