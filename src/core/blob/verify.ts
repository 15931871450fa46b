import { type Validated, accept, reject, RejectReason } from '../result.ts'
import { type ChunkHash, chunkHashOf } from './chunk-hash.ts'
import { CHUNK_SIZE } from './manifest.ts'

/**
 * Checks bytes a peer sent as chunk `hash` of length `expectedLength` (known from the manifest).
 * Never throws: the length is checked before hashing, so a peer cannot make us hash junk at length.
 */
export async function verifyChunk (hash: ChunkHash, bytes: Uint8Array, expectedLength: number): Promise<Validated<Uint8Array>> {
  if (!(bytes instanceof Uint8Array)) return reject(RejectReason.Malformed, 'chunk is not bytes')
  if (bytes.byteLength > CHUNK_SIZE) return reject(RejectReason.TooLarge, `chunk is ${bytes.byteLength} bytes, limit ${CHUNK_SIZE}`)
  if (bytes.byteLength !== expectedLength) return reject(RejectReason.Malformed, `chunk is ${bytes.byteLength} bytes, the manifest says ${expectedLength}`)
  const actual = await chunkHashOf(bytes)
  return actual === hash ? accept(bytes) : reject(RejectReason.Malformed, `chunk hashes to ${actual.slice(0, 12)}…, not ${hash.slice(0, 12)}…`)
}
