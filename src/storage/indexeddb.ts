import { type IDBPDatabase, openDB } from 'idb'
import { StorageError } from '../core/errors.ts'
import type { AuthorityStore, FeedStore, MetaStore, Storage } from '../core/storage.ts'
import { type ChunkLimits, DEFAULT_CHUNK_LIMITS } from './feed-chunks.ts'
import { createIndexedDbFeeds } from './indexeddb-feeds.ts'
import { type Names, SCHEMA_VERSION, type Schema, type Transact, type Tx, upgradeSchema } from './indexeddb-schema.ts'
import { checkMetaKey, storableAuthorityEntry, storableForkProof } from './records.ts'

/** Every key of one room: arrays sort after strings, so [r, []] is above [r, anything]. */
const under = (first: string): IDBKeyRange => IDBKeyRange.bound([first], [first, []])

export interface IndexedDbStorageInit {
  /** Database name: one per identity, so two identities in one browser profile never mix. */
  readonly name: string
  /** How feed entries are cut into chunks; tests pass small limits to exercise chunk boundaries. */
  readonly chunkLimits?: ChunkLimits
  /**
   * The caller guarantees that no other tab writes this database while it runs (the page holds
   * the active-tab lock): appends then skip the check that another tab moved a feed's head, and
   * commit without a round trip back to the page (see createIndexedDbFeeds). Default false.
   */
  readonly singleWriter?: boolean
  /** Pause in feed writes (ms) after which feeds' loose tails are merged; false: only through compactLooseTails. Default 250. */
  readonly idleCompactionMs?: number | false
}

/** The storage port on IndexedDB, and its housekeeping. */
export interface IndexedDbStorage extends Storage {
  /** Merges feeds' loose tails now (what a pause in writes does); resolves to how many feeds it merged. */
  readonly compactLooseTails: () => Promise<number>
}

/**
 * Storage on IndexedDB (through idb). Each call is one transaction; every request's error and
 * the transaction's error and abort settle the call's promise (idb wires onerror/onabort, and
 * tx.done is awaited), so nothing hangs and a failed write rejects with StorageError while the
 * transaction's rollback keeps everything stored before it. If the browser terminates the
 * connection or another tab needs a schema upgrade, the connection closes and the next call
 * reopens it.
 */
export function createIndexedDbStorage (init: IndexedDbStorageInit): IndexedDbStorage {
  const limits = init.chunkLimits ?? DEFAULT_CHUNK_LIMITS
  let opening: Promise<IDBPDatabase<Schema>> | undefined
  let started = false

  const open = (): Promise<IDBPDatabase<Schema>> => {
    const forget = (): void => { if (opening === attempt) opening = undefined }
    const attempt = openDB<Schema>(init.name, SCHEMA_VERSION, {
      upgrade (db, oldVersion, _newVersion, tx) { upgradeSchema(db, oldVersion, tx, limits) },
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
  const transact: Transact = async <S extends Names[], M extends IDBTransactionMode, T>(what: string, stores: S, mode: M, body: (tx: Tx<S, M>) => Promise<T>): Promise<T> => {
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

  const { compactLooseTails, pauseCompaction, ...feedMethods } = createIndexedDbFeeds(transact, limits, {
    singleWriter: init.singleWriter === true,
    ...(init.idleCompactionMs !== undefined ? { idleCompactionMs: init.idleCompactionMs } : {})
  })
  const feeds: FeedStore = {
    ...feedMethods,
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
    compactLooseTails,
    async start () {
      started = true
      await database()
    },
    async stop () {
      started = false
      pauseCompaction()
      const closing = opening
      opening = undefined
      if (closing !== undefined) (await closing.catch(() => undefined))?.close()
    }
  }
}
