import { CID } from 'multiformats/cid'
import { sha256 } from '@noble/hashes/sha2.js'
import { equals } from 'uint8arrays/equals'
import { decodeCanonical, decodeTrustedLinksSkipped, encodeCanonical } from '../codec/canonical.ts'
import { hashOf, parseHash, rawCidOf } from '../codec/hash.ts'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, authorIdOf, isStrongPublicKey } from '../identity/ed25519.ts'
import { type Validated, accept, reject, RejectReason } from '../result.ts'
import { type AuthorId, type ChannelId, type EntryHash, type RoomId, asChannelId, asEntryHash, asRoomId } from '../types.ts'
import { readCanonicalRecord } from './record-reader.ts'

/** Largest canonical feed entry accepted: an entry is metadata only, its payload travels beside it. */
export const FEED_ENTRY_MAX_BYTES = 1024
/** Largest payload accepted; chat text is limited further by its codec. */
export const FEED_PAYLOAD_MAX_BYTES = 16 * 1024
/** Longest `type` string: types are short names such as 'chat/text'. */
export const FEED_TYPE_MAX_CHARS = 64

/**
 * A feed entry as it travels and is stored: the signed entry's canonical bytes and its payload,
 * which may be absent (deleted, or not fetched) because the entry signs only the payload's hash.
 */
export interface FeedEnvelope {
  readonly entry: Uint8Array
  readonly payload: Uint8Array | null
}

/** The encoded record (what is hashed and signed), with links as CIDs and keys as bytes. */
export interface FeedEntryRecord {
  readonly v: 1
  readonly t: 'feed'
  readonly room: string
  readonly channel: string
  readonly author: Uint8Array
  readonly seq: number
  readonly prev: CID | null
  readonly lamport: number
  readonly ts: number
  readonly type: string
  readonly payloadHash: CID
  readonly payloadSize: number
  readonly sig: Uint8Array
}

/** A feed entry in memory, with branded ids. */
export interface FeedEntry {
  readonly room: RoomId
  readonly channel: ChannelId
  readonly author: AuthorId
  readonly authorKey: Uint8Array
  readonly seq: number
  readonly prev: EntryHash | null
  readonly lamport: number
  readonly ts: number
  readonly type: string
  /** CID string of the payload bytes (raw codec). */
  readonly payloadHash: string
  readonly payloadSize: number
  readonly sig: Uint8Array
}

/** An envelope whose entry decoded and passed every check that needs no signature, chain or ACL. */
export interface ParsedEntry {
  readonly hash: EntryHash
  readonly bytes: Uint8Array
  readonly payload: Uint8Array | null
  readonly entry: FeedEntry
  readonly record: FeedEntryRecord
}

const DAG_CBOR = 0x71
const RAW = 0x55
const RECORD_KEYS = ['author', 'channel', 'lamport', 'payloadHash', 'payloadSize', 'prev', 'room', 'seq', 'sig', 't', 'ts', 'type', 'v']

/** The payload's hash: raw-codec CID, because the feed treats payloads as opaque bytes. */
export function payloadHashOf (payload: Uint8Array): CID {
  return rawCidOf(payload)
}

const isSha256Cid = (c: unknown, codec: number): c is CID =>
  c instanceof CID && c.version === 1 && c.code === codec && c.multihash.code === 0x12 && c.multihash.size === 32

const knownHashStrings = new Set<string>()

/** parseHash, remembered for the few channel ids a room has: parsing a CID string costs more than the rest of the checks. */
function isHashString (s: string): boolean {
  if (knownHashStrings.has(s)) return true
  if (parseHash(s) == null) return false
  if (knownHashStrings.size >= 10_000) knownHashStrings.clear()
  knownHashStrings.add(s)
  return true
}

const isCount = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= min

