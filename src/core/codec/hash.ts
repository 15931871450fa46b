import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from '@noble/hashes/sha2.js'
import * as dagCbor from '@ipld/dag-cbor'
import { type EntryHash, asEntryHash } from '../types.ts'

const SHA2_256 = 0x12
const RAW = 0x55

/**
 * Hash of canonical bytes as a CIDv1 (dag-cbor, sha2-256). Synchronous on purpose: hashing a
 * 300-byte entry costs microseconds, and a sync hash keeps validation free of await chains.
 */
export function cidOf (canonicalBytes: Uint8Array, codec: number = dagCbor.code): CID {
  return CID.createV1(codec, Digest.create(SHA2_256, sha256(canonicalBytes)))
}

export function hashOf (canonicalBytes: Uint8Array): EntryHash {
  return asEntryHash(cidOf(canonicalBytes).toString())
}

/** A raw-codec CID: used for keys derived from concatenated bytes, such as the room id. */
export function rawCidOf (bytes: Uint8Array): CID {
  return cidOf(bytes, RAW)
}

/** Parses a hash string from a peer; undefined when it is not a sha2-256 CIDv1. */
export function parseHash (s: unknown): CID | undefined {
  if (typeof s !== 'string' || s.length > 100) return undefined
  try {
    const cid = CID.parse(s)
    if (cid.version !== 1 || cid.multihash.code !== SHA2_256 || cid.multihash.size !== 32) return undefined
    return cid
  } catch {
    return undefined
  }
}

/**
 * {@link hashOf} computed by WebCrypto where available: in Chromium about 4x faster than the JS
 * sha256 and off the main thread, which matters when thousands of entries are checked at once
 * (replaying a room's log). Same result as hashOf, byte for byte.
 */
export async function hashOfAsync (canonicalBytes: Uint8Array): Promise<EntryHash> {
  const subtle = globalThis.crypto?.subtle
  if (subtle == null) return hashOf(canonicalBytes)
  const digest = new Uint8Array(await subtle.digest('SHA-256', new Uint8Array(canonicalBytes)))
  return asEntryHash(CID.createV1(dagCbor.code, Digest.create(SHA2_256, digest)).toString())
}
