// WebCrypto's Ed25519, with nothing else: the module a signature worker loads, so that its bundle
// carries no pure-JS curve arithmetic (the strict key and scalar checks stay on the page, in ed25519.ts).

/** Ed25519 key and signature sizes, shared by the verifiers and the worker batch format. */
export const PUBLIC_KEY_BYTES = 32
export const SIGNATURE_BYTES = 64

const KEY_CACHE_LIMIT = 10_000
const verifyKeys = new Map<string, Promise<CryptoKey>>()

const hexOf = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/** An imported verify key per public key (a room has few authors and many entries). */
export function webcryptoKey (publicKey: Uint8Array): Promise<CryptoKey> {
  const hex = hexOf(publicKey)
  let key = verifyKeys.get(hex)
  if (key == null) {
    if (verifyKeys.size >= KEY_CACHE_LIMIT) verifyKeys.clear()
    key = crypto.subtle.importKey('raw', new Uint8Array(publicKey), { name: 'Ed25519' }, false, ['verify'])
    verifyKeys.set(hex, key)
  }
  return key
}

/**
 * WebCrypto's verdict alone. Callers must first refuse weak keys and unreduced scalars
 * (isStrongPublicKey, hasCanonicalScalar): that is what makes every backend agree. Rejects where
 * WebCrypto has no Ed25519.
 */
export async function webcryptoVerify (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return crypto.subtle.verify({ name: 'Ed25519' }, await webcryptoKey(publicKey), new Uint8Array(signature), new Uint8Array(message))
}
