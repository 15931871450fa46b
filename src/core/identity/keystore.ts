import { ed25519 } from '@noble/curves/ed25519.js'
import type { MetaStore } from '../storage.ts'
import { type Signer, authorIdOf, signerFromSeed } from './ed25519.ts'
import { IdentityStorageError } from './errors.ts'

/** Where the identity lives in the MetaStore. */
export const IDENTITY_META_KEY = 'identity/self'

/**
 * The identity as persisted. The 32-byte seed is never stored in the clear: it is sealed by a
 * non-extractable AES-GCM key and opened only to write a backup (or, where WebCrypto lacks
 * Ed25519, to sign with noble). Signing uses a non-extractable Ed25519 CryptoKey imported from
 * the seed once, at creation. Both CryptoKeys are structured-cloned into IndexedDB as they are.
 */
export interface StoredIdentity {
  readonly v: 1
  readonly publicKey: Uint8Array
  /** Non-extractable Ed25519 private key, or null where WebCrypto has no Ed25519 (noble signs). */
  readonly signingKey: CryptoKey | null
  /** Non-extractable AES-GCM key sealing the seed. */
  readonly sealingKey: CryptoKey
  readonly sealedSeed: { readonly iv: Uint8Array, readonly ciphertext: Uint8Array }
}

export const SigningBackend = { Auto: 'auto', Noble: 'noble' } as const
export type SigningBackend = typeof SigningBackend[keyof typeof SigningBackend]

// PKCS#8 header for an Ed25519 private key (RFC 8410): the 32-byte seed follows it.
const PKCS8_ED25519 = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])

function subtle (): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (s == null) throw new IdentityStorageError('WebCrypto is unavailable (the page must be served over https or from localhost)')
  return s
}

async function importSigningKey (seed: Uint8Array, backend: SigningBackend): Promise<CryptoKey | null> {
  if (backend === SigningBackend.Noble) return null
  try {
    return await subtle().importKey('pkcs8', new Uint8Array([...PKCS8_ED25519, ...seed]), { name: 'Ed25519' }, false, ['sign'])
  } catch {
    return null // this browser's WebCrypto has no Ed25519: noble signs instead
  }
}

/** Seals a seed for storage: a fresh non-extractable AES-GCM key, and the signing key imported once. */
export async function sealSeed (seed: Uint8Array, backend: SigningBackend): Promise<StoredIdentity> {
  const sealingKey = await subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ciphertext = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv }, sealingKey, new Uint8Array(seed)))
  return { v: 1, publicKey: ed25519.getPublicKey(seed), signingKey: await importSigningKey(seed, backend), sealingKey, sealedSeed: { iv, ciphertext } }
}

/** Opens the sealed seed: only to write a backup, or to sign with noble. The caller wipes it after use. */
export async function unsealSeed (stored: StoredIdentity): Promise<Uint8Array> {
  try {
    const { iv, ciphertext } = stored.sealedSeed
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: new Uint8Array(iv) }, stored.sealingKey, new Uint8Array(ciphertext)))
  } catch (err) {
    throw new IdentityStorageError(`cannot open the sealed key: ${(err as Error).message}`)
  }
}

/** A Signer over the stored keys: WebCrypto when the signing key is there, noble over the opened seed otherwise. */
export async function signerOf (stored: StoredIdentity): Promise<Signer> {
  const { signingKey, publicKey } = stored
  if (signingKey === null) return signerFromSeed(await unsealSeed(stored))
  return {
    publicKey,
    id: authorIdOf(publicKey),
    sign: async (message) => new Uint8Array(await subtle().sign({ name: 'Ed25519' }, signingKey, new Uint8Array(message)))
  }
}

export async function readStoredIdentity (meta: MetaStore): Promise<StoredIdentity | undefined> {
  const value = await meta.get<StoredIdentity>(IDENTITY_META_KEY)
  if (value === undefined) return undefined
  const ok = value !== null && typeof value === 'object' && value.v === 1 && value.publicKey instanceof Uint8Array &&
    value.publicKey.length === 32 && (value.signingKey === null || value.signingKey instanceof CryptoKey) &&
    value.sealingKey instanceof CryptoKey && value.sealedSeed?.iv instanceof Uint8Array && value.sealedSeed.ciphertext instanceof Uint8Array
  if (!ok) throw new IdentityStorageError('the record has an unknown shape')
  return value
}
