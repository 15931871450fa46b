import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createIndexedDbStorage } from '../../src/storage/indexeddb.ts'
import type { StoredFeedEntry } from '../../src/core/storage.ts'
import { asAuthorId, asChannelId, asEntryHash, asRoomId } from '../../src/core/types.ts'
import { storageChecks } from './contract.ts'

let n = 0
const fresh = (): ReturnType<typeof createIndexedDbStorage> => createIndexedDbStorage({ name: `contract-${++n}` })

describe('storage contract: IndexedDB on fake-indexeddb', () => {
  for (const c of storageChecks) it(c.name, async () => { expect(await c.run(fresh)).toEqual([]) })
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
    const channel = asChannelId('chan')
    const authors = ['a', 'b'].map((x) => asAuthorId(x.repeat(64)))
    const entries = authors.flatMap((author, i) => Array.from({ length: 700 }, (_, s): StoredFeedEntry => ({
      hash: asEntryHash(`h-${i}-${s + 1}`), room: asRoomId('r'), channel, author, seq: s + 1, lamport: 2 * s + 1 + i, bytes: new Uint8Array([i, s % 256]), payload: s === 3 ? null : new Uint8Array([s % 256]), receivedAt: s
    })))
    // The version 1 schema, as it shipped, with its records written directly.
    const v1 = indexedDB.open('migrate', 1)
    v1.onupgradeneeded = () => {
      const db = v1.result
      const feed = db.createObjectStore('feed', { keyPath: ['channel', 'author', 'seq'] })
      feed.createIndex('hash', 'hash', { unique: true })
      feed.createIndex('order', ['channel', 'lamport', 'author', 'seq'], { unique: true })
      db.createObjectStore('feedHeads', { keyPath: ['channel', 'author'] })
      db.createObjectStore('forkProofs', { keyPath: ['room', 'channel', 'author', 'seq'] })
      db.createObjectStore('authority', { keyPath: ['room', 'hash'] }).createIndex('hash', 'hash', { unique: true })
      db.createObjectStore('meta')
      for (const e of entries) feed.add(e)
      const heads = v1.transaction!.objectStore('feedHeads')
      for (const author of authors) { const top = entries.filter((e) => e.author === author).at(-1)!; heads.put({ author, seq: top.seq, hash: top.hash, lamport: top.lamport, channel }) }
      v1.transaction!.objectStore('meta').put('kept', 'identity')
    }
    await new Promise((resolve, reject) => { v1.onsuccess = resolve; v1.onerror = reject })
    v1.result.close()

    const s = createIndexedDbStorage({ name: 'migrate' })
    await s.start()
    expect(await s.feeds.count(channel)).toBe(entries.length)
    expect(await s.feeds.getEntry(channel, authors[1]!, 650)).toEqual(entries[700 + 649])
    expect(await s.feeds.getByHash(asEntryHash('h-0-4'))).toEqual(entries[3])
    expect((await s.feeds.getRange(channel, authors[0]!, 250, 260)).map((e) => e.seq)).toEqual(Array.from({ length: 11 }, (_, i) => 250 + i))
    const sorted = [...entries].sort((x, y) => x.lamport - y.lamport)
    expect((await s.feeds.page(channel, { before: 'end', limit: 5 })).map((e) => e.hash)).toEqual(sorted.slice(-5).map((e) => e.hash))
    expect((await s.feeds.page(channel, { limit: 5 })).map((e) => e.hash)).toEqual(sorted.slice(0, 5).map((e) => e.hash))
    expect((await s.feeds.heads(channel)).map((h) => h.seq)).toEqual([700, 700])
    expect(await s.meta.get('identity')).toBe('kept')
    await s.stop()
  })

  it('grows a feed\'s small last chunk with entries appended one at a time, instead of a chunk per entry', async () => {
    const channel = asChannelId('chan')
    const author = asAuthorId('a'.repeat(64))
    const s = createIndexedDbStorage({ name: 'grow' })
    await s.start()
    const entries = Array.from({ length: 100 }, (_, i): StoredFeedEntry => ({
      hash: asEntryHash(`h-${i + 1}`), room: asRoomId('r'), channel, author, seq: i + 1, lamport: i + 1, bytes: new Uint8Array([i]), payload: null, receivedAt: i
    }))
    for (const e of entries) await s.feeds.putEntries([e])
    expect(await s.feeds.getRange(channel, author, 1, 100)).toEqual(entries)
    expect((await s.feeds.page(channel, { before: 'end', limit: 40 })).map((e) => e.seq)).toEqual(entries.slice(60).map((e) => e.seq))
    await s.stop()
    // The records themselves: chunks of 16 (grown one entry at a time), and the rest growing.
    const db = await new Promise<IDBDatabase>((resolve, reject) => { const r = indexedDB.open('grow'); r.onsuccess = () => { resolve(r.result) }; r.onerror = reject })
    const sizes = await new Promise<number[]>((resolve, reject) => {
      const r = db.transaction('feedChunks').objectStore('feedChunks').getAll()
      r.onsuccess = () => { resolve((r.result as Array<{ entries: unknown[] }>).map((c) => c.entries.length)) }
      r.onerror = reject
    })
    db.close()
    expect(sizes).toEqual([16, 16, 16, 16, 16, 16, 4])
  })
})
