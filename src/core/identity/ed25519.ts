// @noble/curves, not @noble/ed25519: libp2p's keys already bring it, so the page carries one Ed25519.
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js'
import { equals } from 'uint8arrays/equals'
import { type AuthorId, asAuthorId } from '../types.ts'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, webcryptoVerify } from './webcrypto-ed25519.ts'

export { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './webcrypto-ed25519.ts'

/** Something that can sign as one author. The private key may be a non-extractable CryptoKey. */
export interface Signer {
  readonly publicKey: Uint8Array
  readonly id: AuthorId
  sign (message: Uint8Array): Promise<Uint8Array>
}

export function authorIdOf (publicKey: Uint8Array): AuthorId {
  return asAuthorId(bytesToHex(publicKey))
}

/** The public key bytes of an author id, or undefined if it is not 64 lower-case hex characters. */
export function publicKeyOf (id: string): Uint8Array | undefined {
  if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) return undefined
  return hexToBytes(id)
}

// Group order L: S must be below it, and the challenge k is reduced modulo it.
const L = 2n ** 252n + 27742317777372353535851937790883648493n

function leToBigInt (bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!)
  return n
}

type EdPoint = InstanceType<typeof ed25519.Point>

/** Decoded strong keys (null for refused ones), so the per-key checks run once per author. */
const keyPoints = new Map<string, EdPoint | null>()
const KEY_CACHE_LIMIT = 10_000

function strongPoint (publicKey: Uint8Array): EdPoint | null {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) return null
  const hex = bytesToHex(publicKey)
  const known = keyPoints.get(hex)
  if (known !== undefined) return known
  let point: EdPoint | null
  try {
    const decoded = ed25519.Point.fromBytes(publicKey, false)
    point = !decoded.isSmallOrder() && decoded.isTorsionFree() ? decoded : null
  } catch {
    point = null
  }
  if (keyPoints.size >= KEY_CACHE_LIMIT) keyPoints.clear()
  keyPoints.set(hex, point)
  return point
}

/**
 * Whether a public key is one every verifier treats the same way: a canonical encoding of a
 * point in the prime-order subgroup. Small-order keys (the identity point among them) and
 * mixed-order keys are where WebCrypto, OpenSSL and noble can disagree, so they are refused.
 * Cached: a room has few authors and many entries.
 */
export function isStrongPublicKey (publicKey: Uint8Array): boolean {
  return strongPoint(publicKey) !== null
}

/** S must be reduced mod L: a non-reduced S is malleability, and verifiers differ on it. */
export function hasCanonicalScalar (signature: Uint8Array): boolean {
  return signature.length === SIGNATURE_BYTES && leToBigInt(signature.subarray(32)) < L
}

type Backend = 'webcrypto' | 'noble'
let backendPromise: Promise<Backend> | undefined

/** Feature-detects WebCrypto Ed25519 once; about 16x faster than noble in Chromium. */
function backend (): Promise<Backend> {
  backendPromise ??= (async () => {
    try {
      const subtle = globalThis.crypto?.subtle
      if (subtle == null) return 'noble'
      const key = await subtle.importKey('raw', new Uint8Array(ed25519.Point.BASE.toBytes()), { name: 'Ed25519' }, false, ['verify'])
      await subtle.verify({ name: 'Ed25519' }, key, new Uint8Array(64), new Uint8Array(0))
      return 'webcrypto'
    } catch {
      return 'noble'
    }
  })()
  return backendPromise
}

/**
 * Verifies a signature from a peer under one strict rule set, whichever backend runs it: weak
 * keys and unreduced scalars are refused before any backend sees them, and both backends check
 * the cofactorless equation against the exact R bytes, so no two peers reach different verdicts
 * (tests/fixtures/ed25519.vectors.json holds the cases where lenient verifiers differ). Never throws.
 */
export async function verifySignature (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    if (!(signature instanceof Uint8Array) || !(message instanceof Uint8Array)) return false
    if (!isStrongPublicKey(publicKey) || !hasCanonicalScalar(signature)) return false
    if (await backend() === 'webcrypto') {
      return await webcryptoVerify(publicKey, message, signature)
    }
    return verifySignatureNoble(publicKey, message, signature)
  } catch {
    return false
  }
}

/**
 * The cofactorless RFC 8032 equation, R == [S]B - [k]A compared as bytes, which is what WebCrypto
 * (BoringSSL, OpenSSL) checks. noble's own verify is cofactored even with `zip215: false`, so it
 * accepts an R with a small-order component that WebCrypto refuses; comparing encodings also
 * refuses every non-canonical R without decoding it.
 */
function verifyCofactorless (A: EdPoint, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const r = signature.subarray(0, 32)
  const k = leToBigInt(sha512(concatBytes(r, publicKey, message))) % L
  const s = leToBigInt(signature.subarray(32))
  const expected = ed25519.Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k)).toBytes()
  return equals(expected, r)
}

/** Verifies with noble alone, under the same rules as {@link verifySignature}: the fallback where WebCrypto lacks Ed25519, and the cross-check in tests. */
export function verifySignatureNoble (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (!(signature instanceof Uint8Array) || !(message instanceof Uint8Array)) return false
    const A = strongPoint(publicKey)
    if (A === null || !hasCanonicalScalar(signature)) return false
    return verifyCofactorless(A, publicKey, message, signature)
  } catch {
    return false
  }
}

/** A signer over a raw 32-byte seed (noble). For tests, vectors and keys restored from a backup. */
export function signerFromSeed (seed: Uint8Array): Signer {
  const publicKey = ed25519.getPublicKey(seed)
  return {
    publicKey,
    id: authorIdOf(publicKey),
    sign: (message) => Promise.resolve(ed25519.sign(message, seed))
  }
}

export function randomSeed (): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32))
}
