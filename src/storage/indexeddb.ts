import { type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames, openDB, unwrap } from 'idb'
import { StorageError } from '../core/errors.ts'
import type {
  AuthorityStore, FeedHead, FeedStore, ForkProof, MetaStore, OrderKey, Storage, StoredAuthorityEntry, StoredFeedEntry
} from '../core/storage.ts'
import type { ChannelId } from '../core/types.ts'
import { checkLimit, checkMetaKey, headOf, storableAuthorityEntry, storableFeedEntry, storableForkProof } from './records.ts'

type FeedKey = [string, string, number]
type OrderIndexKey = [string, number, string, number]
type StoredHead = FeedHead & { readonly channel: ChannelId }

interface Schema extends DBSchema {
  /** Feed entries by (channel, author, seq); display order and hash as indexes. */
  feed: { key: FeedKey, value: StoredFeedEntry, indexes: { hash: string, order: OrderIndexKey } }
  /** Each author's highest entry per channel, written in the same transaction as the entries. */
  feedHeads: { key: [string, string], value: StoredHead }
  forkProofs: { key: [string, string, string, number], value: ForkProof }
  authority: { key: [string, string], value: StoredAuthorityEntry, indexes: { hash: string } }
  meta: { key: string, value: unknown }
}

type Names = StoreNames<Schema>
type Tx<S extends Names[], M extends IDBTransactionMode> = IDBPTransaction<Schema, S, M>

const VERSION = 1

/** Every key of one channel (or room): arrays sort after strings, so [c, []] is above [c, anything]. */
const under = (first: string): IDBKeyRange => IDBKeyRange.bound([first], [first, []])
const orderKey = (channel: string, k: OrderKey): OrderIndexKey => [channel, k.lamport, k.author, k.seq]

/**
 * Adds records, resolving one flag per record: false where a key or unique index refused it. That
 * error is handled here (preventDefault, stopPropagation), so the transaction neither aborts nor
 * reports it, and the caller decides; any other error rejects and lets the transaction abort.
 * One promise and two shared handlers for the whole batch, not a promise per record: a sync batch
 * adds hundreds of entries, and this runs on the page's thread.
 */
function addAllUnlessPresent (store: IDBObjectStore, values: readonly unknown[]): Promise<boolean[]> {
  return new Promise((resolve, reject) => {
    const added = values.map(() => true)
    const position = new Map<IDBRequest, number>()
    let left = values.length
    const settled = (): void => { if (--left === 0) resolve(added) }
    const refused = (event: Event): void => {
      const request = event.target as IDBRequest
      if (request.error?.name !== 'ConstraintError') { reject(request.error ?? new Error('add failed')); return }
      event.preventDefault()
      event.stopPropagation()
      added[position.get(request)!] = false
      settled()
    }
    if (left === 0) { resolve(added); return }
    values.forEach((value, i) => {
      const request = store.add(value)
      position.set(request, i)
      request.onsuccess = settled
      request.onerror = refused
    })
  })
}

export interface IndexedDbStorageInit {
  /** Database name: one per identity, so two identities in one browser profile never mix. */
  readonly name: string
}

/**
 * Storage on IndexedDB (through idb). Each call is one transaction; every request's error and
 * the transaction's error and abort settle the call's promise (idb wires onerror/onabort, and
 * tx.done is awaited), so nothing hangs and a failed write rejects with StorageError while the
 * transaction's rollback keeps everything stored before it. If the browser terminates the
 * connection or another tab needs a schema upgrade, the connection closes and the next call
 * reopens it.
 */
