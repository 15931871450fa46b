import { type ChunkHash, chunkHashOf } from './chunk-hash.ts'
import { CHUNK_SIZE, FILE_MAX_BYTES_LIMIT, type FileManifest, THUMB_MAX_BYTES, type Thumbnail } from './manifest.ts'
import { FileTooLargeError } from './errors.ts'

/** One chunk ready to store: its address and bytes. */
export interface Chunk { readonly hash: ChunkHash, readonly bytes: Uint8Array }

/** What a sender has in hand: the file's bytes, and a thumbnail its browser made (images). */
export interface FileInit {
  readonly name: string
  readonly mime: string
  readonly bytes: Uint8Array
  readonly thumb?: { readonly bytes: Uint8Array, readonly mime: string, readonly width: number, readonly height: number }
}

/** The manifest of a file and every chunk it names (thumbnail first), to store before publishing. */
export interface ChunkedFile { readonly manifest: FileManifest, readonly chunks: readonly Chunk[] }

/** Splits bytes into CHUNK_SIZE pieces (views, not copies) in order. */
export function splitChunks (bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let at = 0; at < bytes.byteLength; at += CHUNK_SIZE) out.push(bytes.subarray(at, Math.min(at + CHUNK_SIZE, bytes.byteLength)))
  return out
}

/**
 * Chunks and hashes a file the user attached. Throws FileTooLargeError above `maxBytes` (the
 * room's cap, at most what a manifest can describe) and on an empty file or oversized thumbnail.
 */
export async function chunkFile (file: FileInit, maxBytes: number = FILE_MAX_BYTES_LIMIT): Promise<ChunkedFile> {
  const cap = Math.min(maxBytes, FILE_MAX_BYTES_LIMIT)
  if (file.bytes.byteLength > cap) throw new FileTooLargeError(file.name, file.bytes.byteLength, cap)
  if (file.bytes.byteLength === 0) throw new FileTooLargeError(file.name, 0, cap, 'is empty')
  const pieces = splitChunks(file.bytes)
  const chunks: Chunk[] = await Promise.all(pieces.map(async (bytes) => ({ hash: await chunkHashOf(bytes), bytes })))
  let thumb: Thumbnail | undefined
  const extra: Chunk[] = []
  if (file.thumb != null) {
    if (file.thumb.bytes.byteLength > THUMB_MAX_BYTES) throw new FileTooLargeError(`thumbnail of ${file.name}`, file.thumb.bytes.byteLength, THUMB_MAX_BYTES)
    const hash = await chunkHashOf(file.thumb.bytes)
    thumb = { chunk: hash, size: file.thumb.bytes.byteLength, mime: file.thumb.mime, width: file.thumb.width, height: file.thumb.height }
    extra.push({ hash, bytes: file.thumb.bytes })
  }
  const manifest: FileManifest = { name: file.name, mime: file.mime, size: file.bytes.byteLength, chunks: chunks.map((c) => c.hash), ...(thumb != null ? { thumb } : {}) }
  return { manifest, chunks: [...extra, ...chunks] }
}
