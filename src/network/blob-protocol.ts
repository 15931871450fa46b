import { CHUNK_HASH_BYTES, type ChunkHash, chunkHashOfDigest, digestOfChunkHash } from '../core/blob/chunk-hash.ts'
import { CHUNK_SIZE } from '../core/blob/manifest.ts'
import { decodeCanonical, encodeCanonical } from '../core/codec/canonical.ts'
import { type Validated, accept, reject, RejectReason } from '../core/result.ts'
import type { RoomId } from '../core/types.ts'

/**
 * `/peer-rooms/blob/1.0.0` (docs/protocol/blobs.md): the requester sends one request naming a room
 * and up to BLOB_REQUEST_MAX_CHUNKS chunk hashes; the server answers with one frame per chunk, in
 * the request's order (0x01 then the chunk's bytes, or a lone 0x00 for "not here"), then closes.
 */
export const BLOB_PROTOCOL = '/peer-rooms/blob/1.0.0'
export const BLOB_REQUEST_MAX_CHUNKS = 32
/** Room id (a CID string under 128 chars) and 32 digests, with CBOR headers. */
export const BLOB_REQUEST_MAX_BYTES = 256 + BLOB_REQUEST_MAX_CHUNKS * (CHUNK_HASH_BYTES + 2)
/** One answer frame: its status byte and at most one chunk. */
export const BLOB_FRAME_MAX_BYTES = CHUNK_SIZE + 1

export const FrameStatus = { Missing: 0, Chunk: 1 } as const

export interface BlobRequest { readonly room: RoomId, readonly chunks: readonly ChunkHash[] }

export function encodeBlobRequest (request: BlobRequest): Uint8Array {
  return encodeCanonical({ room: request.room, chunks: request.chunks.slice(0, BLOB_REQUEST_MAX_CHUNKS).map(digestOfChunkHash) })
}

/** Never throws: a request of the wrong shape or over the limits is refused with a reason. */
export function decodeBlobRequest (bytes: Uint8Array): Validated<BlobRequest> {
  const d = decodeCanonical<Record<string, unknown>>(bytes, BLOB_REQUEST_MAX_BYTES, 'blob request')
  if (!d.ok) return d
  const r = d.value
  if (typeof r !== 'object' || r == null || Array.isArray(r) || Object.keys(r).some((k) => k !== 'room' && k !== 'chunks')) return reject(RejectReason.Malformed, 'blob request must be a map of room and chunks')
  if (typeof r.room !== 'string' || r.room.length === 0 || r.room.length > 128) return reject(RejectReason.Malformed, 'blob request: bad room')
  const chunks = r.chunks
  if (!Array.isArray(chunks) || chunks.length === 0 || chunks.length > BLOB_REQUEST_MAX_CHUNKS) return reject(RejectReason.Malformed, `blob request: chunks must be 1..${BLOB_REQUEST_MAX_CHUNKS} hashes`)
  if (!chunks.every((c) => c instanceof Uint8Array && c.byteLength === CHUNK_HASH_BYTES)) return reject(RejectReason.Malformed, 'blob request: a chunk hash is not 32 bytes')
  return accept({ room: r.room as RoomId, chunks: (chunks as Uint8Array[]).map(chunkHashOfDigest) })
}

/** One answer frame. */
export function encodeFrame (chunk: Uint8Array | undefined): Uint8Array {
  if (chunk == null) return Uint8Array.of(FrameStatus.Missing)
  const frame = new Uint8Array(chunk.byteLength + 1)
  frame[0] = FrameStatus.Chunk
  frame.set(chunk, 1)
  return frame
}

/** Never throws: the chunk's bytes (a view), null for "not here", or a rejection. */
export function decodeFrame (frame: Uint8Array): Validated<Uint8Array | null> {
  if (frame.byteLength === 1 && frame[0] === FrameStatus.Missing) return accept(null)
  if (frame.byteLength < 2 || frame[0] !== FrameStatus.Chunk) return reject(RejectReason.Malformed, 'blob frame has no valid status')
  if (frame.byteLength > BLOB_FRAME_MAX_BYTES) return reject(RejectReason.TooLarge, `blob frame is ${frame.byteLength} bytes, limit ${BLOB_FRAME_MAX_BYTES}`)
  return accept(frame.subarray(1))
}
