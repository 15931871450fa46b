import type { ChunkHash } from '../core/blob/chunk-hash.ts'
import type { BlobStore } from '../core/blob/store.ts'
import { StorageError } from '../core/errors.ts'
import type { EntryHash, RoomId } from '../core/types.ts'
import { type ChunkMeta, evictionVictims, refKeysOf } from './blob-records.ts'

/**
 * The in-memory twin of the IndexedDB blob store, for unit tests: same contract suite
 * (tests/storage/blob-contract.ts), bytes copied in and out as IndexedDB would, calls while
 * stopped rejected with StorageError.
 */
export function createMemoryBlobStore (): BlobStore {
  const data = new Map<string, Uint8Array>()
  const meta = new Map<string, ChunkMeta>()
  const refs = new Map<string, readonly string[]>()
  let started = false
  let clock = 0

  const key = (room: RoomId, id: string): string => `${room}\u0000${id}`
  const run = async <T>(body: () => T): Promise<T> => {
    await Promise.resolve()
    if (!started) throw new StorageError('blob store is not started')
    return body()
  }
  const roomMeta = (room: RoomId): ChunkMeta[] => [...meta.values()].filter((m) => m.room === room)

  return {
    putChunks: (room, chunks, own) => run(() => {
      for (const c of chunks) {
        const k = key(room, c.hash)
        const known = meta.get(k)
        if (known != null) {
          if (own && !known.own) meta.set(k, { ...known, own })
          continue
        }
        data.set(k, c.bytes.slice())
        meta.set(k, { room, hash: c.hash, size: c.bytes.byteLength, own, storedAt: ++clock })
      }
    }),
    getChunk: (room, hash) => run(() => data.get(key(room, hash))?.slice()),
    hasChunks: (room, hashes) => run(() => hashes.map((h) => meta.has(key(room, h)))),
    putRefs: (room, message, hashes) => run(() => { refs.set(key(room, message), refKeysOf(room, hashes)) }),
    dropMessage: (room: RoomId, message: EntryHash) => run(() => {
      const mine = refs.get(key(room, message))
      if (mine == null) return 0
      refs.delete(key(room, message))
      const named = new Set([...refs.values()].flat())
      let removed = 0
      for (const ref of mine) {
        if (named.has(ref)) continue
        const hash = ref.slice(ref.indexOf('\u0000') + 1) as ChunkHash
        if (meta.delete(key(room, hash))) removed++
        data.delete(key(room, hash))
      }
      return removed
    }),
    usage: (room) => run(() => roomMeta(room).reduce((n, m) => n + m.size, 0)),
    evict: (room, quotaBytes) => run(() => {
      let freed = 0
      for (const m of evictionVictims(roomMeta(room), quotaBytes)) {
        meta.delete(key(room, m.hash))
        data.delete(key(room, m.hash))
        freed += m.size
      }
      return freed
    }),
    start () { started = true; return Promise.resolve() },
    stop () { started = false; return Promise.resolve() }
  }
}