export function createIndexedDbStorage (init: IndexedDbStorageInit): Storage {
  let opening: Promise<IDBPDatabase<Schema>> | undefined
  let started = false

  const open = (): Promise<IDBPDatabase<Schema>> => {
    const forget = (): void => { if (opening === attempt) opening = undefined }
    const attempt = openDB<Schema>(init.name, VERSION, {
      upgrade (db) {
        const feed = db.createObjectStore('feed', { keyPath: ['channel', 'author', 'seq'] })
        feed.createIndex('hash', 'hash', { unique: true })
        feed.createIndex('order', ['channel', 'lamport', 'author', 'seq'], { unique: true })
        db.createObjectStore('feedHeads', { keyPath: ['channel', 'author'] })
        db.createObjectStore('forkProofs', { keyPath: ['room', 'channel', 'author', 'seq'] })
        db.createObjectStore('authority', { keyPath: ['room', 'hash'] }).createIndex('hash', 'hash', { unique: true })
        db.createObjectStore('meta')
      },
      // Another tab opens a newer schema: give way (it would wait for us forever), reopen on the next call.
      blocking (_current, _blocked, event) { (event.target as IDBDatabase).close(); forget() },
      terminated: forget
    })
    return attempt
  }

  const database = async (): Promise<IDBPDatabase<Schema>> => {
    if (!started) throw new StorageError('storage is not started')
    opening ??= open()
    try {
      return await opening
    } catch (err) {
      opening = undefined
      throw new StorageError(`cannot open IndexedDB database ${init.name}: ${(err as Error).message}`, err)
    }
  }

  /** One transaction: resolves once it commits, rejects (StorageError) on any request error, abort or throw. */
  const transact = async <S extends Names[], M extends IDBTransactionMode, T>(what: string, stores: S, mode: M, body: (tx: Tx<S, M>) => Promise<T>): Promise<T> => {
    const db = await database()
    let tx: Tx<S, M>
    try {
      tx = db.transaction(stores, mode)
    } catch (err) {
      throw new StorageError(`${what}: ${(err as Error).message}`, err)
    }
    const done = tx.done
    done.catch(() => undefined) // observed below; this only keeps an early abort from being reported as unhandled
    try {
      const result = await body(tx)
      await done
      return result
    } catch (err) {
      try { tx.abort() } catch { /* already finished or aborted */ }
      throw err instanceof StorageError ? err : new StorageError(`${what}: ${(err as Error).message}`, err)
    }
  }

  const feeds: FeedStore = {
    putEntries: async (entries) => {
      // Check the whole batch before the transaction opens; duplicates inside the batch keep the first.
      const batch = new Map<string, StoredFeedEntry>()
      for (const e of entries.map(storableFeedEntry)) {
        const key = JSON.stringify([e.channel, e.author, e.seq])
        if (!batch.has(key)) batch.set(key, e)
      }
      if (batch.size === 0) return
      await transact('putEntries', ['feed', 'feedHeads'], 'readwrite', async (tx) => {
        const feed = tx.objectStore('feed')
        const headStore = tx.objectStore('feedHeads')
        const pairs = new Map<string, { channel: ChannelId, author: string }>()
        for (const e of batch.values()) pairs.set(JSON.stringify([e.channel, e.author]), { channel: e.channel, author: e.author })
        // One round: every add, plus the current head of each (channel, author) in the batch.
        const [added, heads] = await Promise.all([
          addAllUnlessPresent(unwrap(feed), [...batch.values()]),
          Promise.all([...pairs.values()].map(({ channel, author }) => headStore.get([channel, author])))
        ])
        // A refused add is an entry already stored at its position, unless the position is free:
        // then a unique index refused it (its hash is stored elsewhere), and the batch fails.
        const refused = [...batch.values()].filter((_, i) => !added[i])
        const stillFree = await Promise.all(refused.map(async (e) => await feed.getKey([e.channel, e.author, e.seq]) === undefined))
        const clash = refused.find((_, i) => stillFree[i])
        if (clash !== undefined) throw new StorageError(`putEntries: hash ${clash.hash} is already stored at another position`)
        const top = new Map<string, StoredFeedEntry>()
        for (const e of [...batch.values()].filter((_, i) => added[i])) {
          const key = JSON.stringify([e.channel, e.author])
          if ((top.get(key)?.seq ?? 0) < e.seq) top.set(key, e)
        }
        const moved = [...pairs.keys()].flatMap((key, i) => {
          const e = top.get(key)
          const head = heads[i]
          return e !== undefined && (head === undefined || e.seq > head.seq) ? [e] : []
        })
        await Promise.all(moved.map((e) => headStore.put({ ...headOf(e), channel: e.channel })))
      })
    },
    getEntry: (channel, author, seq) => transact('getEntry', ['feed'], 'readonly', (tx) => tx.objectStore('feed').get([channel, author, seq])),
    getByHash: (hash) => transact('getByHash', ['feed'], 'readonly', (tx) => tx.objectStore('feed').index('hash').get(hash)),
    getRange: (channel, author, fromSeq, toSeq) => fromSeq > toSeq
      ? Promise.resolve([])
      : transact('getRange', ['feed'], 'readonly', (tx) => tx.objectStore('feed').getAll(IDBKeyRange.bound([channel, author, fromSeq], [channel, author, toSeq]))),
    heads: (channel) => transact('heads', ['feedHeads'], 'readonly', async (tx) =>
      (await tx.objectStore('feedHeads').getAll(under(channel))).map(({ author, seq, hash, lamport }) => ({ author, seq, hash, lamport }))),
    page: async (channel, { after, before, limit }) => {
      checkLimit(limit)
      if (limit === 0) return [] // getAll(range, 0) would mean "no limit"
      const lower = after === undefined ? [channel] : orderKey(channel, after)
      const upper = before === undefined || before === 'end' ? [channel, []] : orderKey(channel, before)
      if (indexedDB.cmp(lower, upper) >= 0) return []
      const upperOpen = before !== undefined && before !== 'end'
      const range = IDBKeyRange.bound(lower, upper, after !== undefined, upperOpen)
      return await transact('page', ['feed'], 'readonly', async (tx) => {
        const index = tx.objectStore('feed').index('order')
        if (before === undefined) return await index.getAll(range, limit)
        // The last `limit`: step a reverse cursor back to the first of them, then read forwards from it.
        const newest = await index.openCursor(range, 'prev')
        const first = newest === null || limit === 1 ? newest : await newest.advance(limit - 1)
        if (first === null) return await index.getAll(range)
        return await index.getAll(IDBKeyRange.bound(first.key, upper, false, upperOpen), limit)
      })
    },
    count: (channel) => transact('count', ['feed'], 'readonly', (tx) => tx.objectStore('feed').count(under(channel))),
    setPayload: (channel, author, seq, payload) => transact('setPayload', ['feed'], 'readwrite', async (tx) => {
      const store = tx.objectStore('feed')
      const entry = await store.get([channel, author, seq])
      if (entry !== undefined) await store.put(storableFeedEntry({ ...entry, payload }))
    }),
    putForkProof: async (proof) => {
      const p = storableForkProof(proof)
      await transact('putForkProof', ['forkProofs'], 'readwrite', async (tx) => {
        const store = tx.objectStore('forkProofs')
        if (await store.getKey([p.room, p.channel, p.author, p.seq]) === undefined) await store.add(p)
      })
    },
    forkProofs: (room) => transact('forkProofs', ['forkProofs'], 'readonly', (tx) => tx.objectStore('forkProofs').getAll(under(room)))
  }

  const authority: AuthorityStore = {
    putEntries: async (entries) => {
      const batch = new Map(entries.map(storableAuthorityEntry).reverse().map((e) => [e.hash, e]))
      if (batch.size === 0) return
      await transact('authority.putEntries', ['authority'], 'readwrite', async (tx) => {
        const store = tx.objectStore('authority')
        const known = await Promise.all([...batch.keys()].map((hash) => store.index('hash').getKey(hash)))
        await Promise.all([...batch.values()].filter((_, i) => known[i] === undefined).map((e) => store.add(e)))
      })
    },
    list: (room) => transact('authority.list', ['authority'], 'readonly', (tx) => tx.objectStore('authority').getAll(under(room))),
    has: (hash) => transact('authority.has', ['authority'], 'readonly', async (tx) => await tx.objectStore('authority').index('hash').getKey(hash) !== undefined)
  }

  const meta: MetaStore = {
    get: async <T>(key: string) => { checkMetaKey(key); return await transact('meta.get', ['meta'], 'readonly', async (tx) => await tx.objectStore('meta').get(key) as T | undefined) },
    put: async (key, value) => { checkMetaKey(key); await transact('meta.put', ['meta'], 'readwrite', async (tx) => { await tx.objectStore('meta').put(value, key) }) },
    delete: async (key) => { checkMetaKey(key); await transact('meta.delete', ['meta'], 'readwrite', (tx) => tx.objectStore('meta').delete(key)) },
    list: <T>(prefix: string) => transact('meta.list', ['meta'], 'readonly', async (tx) => {
      const found: Array<[string, T]> = []
      for (let cursor = await tx.objectStore('meta').openCursor(IDBKeyRange.lowerBound(prefix)); cursor !== null && cursor.key.startsWith(prefix); cursor = await cursor.continue()) {
        found.push([cursor.key, cursor.value as T])
      }
      return found
    })
  }

  return {
    feeds,
    authority,
    meta,
    async start () {
      started = true
      await database()
    },
    async stop () {
      started = false
      const closing = opening
      opening = undefined
      if (closing !== undefined) (await closing.catch(() => undefined))?.close()
    }
  }
}
