import { utf8ToBytes } from '@noble/hashes/utils.js'
import { base64 } from 'multiformats/bases/base64'
import type { AuthorId } from '../types.ts'
import { publicKeyOf, signerFromSeed } from './ed25519.ts'
import { BackupFormatError, WeakPassphraseError, WrongPassphraseError } from './errors.ts'

/** The backup's format tag and version, also bound into the ciphertext as associated data. */
const FORMAT = 'peer-rooms-identity-backup'
const VERSION = 1
/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; a few hundred ms in a browser, once per export or import. */
export const BACKUP_ITERATIONS = 600_000
/** Bounds accepted on import: below the floor a blob is not worth trusting, above the cap it would hang the page. */
const MIN_ITERATIONS = 100_000
const MAX_ITERATIONS = 10_000_000
export const MIN_PASSPHRASE_LENGTH = 8

/** The text a user saves: JSON, a few hundred characters. */
interface BackupBlob {
  readonly format: typeof FORMAT
  readonly v: typeof VERSION
  readonly author: AuthorId
  readonly kdf: { readonly name: 'PBKDF2', readonly hash: 'SHA-256', readonly iterations: number, readonly salt: string }
  readonly cipher: { readonly name: 'AES-GCM', readonly iv: string }
  readonly ciphertext: string
}

const associatedData = (author: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(`${FORMAT}/v${VERSION}/${author}`)

async function passphraseKey (passphrase: string, salt: Uint8Array, iterations: number, usage: KeyUsage): Promise<CryptoKey> {
  // NFC: the same passphrase typed on another system may arrive in another Unicode form.
  const material = await crypto.subtle.importKey('raw', utf8ToBytes(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey'])
  return await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(salt), iterations }, material, { name: 'AES-GCM', length: 256 }, false, [usage])
}

/** Encrypts a seed under a passphrase (PBKDF2-SHA256 -> AES-256-GCM); the author id is bound in as associated data. */
export async function encryptBackup (seed: Uint8Array, author: AuthorId, passphrase: string, iterations = BACKUP_ITERATIONS): Promise<string> {
  if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) throw new WeakPassphraseError(MIN_PASSPHRASE_LENGTH)
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const key = await passphraseKey(passphrase, salt, iterations, 'encrypt')
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(author) }, key, new Uint8Array(seed)))
  const blob: BackupBlob = {
    format: FORMAT,
    v: VERSION,
    author,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: base64.baseEncode(salt) },
    cipher: { name: 'AES-GCM', iv: base64.baseEncode(iv) },
    ciphertext: base64.baseEncode(ciphertext)
  }
  return JSON.stringify(blob)
}

function parseBlob (text: string): BackupBlob {
  let blob: BackupBlob
  try {
    blob = JSON.parse(text.trim()) as BackupBlob
  } catch {
    throw new BackupFormatError('it is not JSON (was it copied whole?)')
  }
  if (blob === null || typeof blob !== 'object' || blob.format !== FORMAT) throw new BackupFormatError('it is not a peer-rooms identity backup')
  if (blob.v !== VERSION) throw new BackupFormatError(`version ${String(blob.v)} is not supported`)
  if (publicKeyOf(blob.author) === undefined) throw new BackupFormatError('the author id is malformed')
  const { kdf, cipher } = blob
  if (kdf?.name !== 'PBKDF2' || kdf.hash !== 'SHA-256' || !Number.isSafeInteger(kdf.iterations) ||
    kdf.iterations < MIN_ITERATIONS || kdf.iterations > MAX_ITERATIONS) throw new BackupFormatError('unsupported key derivation parameters')
  if (cipher?.name !== 'AES-GCM') throw new BackupFormatError('unsupported cipher')
  return blob
}

function decode (field: string, value: unknown, length?: number): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = base64.baseDecode(value as string)
  } catch {
    throw new BackupFormatError(`${field} is not base64`)
  }
  if (length !== undefined && bytes.length !== length) throw new BackupFormatError(`${field} has the wrong length`)
  return bytes
}

/**
 * Decrypts a backup to its seed and author. Throws BackupFormatError for text that is not a
 * backup, WrongPassphraseError when the passphrase does not open it.
 */
export async function decryptBackup (text: string, passphrase: string): Promise<{ seed: Uint8Array, author: AuthorId }> {
  const blob = parseBlob(text)
  const salt = decode('salt', blob.kdf.salt)
  const iv = decode('iv', blob.cipher.iv, 12)
  const ciphertext = decode('ciphertext', blob.ciphertext, 32 + 16)
  const key = await passphraseKey(passphrase, salt, blob.kdf.iterations, 'decrypt')
  let seed: Uint8Array
  try {
    seed = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: associatedData(blob.author) }, key, new Uint8Array(ciphertext)))
  } catch {
    throw new WrongPassphraseError()
  }
  if (signerFromSeed(seed).id !== blob.author) throw new BackupFormatError('the key does not match the author id')
  return { seed, author: blob.author }
}
