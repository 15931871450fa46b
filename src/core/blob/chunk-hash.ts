import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import type { Brand } from '../types.ts'

/** Lower-case hex of the sha2-256 digest of one chunk's bytes: the chunk's address. */
export type ChunkHash = Brand<string, 'ChunkHash'>

export const CHUNK_HASH_BYTES = 32
const HEX64 = /^[0-9a-f]{64}$/

export const isChunkHash = (s: unknown): s is ChunkHash => typeof s === 'string' && HEX64.test(s)
export const chunkHashOfDigest = (digest: Uint8Array): ChunkHash => bytesToHex(digest) as ChunkHash
export const digestOfChunkHash = (hash: ChunkHash): Uint8Array => hexToBytes(hash)

/**
 * The address of chunk bytes. WebCrypto where there is one (several times faster than the JS
 * sha256 on 256 KiB, and off the main thread); the same digest either way. Chunks never live in a
 * SharedArrayBuffer, so the view is passed as it is (no copy).
 */
export async function chunkHashOf (bytes: Uint8Array): Promise<ChunkHash> {
  const subtle = globalThis.crypto?.subtle
  if (subtle == null) return chunkHashOfDigest(sha256(bytes))
  return chunkHashOfDigest(new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)))
}
