import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_CHUNK_LIMITS } from '../../src/storage/feed-chunks.ts'
import { createIndexedDbStorage } from '../../src/storage/indexeddb.ts'
import type { StoredFeedEntry } from '../../src/core/storage.ts'
import { asAuthorId, asChannelId, asEntryHash, asRoomId } from '../../src/core/types.ts'
import { storageChecks } from './contract.ts'
import { v1MigrationFailures } from './migration-check.ts'

let n = 0
const fresh = (): ReturnType<typeof createIndexedDbStorage> => createIndexedDbStorage({ name: `contract-${++n}` })

describe('storage contract: IndexedDB on fake-indexeddb', () => {
  for (const c of storageChecks) it(c.name, async () => { expect(await c.run(fresh)).toEqual([]) })
})

describe('storage contract: IndexedDB on fake-indexeddb, as the only writer', () => {
  const only = (): ReturnType<typeof createIndexedDbStorage> => createIndexedDbStorage({ name: `contract-only-${++n}`, singleWriter: true })
  for (const c of storageChecks) it(c.name, async () => { expect(await c.run(only)).toEqual([]) })
})

describe('IndexedDB backend', () => {
  it('a second instance on the same database name sees the data', async () => {
    const first = createIndexedDbStorage({ name: 'reopen' })
    await first.start()
    await first.meta.put('identity', { id: 'x' })
    await first.stop()
    const second = createIndexedDbStorage({ name: 'reopen' })
    await second.start()
    expect(await second.meta.get('identity')).toEqual({ id: 'x' })
    await second.stop()
  })

  it('gives way to another connection upgrading the schema, then reopens on the next call', async () => {
    const s = createIndexedDbStorage({ name: 'upgrade' })
    await s.start()
    await s.meta.put('k', 1)
    const upgrade = indexedDB.open('upgrade', 99)
    await new Promise((resolve, reject) => { upgrade.onsuccess = resolve; upgrade.onerror = reject; upgrade.onblocked = () => reject(new Error('blocked')) })
    upgrade.result.close()
    // The schema is now version 99: our older open fails, and says so.
    await expect(s.meta.get('k')).rejects.toMatchObject({ name: 'StorageError' })
    await s.stop()
  })

  it('settles a write the engine refuses synchronously (an uncloneable value) with StorageError', async () => {
    const s = fresh()
    await s.start()
    await s.meta.put('k', 'kept')
    const error = await s.meta.put('k', { f: () => 1 }).catch((err: unknown) => err)
    expect(error).toMatchObject({ name: 'StorageError' })
    expect((error as { cause?: { name?: string } }).cause?.name).toBe('DataCloneError')
    expect(await s.meta.get('k')).toBe('kept')
    await s.stop()
  })

  it('moves version 1 databases (one record per feed entry) into chunks on open, losing nothing', async () => {
    expect(await v1MigrationFailures('migrate', (name) => createIndexedDbStorage({ name }))).toEqual([])
  })

  it.each([['', false], [' (as the only writer, merging without reading the tail back)', true]] as const)('in a room busy without a pause, merges the small chunks of entries appended one at a time, every compactAfter, instead of keeping a chunk per entry%s', async (_mode, singleWriter) => {
    const channel = asChannelId('chan')
    const author = asAuthorId('a'.repeat(64))
    const name = `grow-${String(singleWriter)}`
    // No pause merges anything here (see the next tests): the write path alone, every 16 appends.
    const s = createIndexedDbStorage({ name, singleWriter, chunkLimits: { ...DEFAULT_CHUNK_LIMITS, compactAfter: 16 }, idleCompactionMs: false })
    await s.start()
    const entries = Array.from({ length: 100 }, (_, i): StoredFeedEntry => ({
      hash: asEntryHash(`h-${i + 1}`), room: asRoomId('r'), channel, author, seq: i + 1, lamport: i + 1, bytes: new Uint8Array([i]), payload: null, receivedAt: i
    }))
    // Reads while appending: none at all once the first tail has merged, for the only writer.
    const reads = ['get', 'getAll', 'getKey', 'openCursor'].map((m) => vi.spyOn(IDBObjectStore.prototype, m as 'get'))
    for (const e of entries) {
      if (e.seq === 17) reads.forEach((spy) => { spy.mockClear() })
      await s.feeds.putEntries([e])
    }
    const readsAfterFirstMerge = reads.reduce((sum, spy) => sum + spy.mock.calls.length, 0)
    reads.forEach((spy) => { spy.mockRestore() })
    if (singleWriter) expect(readsAfterFirstMerge).toBe(0)
    else expect(readsAfterFirstMerge).toBeGreaterThan(0)
    expect(await s.feeds.getRange(channel, author, 1, 100)).toEqual(entries)
    expect((await s.feeds.page(channel, { before: 'end', limit: 40 })).map((e) => e.seq)).toEqual(entries.slice(60).map((e) => e.seq))
    await s.stop()
    // The records themselves: every 16 single appends merged into one chunk, the last four not yet.
    expect(await chunkSizes(name)).toEqual([16, 16, 16, 16, 16, 16, 1, 1, 1, 1])
  })

  it.each([['', false], [' (as the only writer)', true]] as const)('merges loose tails of 16 or more when writes pause, and a write that comes during a merge lands after the merged chunk%s', async (_mode, singleWriter) => {
    const name = `pause-${String(singleWriter)}`
    const s = createIndexedDbStorage({ name, singleWriter, idleCompactionMs: false })
    await s.start()
    const entries = Array.from({ length: 60 }, (_, i) => entryAt(i + 1))
    for (const e of entries.slice(0, 40)) await s.feeds.putEntries([e])
    expect(await chunkSizes(name)).toHaveLength(40)
    expect(await s.compactLooseTails()).toBe(1)
    expect(await chunkSizes(name)).toEqual([40])
    // Under a quarter of compactAfter: left loose.
    for (const e of entries.slice(40, 43)) await s.feeds.putEntries([e])
    expect(await s.compactLooseTails()).toBe(0)
    expect(await chunkSizes(name)).toEqual([40, 1, 1, 1])
    for (const e of entries.slice(43, 59)) await s.feeds.putEntries([e])
    // The merge starts first; the write lands after it (idle-work.test.ts shows it waits), with nothing lost.
    const [merged] = await Promise.all([s.compactLooseTails(), s.feeds.putEntries([entries[59]!])])
    expect(merged).toBe(1)
    expect(await chunkSizes(name)).toEqual([40, 19, 1])
    expect(await s.feeds.getRange(entries[0]!.channel, entries[0]!.author, 1, 100)).toEqual(entries)
    expect(await s.feeds.heads(entries[0]!.channel)).toEqual([{ author: entries[0]!.author, seq: 60, hash: entries[59]!.hash, lamport: 60 }])
    expect(await s.feeds.count(entries[0]!.channel)).toBe(60)
    expect((await s.feeds.page(entries[0]!.channel, { before: 'end', limit: 25 })).map((e) => e.seq)).toEqual(entries.slice(35).map((e) => e.seq))
    await s.stop()
  })

  it('merges on its own once writes have paused for idleCompactionMs', async () => {
    const name = 'pause-timer'
    const s = createIndexedDbStorage({ name, singleWriter: true, idleCompactionMs: 5 })
    await s.start()
    for (let seq = 1; seq <= 20; seq++) await s.feeds.putEntries([entryAt(seq)])
    await vi.waitFor(async () => { expect(await chunkSizes(name)).toEqual([20]) }, { timeout: 5_000, interval: 10 })
    await s.stop()
  })
})

const entryAt = (seq: number): StoredFeedEntry => ({
  hash: asEntryHash(`h-${seq}`), room: asRoomId('r'), channel: asChannelId('chan'), author: asAuthorId('a'.repeat(64)), seq, lamport: seq, bytes: new Uint8Array([seq]), payload: new Uint8Array([seq, 1]), receivedAt: seq
})

/** How many entries each feed chunk record of database `name` holds, in key order. */
async function chunkSizes (name: string): Promise<number[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => { const r = indexedDB.open(name); r.onsuccess = () => { resolve(r.result) }; r.onerror = reject })
  try {
    return await new Promise<number[]>((resolve, reject) => {
      const r = db.transaction('feedChunks').objectStore('feedChunks').getAll()
      r.onsuccess = () => { resolve((r.result as Array<{ entries: unknown[] }>).map((c) => c.entries.length)) }
      r.onerror = reject
    })
  } finally {
    db.close()
  }
}