function shapeProblem (r: Record<string, unknown>): string | undefined {
  const keys = Object.keys(r).sort()
  if (keys.length !== RECORD_KEYS.length || keys.some((k, i) => k !== RECORD_KEYS[i])) return `fields are [${keys.join(',')}]`
  if (r.v !== 1 || r.t !== 'feed') return 'not a v1 feed entry'
  if (typeof r.room !== 'string') return 'room is not a string'
  if (typeof r.channel !== 'string' || !isHashString(r.channel)) return 'channel is not a hash string'
  if (!(r.author instanceof Uint8Array) || r.author.length !== PUBLIC_KEY_BYTES) return 'author is not a 32-byte key'
  if (!isCount(r.seq, 1)) return 'seq is not a positive integer'
  if (r.seq === 1 ? r.prev !== null : !isSha256Cid(r.prev, DAG_CBOR)) return r.seq === 1 ? 'seq 1 must have prev null' : 'prev is not a hash link'
  if (!isCount(r.lamport, 1)) return 'lamport is not a positive integer'
  if (!isCount(r.ts, 0)) return 'ts is not a non-negative integer'
  if (typeof r.type !== 'string' || r.type.length === 0 || r.type.length > FEED_TYPE_MAX_CHARS) return `type is not a string of 1..${FEED_TYPE_MAX_CHARS} characters`
  if (!isSha256Cid(r.payloadHash, RAW)) return 'payloadHash is not a raw sha2-256 CID'
  if (!isCount(r.payloadSize, 0)) return 'payloadSize is not a non-negative integer'
  if (!(r.sig instanceof Uint8Array) || r.sig.length !== SIGNATURE_BYTES) return 'sig is not 64 bytes'
  return undefined
}

/** The bytes the author signs: the canonical record without `sig`. */
export function signedBytesOf (record: Omit<FeedEntryRecord, 'sig'> & { readonly sig?: Uint8Array }): Uint8Array {
  const { sig: _sig, ...body } = record
  return encodeCanonical(body)
}

const cborUintLength = (n: number): number => (n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9)
const SIG_PAIR_HEAD = [0x63, 0x73, 0x69, 0x67, 0x58, 0x40] // text "sig", then bytes(64)
const SIG_PAIR_BYTES = SIG_PAIR_HEAD.length + 64

/**
 * The signed bytes of a parsed entry, cut out of its canonical bytes instead of encoding again
 * (the dearest step of checking an entry after decoding). Canonical DAG-CBOR orders keys by length,
 * then bytes: t, v, ts, seq, sig, ... so the `sig` pair sits right after `seq`, and removing it
 * (with the map header one field shorter) leaves exactly the canonical encoding of the body.
 */
export function signedBytesOfParsed (parsed: Pick<ParsedEntry, 'bytes' | 'record'>): Uint8Array {
  const { bytes, record } = parsed
  const at = 1 + 7 + 3 + 3 + cborUintLength(record.ts) + 4 + cborUintLength(record.seq)
  const fits = bytes[0] === 0xa0 + RECORD_KEYS.length && SIG_PAIR_HEAD.every((b, i) => bytes[at + i] === b)
  if (!fits) return signedBytesOf(record)
  const out = new Uint8Array(bytes.byteLength - SIG_PAIR_BYTES)
  out[0] = 0xa0 + RECORD_KEYS.length - 1
  out.set(bytes.subarray(1, at), 1)
  out.set(bytes.subarray(at + SIG_PAIR_BYTES), at)
  return out
}

