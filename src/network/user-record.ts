import { encodeCanonical, decodeCanonical } from '../core/codec/canonical.ts'
import { authorIdOf, verifySignature, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, type Signer } from '../core/identity/ed25519.ts'
import { type Validated, accept, reject, RejectReason } from '../core/result.ts'
import type { AuthorId } from '../core/types.ts'
import { USER_RECORD_MAX_BYTES, USER_RECORD_NAMESPACE } from './protocol.ts'
import { InvalidUserRecordError } from './errors.ts'

/** Where one user can be reached: a peer id of one of the user's tabs and that peer's multiaddrs. */
export interface RoutingHint {
  readonly peerId: string
  readonly addrs: readonly string[]
}

/**
 * A user's routing hints, signed by the user's key, stored in the DHT under
 * `/peer-rooms-user/<author hex>`. It lets a contact reach a user by key alone, without a room.
 */
export interface UserRecord {
  readonly author: AuthorId
  readonly hints: readonly RoutingHint[]
  /** Signer's clock (ms) at signing: the newest valid record wins. */
  readonly ts: number
  /** Canonical bytes as stored in the DHT. */
  readonly bytes: Uint8Array
}

export const USER_RECORD_LIMITS = { hints: 8, addrsPerHint: 16, addrChars: 512, peerIdChars: 128 } as const

interface UserRecordBody {
  v: 1
  t: 'user-hints'
  author: Uint8Array
  hints: Array<{ peer: string, addrs: string[] }>
  ts: number
}
type SignedUserRecord = UserRecordBody & { sig: Uint8Array }

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The DHT key of an author's record. */
export function userRecordKey (author: AuthorId): Uint8Array {
  return encoder.encode(`/${USER_RECORD_NAMESPACE}/${author}`)
}

/** Builds and signs a record; throws (local misuse) if the hints exceed the limits. */
export async function signUserRecord (signer: Signer, hints: readonly RoutingHint[], ts: number = Date.now()): Promise<UserRecord> {
  const body: UserRecordBody = {
    v: 1,
    t: 'user-hints',
    author: signer.publicKey,
    hints: hints.map((h) => ({ peer: h.peerId, addrs: [...h.addrs] })),
    ts
  }
  const sig = await signer.sign(encodeCanonical(body))
  const bytes = encodeCanonical({ ...body, sig })
  const checked = await validateUserRecord(userRecordKey(signer.id), bytes)
  if (!checked.ok) throw new InvalidUserRecordError(`${checked.reason}: ${checked.detail}`)
  return checked.value
}

const isStringList = (xs: unknown, max: number, chars: number): xs is string[] =>
  Array.isArray(xs) && xs.length <= max && xs.every((x) => typeof x === 'string' && x.length > 0 && x.length <= chars)

/** Checks a record found under `key`. Never throws: data from the DHT is untrusted. */
export async function validateUserRecord (key: Uint8Array, bytes: Uint8Array): Promise<Validated<UserRecord>> {
  const decoded = decodeCanonical<Partial<SignedUserRecord>>(bytes, USER_RECORD_MAX_BYTES, 'user record')
  if (!decoded.ok) return decoded
  const r = decoded.value
  if (r == null || typeof r !== 'object' || r.v !== 1 || r.t !== 'user-hints') return reject(RejectReason.Malformed, 'not a v1 user-hints record')
  const keys = Object.keys(r).sort().join(',')
  if (keys !== 'author,hints,sig,t,ts,v') return reject(RejectReason.Malformed, `unexpected fields ${keys}`)
  if (!(r.author instanceof Uint8Array) || r.author.length !== PUBLIC_KEY_BYTES) return reject(RejectReason.Malformed, 'author is not a 32-byte key')
  if (!(r.sig instanceof Uint8Array) || r.sig.length !== SIGNATURE_BYTES) return reject(RejectReason.Malformed, 'sig is not 64 bytes')
  if (!Number.isSafeInteger(r.ts) || (r.ts as number) < 0) return reject(RejectReason.Malformed, 'ts is not a non-negative integer')
  const L = USER_RECORD_LIMITS
  if (!Array.isArray(r.hints) || r.hints.length > L.hints) return reject(RejectReason.Malformed, `hints is not a list of at most ${L.hints}`)
  for (const h of r.hints as unknown[]) {
    const hint = h as { peer?: unknown, addrs?: unknown }
    if (hint == null || typeof hint !== 'object' || Object.keys(hint).sort().join(',') !== 'addrs,peer') return reject(RejectReason.Malformed, 'a hint is not {peer, addrs}')
    if (typeof hint.peer !== 'string' || hint.peer.length === 0 || hint.peer.length > L.peerIdChars) return reject(RejectReason.Malformed, 'a hint has a bad peer id')
    if (!isStringList(hint.addrs, L.addrsPerHint, L.addrChars)) return reject(RejectReason.Malformed, 'a hint has bad addresses')
  }
  const author = authorIdOf(r.author)
  if (decoder.decode(key) !== `/${USER_RECORD_NAMESPACE}/${author}`) return reject(RejectReason.Unauthorized, 'record is stored under another author\'s key')
  const { sig, ...body } = r as SignedUserRecord
  if (!await verifySignature(r.author, encodeCanonical(body), sig)) return reject(RejectReason.BadSignature, 'signature does not verify')
  return accept({
    author,
    hints: body.hints.map((h) => ({ peerId: h.peer, addrs: h.addrs })),
    ts: body.ts,
    bytes
  })
}

