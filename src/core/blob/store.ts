import type { EntryHash, RoomId } from '../types.ts'
import type { ChunkHash } from './chunk-hash.ts'

/**
 * The blob storage port: verified chunks, kept per room (a chunk is served only for the room it
 * was stored in), and which message references which chunks (so deleting the message drops them).
 * Backends: IndexedDB in the browser, an in-memory twin for unit tests; both pass
 * tests/storage/blob-contract.ts. Every method settles; each call is one transaction.
 */
export interface BlobStore {
  /** Stores verified chunks; `own` ones (the user sent them) are never evicted. A chunk already stored stays, becoming own if this put is. */
  putChunks (room: RoomId, chunks: ReadonlyArray<{ readonly hash: ChunkHash, readonly bytes: Uint8Array }>, own: boolean): Promise<void>
  getChunk (room: RoomId, hash: ChunkHash): Promise<Uint8Array | undefined>
  /** Which of these chunks are stored for the room, in the given order. */
  hasChunks (room: RoomId, hashes: readonly ChunkHash[]): Promise<boolean[]>
  /** Records that `message` names these chunks. */
  putRefs (room: RoomId, message: EntryHash, hashes: readonly ChunkHash[]): Promise<void>
  /** Removes the message's record and every chunk of it that no other message of the room names; resolves to the chunks removed. */
  dropMessage (room: RoomId, message: EntryHash): Promise<number>
  /** Bytes of chunks stored for the room. */
  usage (room: RoomId): Promise<number>
  /** Removes the room's oldest chunks the user did not send until its usage is at most `quotaBytes`; resolves to the bytes freed. */
  evict (room: RoomId, quotaBytes: number): Promise<number>
  /** Opens the database; safe to call twice. */
  start (): Promise<void>
  /** Closes it; safe to call twice. */
  stop (): Promise<void>
}