/** The in-memory view of a checked record. */
export function entryOf (record: FeedEntryRecord): FeedEntry {
  return {
    room: asRoomId(record.room),
    channel: asChannelId(record.channel),
    author: authorIdOf(record.author),
    authorKey: record.author,
    seq: record.seq,
    prev: record.prev == null ? null : asEntryHash(record.prev.toString()),
    lamport: record.lamport,
    ts: record.ts,
    type: record.type,
    payloadHash: record.payloadHash.toString(),
    payloadSize: record.payloadSize,
    sig: record.sig
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v != null && !Array.isArray(v)

/**
 * Decodes an entry and checks its fields and canonical form. Bytes in the canonical form of the
 * record's shape are read in one pass by readCanonicalRecord; anything else is not a valid entry,
 * and the generic path (decode, encode again, compare, then the fields) gives the reason. Every
 * input gets the verdict the generic path alone would give.
 */
function decodeRecord (bytes: Uint8Array): Validated<FeedEntryRecord> {
  if (bytes.byteLength <= FEED_ENTRY_MAX_BYTES) {
    const read = readCanonicalRecord(bytes)
    if (read !== undefined) {
      const problem = shapeProblem(read as unknown as Record<string, unknown>)
      return problem == null ? accept(read) : reject(RejectReason.Malformed, problem)
    }
  }
  const decoded = decodeCanonical(bytes, FEED_ENTRY_MAX_BYTES, 'feed entry')
  if (!decoded.ok) return decoded
  if (!isMap(decoded.value)) return reject(RejectReason.Malformed, 'feed entry is not a map')
  const problem = shapeProblem(decoded.value)
  return problem == null ? accept(decoded.value as unknown as FeedEntryRecord) : reject(RejectReason.Malformed, problem)
}

/**
 * Checks an envelope from a peer as far as it can be checked alone: canonical decoding under the
 * size limit, field types, the room, the author key's strength and the payload against the
 * signed hash and size. Never throws. Signature, chain and ACL come after (see ingest.ts).
 */
export function parseEnvelope (envelope: unknown, room: RoomId): Validated<ParsedEntry> {
  if (typeof envelope !== 'object' || envelope == null) return reject(RejectReason.Malformed, 'envelope is not an object')
  const { entry: bytes, payload } = envelope as Partial<FeedEnvelope>
  if (!(bytes instanceof Uint8Array)) return reject(RejectReason.Malformed, 'envelope entry is not bytes')
  if (payload != null && !(payload instanceof Uint8Array)) return reject(RejectReason.Malformed, 'envelope payload is neither bytes nor null')
  const decoded = decodeRecord(bytes)
  if (!decoded.ok) return decoded
  const record = decoded.value
  if (record.room !== room) return reject(RejectReason.WrongRoom, `entry is for room ${record.room}`)
  if (!isStrongPublicKey(record.author)) return reject(RejectReason.WeakKey, 'author key is not a strong Ed25519 key')
  if (record.payloadSize > FEED_PAYLOAD_MAX_BYTES) return reject(RejectReason.TooLarge, `payloadSize ${record.payloadSize} is over ${FEED_PAYLOAD_MAX_BYTES}`)
  if (payload != null) {
    if (payload.byteLength > FEED_PAYLOAD_MAX_BYTES) return reject(RejectReason.TooLarge, `payload is ${payload.byteLength} bytes, limit ${FEED_PAYLOAD_MAX_BYTES}`)
    if (payload.byteLength !== record.payloadSize) return reject(RejectReason.Malformed, `payload is ${payload.byteLength} bytes, entry says ${record.payloadSize}`)
    // The CID's codec and hash function were checked with the fields; comparing the digests is enough.
    if (!equals(sha256(payload), record.payloadHash.multihash.digest)) return reject(RejectReason.Malformed, 'payload does not match payloadHash')
  }
  typesOfParsed.set(bytes, record.type)
  return accept({ hash: hashOf(bytes), bytes, payload: payload ?? null, entry: entryOf(record), record })
}

/**
 * The type of every entry parsed in this page, by its bytes (never mutated once parsed): listeners
 * of newly stored entries (timeline, deletions) ask each entry's type, and for the entries a sync
 * just brought the answer is known without decoding them a second time.
 */
const typesOfParsed = new WeakMap<Uint8Array, string>()

/** The record of an entry already validated and stored; undefined if the stored bytes are damaged. */
export function storedRecordOf (bytes: Uint8Array): FeedEntryRecord | undefined {
  const decoded = decodeCanonical<FeedEntryRecord>(bytes, FEED_ENTRY_MAX_BYTES, 'stored feed entry')
  return decoded.ok ? decoded.value : undefined
}

/** The `type` of an entry already validated and stored, read without re-checking its encoding; undefined if damaged. */
export function storedTypeOf (bytes: Uint8Array): string | undefined {
  const known = typesOfParsed.get(bytes)
  if (known !== undefined) return known
  const record = decodeTrustedLinksSkipped<{ type?: unknown }>(bytes)
  return typeof record?.type === 'string' ? record.type : undefined
}
