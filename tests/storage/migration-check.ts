import type { Storage, StoredFeedEntry } from '../../src/core/storage.ts'
import { asAuthorId, asChannelId, asEntryHash, asRoomId } from '../../src/core/types.ts'

/**
 * Schema version 1 (one record per feed entry) written directly, then opened by the current
 * backend, which moves it into chunks in its upgrade. A plain async function returning its failed
 * expectations, so it runs on fake-indexeddb (tests/storage/indexeddb.test.ts) and on real
 * IndexedDB in Chromium (e2e/storage.spec.ts), whose upgrade transactions are the ones that matter.
 */
export async function v1MigrationFailures (name: string, open: (name: string) => Storage): Promise<string[]> {
  const failures: string[] = []
  const expectEqual = (actual: unknown, expected: unknown, what: string): void => {
    const show = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? [...x] : x))
    if (show(actual) !== show(expected)) failures.push(`${what}: expected ${show(expected)?.slice(0, 200)}, got ${show(actual)?.slice(0, 200)}`)
  }
  const channel = asChannelId('chan')
  const authors = ['a', 'b'].map((x) => asAuthorId(x.repeat(64)))
  const entries = authors.flatMap((author, i) => Array.from({ length: 700 }, (_, s): StoredFeedEntry => ({
    hash: asEntryHash(`h-${i}-${s + 1}`), room: asRoomId('r'), channel, author, seq: s + 1, lamport: 2 * s + 1 + i, bytes: new Uint8Array([i, s % 256]), payload: s === 3 ? null : new Uint8Array([s % 256]), receivedAt: s
  })))
  const v1 = indexedDB.open(name, 1)
  v1.onupgradeneeded = () => {
    const db = v1.result
    const feed = db.createObjectStore('feed', { keyPath: ['channel', 'author', 'seq'] })
    feed.createIndex('hash', 'hash', { unique: true })
    feed.createIndex('order', ['channel', 'lamport', 'author', 'seq'], { unique: true })
    const heads = db.createObjectStore('feedHeads', { keyPath: ['channel', 'author'] })
    db.createObjectStore('forkProofs', { keyPath: ['room', 'channel', 'author', 'seq'] })
    db.createObjectStore('authority', { keyPath: ['room', 'hash'] }).createIndex('hash', 'hash', { unique: true })
    const meta = db.createObjectStore('meta')
    for (const e of entries) feed.add(e)
    for (const author of authors) { const top = entries.filter((e) => e.author === author).at(-1)!; heads.put({ author, seq: top.seq, hash: top.hash, lamport: top.lamport, channel }) }
    meta.put('kept', 'identity')
  }
  await new Promise((resolve, reject) => { v1.onsuccess = resolve; v1.onerror = reject })
  v1.result.close()

  const s = open(name)
  await s.start()
  try {
    expectEqual(await s.feeds.count(channel), entries.length, 'count')
    expectEqual(await s.feeds.getEntry(channel, authors[1]!, 650), entries[700 + 649], 'getEntry')
    expectEqual(await s.feeds.getByHash(asEntryHash('h-0-4')), entries[3], 'getByHash (payload deleted)')
    expectEqual((await s.feeds.getRange(channel, authors[0]!, 250, 260)).map((e) => e.seq), Array.from({ length: 11 }, (_, i) => 250 + i), 'getRange')
    const sorted = [...entries].sort((x, y) => x.lamport - y.lamport)
    expectEqual((await s.feeds.page(channel, { before: 'end', limit: 5 })).map((e) => e.hash), sorted.slice(-5).map((e) => e.hash), 'newest page')
    expectEqual((await s.feeds.page(channel, { limit: 5 })).map((e) => e.hash), sorted.slice(0, 5).map((e) => e.hash), 'oldest page')
    expectEqual((await s.feeds.heads(channel)).map((h) => h.seq), [700, 700], 'heads')
    expectEqual(await s.meta.get('identity'), 'kept', 'meta')
  } finally {
    await s.stop()
  }
  return failures
}
