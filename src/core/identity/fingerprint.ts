import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { base32 } from 'multiformats/bases/base32'

const DOMAIN = utf8ToBytes('peer-rooms key fingerprint v1')

/**
 * A short, human-comparable fingerprint of a public key, read aloud or compared side by side to
 * check a key: 80 bits of SHA-256(domain || key) as 16 base32 characters in four groups
 * ("k7xq-3mzp-a2cd-wfgh"-like: lower case, and base32 has no 0, 1, 8 or 9 to mistake for letters). 80 bits make finding
 * another key with the same fingerprint cost about 2^80 key generations.
 */
export function fingerprintOf (publicKey: Uint8Array): string {
  const digest = sha256(new Uint8Array([...DOMAIN, ...publicKey]))
  const text = base32.baseEncode(digest.subarray(0, 10))
  return text.match(/.{4}/g)!.join('-')
}
