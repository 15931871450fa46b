import type { AclView } from '../core/acl-view.ts'
import type { ChunkHash } from '../core/blob/chunk-hash.ts'
import { type FileInit, chunkFile } from '../core/blob/chunking.ts'
import { BlobIncompleteError } from '../core/blob/errors.ts'
import { FILE_MAX_BYTES_LIMIT, FILE_TYPE, type FileManifest, chunksOf, decodeManifest, encodeManifest, expectedLengths } from '../core/blob/manifest.ts'
import type { BlobStore } from '../core/blob/store.ts'
import { storedTypeOf } from '../core/feed/entry.ts'
import { deleteAllowed } from '../core/messages/deletions.ts'
import { ChatType, decodeChatPayload } from '../core/messages/payloads.ts'
import type { FeedStore, StoredFeedEntry } from '../core/storage.ts'
import type { EntryHash, RoomId } from '../core/types.ts'
import { fetchChunks } from '../network/blob-fetch.ts'
import type { PeerNode } from '../network/peer-node.ts'
import type { AttachmentSnapshot } from './api.ts'
import type { ClientEventHub } from './events.ts'

/** Each room keeps at most this many bytes of blobs the user did not send (the oldest go first). */
export const ROOM_BLOB_QUOTA_BYTES = 1024 * 1024 * 1024
/**
 * The per-file cap until room policy carries one (the authority log has no such field yet): what
 * one manifest can describe.
 */
export const ROOM_FILE_MAX_BYTES = FILE_MAX_BYTES_LIMIT
/** Files fetched at once per room; the rest wait their turn (thumbnails are asked first in each). */
const FETCHES_AT_ONCE = 2

export interface RoomBlobsComponents {
  readonly store: BlobStore
  readonly feeds: Pick<FeedStore, 'getByHash'>
  readonly acl: Pick<AclView, 'can'>
  readonly events: Pick<ClientEventHub, 'emit'>
  /** The node and the peers to fetch from (those we run the room's session with); undefined offline. */
  readonly network: () => { readonly node: Pick<PeerNode, 'newStream'>, readonly peers: readonly string[] } | undefined
  readonly onBadPeer: (peer: string, detail: string) => void
}

export interface RoomBlobsInit {
  readonly room: RoomId
  readonly quotaBytes?: number
  readonly maxFileBytes?: number
}

/**
 * A room's shared files: chunking what the user attaches (stored as theirs, never evicted),
 * fetching what others shared as soon as its message is stored or shown, dropping a file's chunks
 * when its message is deleted, and the progress the UI shows.
 */
export interface RoomBlobs {
  readonly maxFileBytes: number
  /** Chunks a file and stores it as the user's own; resolves to the `chat/file` payload to append. */
  prepare (file: FileInit): Promise<Uint8Array>
  /** Newly stored feed entries: files to fetch, deletes to apply. */
  accepted (entries: readonly StoredFeedEntry[]): Promise<void>
  /** Progress of a message's file; starts fetching it if needed. */
  attachment (message: EntryHash, manifest: FileManifest): AttachmentSnapshot
  /** The thumbnail's or the whole file's bytes; throws BlobIncompleteError before they are all stored. */
  read (message: EntryHash, manifest: FileManifest, part: 'thumb' | 'file'): Promise<Blob>
  /** Peers changed: fetch what is still incomplete. */
  retry (): void
}

interface Known {
  readonly manifest: FileManifest
  snapshot: AttachmentSnapshot
  have: Set<ChunkHash>
  state: 'checking' | 'idle' | 'queued' | 'fetching'
}

