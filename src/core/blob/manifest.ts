import { decodeCanonical, encodeCanonical } from '../codec/canonical.ts'
import { EncodingError } from '../errors.ts'
import { FEED_PAYLOAD_MAX_BYTES } from '../feed/entry.ts'
import { type Validated, accept, reject, RejectReason } from '../result.ts'
import { CHUNK_HASH_BYTES, type ChunkHash, chunkHashOfDigest, digestOfChunkHash } from './chunk-hash.ts'

/** The feed entry type of a shared file; its payload is the file's manifest. */
export const FILE_TYPE = 'chat/file'

/** Every chunk but the last holds exactly this many bytes: a protocol constant, not a field. */
export const CHUNK_SIZE = 256 * 1024
/** The most chunks one manifest lists (keeps the payload well under the feed's 16 KiB). */
export const MANIFEST_MAX_CHUNKS = 400
/** The largest file the protocol can describe; a room's own cap is at most this. */
export const FILE_MAX_BYTES_LIMIT = MANIFEST_MAX_CHUNKS * CHUNK_SIZE
/** A thumbnail is one chunk of its own, at most this large. */
export const THUMB_MAX_BYTES = 64 * 1024
export const FILE_NAME_MAX_CHARS = 255
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/
const THUMB_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp'])
const DIMENSION_MAX = 65_535

/** A small preview made by the sender's browser, fetched first so the message shows at once. */
export interface Thumbnail {
  readonly chunk: ChunkHash
  readonly size: number
  readonly mime: string
  readonly width: number
  readonly height: number
}

/**
 * What a signed `chat/file` entry says about its blob: name, type, size and the hash of every
 * chunk. The entry signs the payload's hash, so each chunk fetched from anyone verifies against it.
 */
export interface FileManifest {
  readonly name: string
  readonly mime: string
  readonly size: number
  readonly chunks: readonly ChunkHash[]
  readonly thumb?: Thumbnail
}

/** How many chunks a file of `size` bytes has, and how long chunk `index` must be. */
export const chunkCountOf = (size: number): number => Math.ceil(size / CHUNK_SIZE)
export const chunkLengthOf = (size: number, index: number): number => Math.min(CHUNK_SIZE, size - index * CHUNK_SIZE)

/** Every chunk hash a manifest names, thumbnail first (it is fetched first). */
export const chunksOf = (m: FileManifest): ChunkHash[] => [...(m.thumb != null ? [m.thumb.chunk] : []), ...m.chunks]

/** Whether a manifest is an image a browser shows inline. */
export const isImage = (m: FileManifest): boolean => m.mime.startsWith('image/')

function toRecord (m: FileManifest): Record<string, unknown> {
  return {
    name: m.name,
    mime: m.mime,
    size: m.size,
    chunks: m.chunks.map(digestOfChunkHash),
    ...(m.thumb != null ? { thumb: { hash: digestOfChunkHash(m.thumb.chunk), size: m.thumb.size, mime: m.thumb.mime, w: m.thumb.width, h: m.thumb.height } } : {})
  }
}

/** Encodes a manifest as the payload of a `chat/file` entry; throws EncodingError on local misuse, by the rules a receiver applies. */
export function encodeManifest (manifest: FileManifest): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = encodeCanonical(toRecord(manifest))
  } catch (err) {
    throw new EncodingError(`cannot encode ${FILE_TYPE}: ${(err as Error).message}`)
  }
  const checked = decodeManifest(bytes)
  if (!checked.ok) throw new EncodingError(`${FILE_TYPE}: ${checked.detail}`)
  return bytes
}

const isCount = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= max
const isDigest = (v: unknown): v is Uint8Array => v instanceof Uint8Array && v.byteLength === CHUNK_HASH_BYTES
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v != null && !Array.isArray(v) && !(v instanceof Uint8Array)
const hasOnly = (r: Record<string, unknown>, keys: readonly string[]): boolean => Object.keys(r).every((k) => keys.includes(k))

function decodeThumb (t: unknown): Validated<Thumbnail> {
  const bad = (what: string): Validated<Thumbnail> => reject(RejectReason.Malformed, `${FILE_TYPE} thumb: ${what}`)
  if (!isMap(t) || !hasOnly(t, ['hash', 'size', 'mime', 'w', 'h'])) return bad('must be a map of hash, size, mime, w, h')
  if (!isDigest(t.hash)) return bad('hash must be 32 bytes')
  if (!isCount(t.size, THUMB_MAX_BYTES)) return bad(`size must be 1..${THUMB_MAX_BYTES}`)
  if (typeof t.mime !== 'string' || !THUMB_MIMES.has(t.mime)) return bad('mime must be image/jpeg, image/png or image/webp')
  if (!isCount(t.w, DIMENSION_MAX) || !isCount(t.h, DIMENSION_MAX)) return bad(`w and h must be 1..${DIMENSION_MAX}`)
  return accept({ chunk: chunkHashOfDigest(t.hash), size: t.size, mime: t.mime, width: t.w, height: t.h })
}

/**
 * Decodes a `chat/file` payload from a peer. Never throws. The chunk count must match the size,
 * so a chunk's expected length is known before it is fetched.
 */
export function decodeManifest (bytes: Uint8Array): Validated<FileManifest> {
  const d = decodeCanonical<unknown>(bytes, FEED_PAYLOAD_MAX_BYTES, FILE_TYPE)
  if (!d.ok) return d
  const r = d.value
  const bad = (what: string): Validated<FileManifest> => reject(RejectReason.Malformed, `${FILE_TYPE}: ${what}`)
  if (!isMap(r) || !hasOnly(r, ['name', 'mime', 'size', 'chunks', 'thumb'])) return bad('payload must be a map of name, mime, size, chunks, thumb')
  if (typeof r.name !== 'string' || r.name.length === 0 || r.name.length > FILE_NAME_MAX_CHARS || r.name.includes('/') || r.name.includes('\\')) return bad(`name must be 1..${FILE_NAME_MAX_CHARS} characters without a path`)
  if (typeof r.mime !== 'string' || !MIME.test(r.mime)) return bad('mime must be a lower-case media type')
  if (!isCount(r.size, FILE_MAX_BYTES_LIMIT)) return bad(`size must be 1..${FILE_MAX_BYTES_LIMIT}`)
  if (!Array.isArray(r.chunks) || r.chunks.length !== chunkCountOf(r.size)) return bad(`a file of ${r.size} bytes lists ${chunkCountOf(r.size)} chunks`)
  if (!r.chunks.every(isDigest)) return bad('every chunk hash must be 32 bytes')
  let thumb: Thumbnail | undefined
  if ('thumb' in r) {
    const t = decodeThumb(r.thumb)
    if (!t.ok) return t
    thumb = t.value
  }
  return accept({ name: r.name, mime: r.mime, size: r.size, chunks: r.chunks.map(chunkHashOfDigest), ...(thumb != null ? { thumb } : {}) })
}

/** Each chunk's expected length, thumbnail included: what a fetched chunk is checked against. */
export function expectedLengths (m: FileManifest): Map<ChunkHash, number> {
  const lengths = new Map<ChunkHash, number>()
  if (m.thumb != null) lengths.set(m.thumb.chunk, m.thumb.size)
  m.chunks.forEach((c, i) => { lengths.set(c, chunkLengthOf(m.size, i)) })
  return lengths
}