/**
 * kad-dht validator for our namespace: kad-dht's contract is to throw on an invalid record (it
 * catches, and drops the record).
 */
export async function dhtUserRecordValidator (key: Uint8Array, value: Uint8Array): Promise<void> {
  const checked = await validateUserRecord(key, value)
  if (!checked.ok) throw new Error(`invalid user record: ${checked.reason}: ${checked.detail}`)
}

/**
 * kad-dht selector: the index of the best record, newest valid `ts` wins; equal `ts` fall back to
 * the byte order, so every peer picks the same one.
 */
export async function dhtUserRecordSelector (key: Uint8Array, records: Uint8Array[]): Promise<number> {
  let best = -1
  let bestRecord: UserRecord | undefined
  for (let i = 0; i < records.length; i++) {
    const checked = await validateUserRecord(key, records[i]!)
    if (!checked.ok) continue
    if (bestRecord == null || isNewer(checked.value, bestRecord)) { best = i; bestRecord = checked.value }
  }
  return Math.max(best, 0)
}

function isNewer (a: UserRecord, b: UserRecord): boolean {
  if (a.ts !== b.ts) return a.ts > b.ts
  return compareBytes(a.bytes, b.bytes) > 0
}

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/** Validators and selectors to give kad-dht in browsers (DHT clients). */
export const userRecordDhtOptions = {
  validators: { [USER_RECORD_NAMESPACE]: dhtUserRecordValidator },
  selectors: { [USER_RECORD_NAMESPACE]: dhtUserRecordSelector }
}

/**
 * The DHT server's validator and selector. kad-dht stores any valid record a PUT brings, replacing
 * the one it had, so anyone could replay an author's older (validly signed) record and roll their
 * hints back. This validator remembers the newest `ts` accepted per key (bounded; forgetting is
 * safe, it only re-opens that window) and refuses anything older, so what the server stores only
 * moves forward.
 */
export function serverUserRecordDhtOptions (maxKeys = 100_000): typeof userRecordDhtOptions {
  const newest = new Map<string, number>()
  const validate = async (key: Uint8Array, value: Uint8Array): Promise<void> => {
    const checked = await validateUserRecord(key, value)
    if (!checked.ok) throw new Error(`invalid user record: ${checked.reason}: ${checked.detail}`)
    const id = decoder.decode(key)
    const seen = newest.get(id)
    if (seen != null && checked.value.ts < seen) throw new Error('user record is older than the one stored')
    newest.delete(id)
    newest.set(id, checked.value.ts)
    if (newest.size > maxKeys) newest.delete(newest.keys().next().value!)
  }
  return {
    validators: { [USER_RECORD_NAMESPACE]: validate },
    selectors: { [USER_RECORD_NAMESPACE]: dhtUserRecordSelector }
  }
}
