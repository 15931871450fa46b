import { type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames, openDB } from 'idb'
import type { ChunkHash } from '../core/blob/chunk-hash.ts'
import type { BlobStore } from '../core/blob/store.ts'
import { StorageError } from '../core/errors.ts'
import type { EntryHash, RoomId } from '../core/types.ts'
import { type ChunkMeta, evictionVictims, refKeysOf } from './blob-records.ts'

interface RefRecord { readonly room: RoomId, readonly message: EntryHash, readonly keys: readonly string[] }

interface BlobSchema extends DBSchema {
  /** Chunk bytes by [room, hash]; kept apart from their meta so usage and eviction never read bytes. */
  chunkData: { key: [string, string], value: Uint8Array }
  chunkMeta: { key: [string, string], value: ChunkMeta, indexes: { byAge: [string, number] } }
  /** Which chunks a message names, indexed by `room\0hash` to tell whether another message still does. */
  refs: { key: [string, string], value: RefRecord, indexes: { chunk: string } }
}
type Names = StoreNames<BlobSchema>

const BLOB_SCHEMA_VERSION = 1

/** IndexedDB clones a view's whole buffer: a chunk cut from a 20 MiB file would store all 20 MiB. */
const ownBuffer = (bytes: Uint8Array): Uint8Array => bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()

export interface IndexedDbBlobStoreInit {
  /** Database name; a database of its own, so blobs never touch the feed schema's migrations. */
  readonly name: string
}

/**
 * The blob store on IndexedDB. Each call is one transaction whose promise settles on commit,
 * error or abort (tx.done is awaited), with failures as StorageError.
 */
export function createIndexedDbBlobStore (init: IndexedDbBlobStoreInit): BlobStore {
  let opening: Promise<IDBPDatabase<BlobSchema>> | undefined
  let started = false

  const database = async (): Promise<IDBPDatabase<BlobSchema>> => {
    if (!started) throw new StorageError('blob store is not started')
    opening ??= openDB<BlobSchema>(init.name, BLOB_SCHEMA_VERSION, {
      upgrade (db) {
        db.createObjectStore('chunkData')
        db.createObjectStore('chunkMeta', { keyPath: ['room', 'hash'] }).createIndex('byAge', ['room', 'storedAt'])
        db.createObjectStore('refs', { keyPath: ['room', 'message'] }).createIndex('chunk', 'keys', { multiEntry: true })
      },
      blocking (_current, _blocked, event) { (event.target as IDBDatabase).close(); opening = undefined },
      terminated () { opening = undefined }
    })
    try {
      return await opening
    } catch (err) {
      opening = undefined
      throw new StorageError(`cannot open IndexedDB database ${init.name}: ${(err as Error).message}`, err)
    }
  }

  const transact = async <S extends Names[], M extends IDBTransactionMode, T>(what: string, stores: S, mode: M, body: (tx: IDBPTransaction<BlobSchema, S, M>) => Promise<T>): Promise<T> => {
    const db = await database()
    let tx: IDBPTransaction<BlobSchema, S, M>
    try {
      tx = db.transaction(stores, mode)
    } catch (err) {
      throw new StorageError(`${what}: ${(err as Error).message}`, err)
    }
    const done = tx.done
    done.catch(() => undefined) // awaited below; this keeps an early abort from being reported as unhandled
    try {
      const result = await body(tx)
      await done
      return result
    } catch (err) {
      try { tx.abort() } catch { /* already finished */ }
      throw err instanceof StorageError ? err : new StorageError(`${what}: ${(err as Error).message}`, err)
    }
  }

  const roomAges = (room: RoomId): IDBKeyRange => IDBKeyRange.bound([room, -Infinity], [room, Infinity])

  return {
    putChunks: (room, chunks, own) => transact('blobs.putChunks', ['chunkData', 'chunkMeta'], 'readwrite', async (tx) => {
      const metaStore = tx.objectStore('chunkMeta')
      const now = Date.now()
      await Promise.all(chunks.map(async (c, i) => {
        const known = await metaStore.get([room, c.hash])
        if (known != null) {
          if (own && !known.own) await metaStore.put({ ...known, own })
          return
        }
        await Promise.all([
          tx.objectStore('chunkData').put(ownBuffer(c.bytes), [room, c.hash]),
          // Fractions keep the batch's order among chunks stored in the same millisecond.
          metaStore.put({ room, hash: c.hash, size: c.bytes.byteLength, own, storedAt: now + i / (chunks.length + 1) })
        ])
      }))
    }),
    getChunk: (room, hash) => transact('blobs.getChunk', ['chunkData'], 'readonly', (tx) => tx.objectStore('chunkData').get([room, hash])),
    hasChunks: (room, hashes) => transact('blobs.hasChunks', ['chunkMeta'], 'readonly', async (tx) =>
      Promise.all(hashes.map(async (h) => await tx.objectStore('chunkMeta').getKey([room, h]) !== undefined))),
    putRefs: (room, message, hashes) => transact('blobs.putRefs', ['refs'], 'readwrite', async (tx) => {
      await tx.objectStore('refs').put({ room, message, keys: refKeysOf(room, hashes) })
    }),
    dropMessage: (room, message) => transact('blobs.dropMessage', ['refs', 'chunkData', 'chunkMeta'], 'readwrite', async (tx) => {
      const refs = tx.objectStore('refs')
      const mine = await refs.get([room, message])
      if (mine == null) return 0
      await refs.delete([room, message])
      let removed = 0
      for (const ref of mine.keys) {
        if (await refs.index('chunk').getKey(ref) !== undefined) continue
        const hash = ref.slice(ref.indexOf('\u0000') + 1) as ChunkHash
        if (await tx.objectStore('chunkMeta').getKey([room, hash]) === undefined) continue
        await Promise.all([tx.objectStore('chunkMeta').delete([room, hash]), tx.objectStore('chunkData').delete([room, hash])])
        removed++
      }
      return removed
    }),
    usage: (room) => transact('blobs.usage', ['chunkMeta'], 'readonly', async (tx) =>
      (await tx.objectStore('chunkMeta').index('byAge').getAll(roomAges(room))).reduce((n, m) => n + m.size, 0)),
    evict: (room, quotaBytes) => transact('blobs.evict', ['chunkData', 'chunkMeta'], 'readwrite', async (tx) => {
      const victims = evictionVictims(await tx.objectStore('chunkMeta').index('byAge').getAll(roomAges(room)), quotaBytes)
      await Promise.all(victims.flatMap((m) => [tx.objectStore('chunkMeta').delete([room, m.hash]), tx.objectStore('chunkData').delete([room, m.hash])]))
      return victims.reduce((n, m) => n + m.size, 0)
    }),
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