export function createRoomBlobs (components: RoomBlobsComponents, init: RoomBlobsInit): RoomBlobs {
  const { store, events } = components
  const room = init.room
  const quota = init.quotaBytes ?? ROOM_BLOB_QUOTA_BYTES
  const known = new Map<EntryHash, Known>()
  const deleted = new Set<EntryHash>()
  const waiting: EntryHash[] = []
  let running = 0

  const snapshotOf = (k: Known): AttachmentSnapshot => {
    const thumb = k.manifest.thumb
    return { have: k.have.size, total: chunksOf(k.manifest).length, complete: k.have.size === new Set(chunksOf(k.manifest)).size, thumbReady: thumb != null && k.have.has(thumb.chunk), fetching: k.state === 'fetching' || k.state === 'queued' }
  }
  const changed = (message: EntryHash, k: Known): void => {
    k.snapshot = snapshotOf(k)
    events.emit('blob', { room, message })
  }

  const pump = (): void => {
    while (running < FETCHES_AT_ONCE && waiting.length > 0) {
      const message = waiting.shift()!
      const k = known.get(message)
      if (k == null || k.state !== 'queued') continue
      running++
      k.state = 'fetching'
      void fetchOne(message, k).finally(() => { running--; pump() })
    }
  }

  const fetchOne = async (message: EntryHash, k: Known): Promise<void> => {
    const net = components.network()
    try {
      if (net == null || net.peers.length === 0) return
      const lengths = expectedLengths(k.manifest)
      const wanted = new Map(chunksOf(k.manifest).filter((c) => !k.have.has(c)).map((c) => [c, lengths.get(c)!]))
      await store.putRefs(room, message, chunksOf(k.manifest))
      await fetchChunks({ node: net.node, store }, {
        room,
        chunks: wanted,
        peers: net.peers,
        onBadPeer: components.onBadPeer,
        onChunk: (hash) => { k.have.add(hash); changed(message, k) }
      })
      // A delete that came while the chunks arrived: drop what the fetch stored after it.
      if (deleted.has(message)) await store.dropMessage(room, message)
      else await store.evict(room, quota)
    } catch (err) {
      console.error(`fetching the file of ${message} failed`, err)
    } finally {
      k.state = 'idle'
      changed(message, k)
    }
  }

  const enqueue = (message: EntryHash, k: Known): void => {
    if (k.state !== 'idle' || k.snapshot.complete || deleted.has(message) || k.manifest.size > blobs.maxFileBytes) return
    k.state = 'queued'
    waiting.push(message)
    changed(message, k)
    pump()
  }

  /** Registers a message's file: records its chunks, learns which are stored, then fetches the rest. */
  const note = (message: EntryHash, manifest: FileManifest): Known => {
    let k = known.get(message)
    if (k != null) return k
    const entry: Known = { manifest, have: new Set(), state: 'checking', snapshot: { have: 0, total: chunksOf(manifest).length, complete: false, thumbReady: false, fetching: true } }
    k = entry
    known.set(message, entry)
    const chunks = chunksOf(manifest)
    void store.hasChunks(room, chunks).then((has) => {
      chunks.forEach((c, i) => { if (has[i] === true) entry.have.add(c) })
      entry.state = 'idle'
      changed(message, entry)
      enqueue(message, entry)
    }, (err: unknown) => { entry.state = 'idle'; console.error('reading stored chunks failed', err) })
    return entry
  }

  const drop = async (target: EntryHash): Promise<void> => {
    deleted.add(target)
    await store.dropMessage(room, target)
    const k = known.get(target)
    if (k != null) {
      k.have.clear()
      changed(target, k)
    }
  }

  const blobs: RoomBlobs = {
    maxFileBytes: Math.min(init.maxFileBytes ?? ROOM_FILE_MAX_BYTES, FILE_MAX_BYTES_LIMIT),
    async prepare (file) {
      const { manifest, chunks } = await chunkFile(file, blobs.maxFileBytes)
      await store.putChunks(room, chunks, true)
      return encodeManifest(manifest)
    },
    async accepted (entries) {
      for (const entry of entries) {
        if (entry.payload == null) continue
        const type = storedTypeOf(entry.bytes)
        if (type === FILE_TYPE) {
          const manifest = decodeManifest(entry.payload)
          if (manifest.ok) {
            await store.putRefs(room, entry.hash, chunksOf(manifest.value))
            note(entry.hash, manifest.value)
          }
        } else if (type === ChatType.Delete) {
          const payload = decodeChatPayload(ChatType.Delete, entry.payload)
          if (!payload.ok || payload.value.type !== ChatType.Delete) continue
          const target = await components.feeds.getByHash(payload.value.target)
          if (target == null || storedTypeOf(target.bytes) !== FILE_TYPE) continue
          if (deleteAllowed(components.acl, { author: entry.author, channel: entry.channel }, target)) await drop(target.hash)
        }
      }
    },
    attachment (message, manifest) {
      return note(message, manifest).snapshot
    },
    async read (message, manifest, part) {
      if (part === 'thumb') {
        const thumb = manifest.thumb
        const bytes = thumb == null ? undefined : await store.getChunk(room, thumb.chunk)
        if (thumb == null || bytes == null) throw new BlobIncompleteError(`the thumbnail of ${manifest.name} is not here yet`)
        return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: thumb.mime })
      }
      const parts: Array<Uint8Array<ArrayBuffer>> = []
      for (const c of manifest.chunks) {
        const bytes = await store.getChunk(room, c)
        if (bytes == null) {
          const k = known.get(message)
          if (k != null) { k.have.delete(c); changed(message, k); enqueue(message, k) }
          throw new BlobIncompleteError(`${manifest.name} is not complete here yet`)
        }
        parts.push(bytes as Uint8Array<ArrayBuffer>)
      }
      return new Blob(parts, { type: manifest.mime })
    },
    retry () {
      for (const [message, k] of known) enqueue(message, k)
    }
  }
  return blobs
}
