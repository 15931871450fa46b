import { CID } from 'multiformats/cid'
import { decodeFrame, encodeCanonical } from '../codec/canonical.ts'
import { parseHash } from '../codec/hash.ts'
import { EncodingError, RecordTooLargeError } from '../errors.ts'
import type { FeedEnvelope } from '../feed/entry.ts'
import { PUBLIC_KEY_BYTES, authorIdOf, publicKeyOf } from '../identity/ed25519.ts'
import { type Validated, accept, reject, RejectReason } from '../result.ts'
import { type AuthorId, type ChannelId, type EntryHash, type RoomId, asChannelId, asEntryHash, asRoomId } from '../types.ts'
import type { ChannelClock } from './clock.ts'

/** Largest encoded sync message, either way (protocol conventions). */
export const SYNC_MESSAGE_MAX_BYTES = 1024 * 1024
/** Most hashes in one authority request or Hello. */
export const SYNC_HASHES_MAX = 1024
/** Most entries in one Entries or AuthorityEntries message. */
export const SYNC_BATCH_MAX = 1000

export const SyncErrorCode = {
  BadRequest: 'bad-request',
  WrongRoom: 'wrong-room',
  /** The requester did not prove standing in the room (src/core/access): nothing of it is served. */
  Refused: 'refused',
  Busy: 'busy',
  Internal: 'internal'
} as const
export type SyncErrorCode = typeof SyncErrorCode[keyof typeof SyncErrorCode]

/** Opens a sync exchange: who we are in which room, and what we hold (authority heads, channel clocks). */
export interface Hello { readonly t: 'hello', readonly room: RoomId, readonly authorityHeads: readonly EntryHash[], readonly clocks: ReadonlyMap<ChannelId, ChannelClock> }
/** Asks for specific authority entries (e.g. missing parents). */
export interface RequestAuthorityByHash { readonly t: 'auth-by-hash', readonly id: number, readonly hashes: readonly EntryHash[] }
/** Asks for every authority entry outside the causal past of `heads` (our heads; empty = everything). */
export interface RequestAuthorityAfter { readonly t: 'auth-after', readonly id: number, readonly heads: readonly EntryHash[] }
export interface RequestRange { readonly t: 'range', readonly id: number, readonly channel: ChannelId, readonly author: AuthorId, readonly fromSeq: number, readonly toSeq: number }
export interface Entries { readonly t: 'entries', readonly id: number, readonly entries: readonly FeedEnvelope[] }
export interface AuthorityEntries { readonly t: 'auth-entries', readonly id: number, readonly entries: readonly Uint8Array[] }
/** The answer to request `id` is complete. */
export interface Done { readonly t: 'done', readonly id: number }
export interface SyncError { readonly t: 'error', readonly id: number, readonly code: SyncErrorCode, readonly message: string }

export type SyncRequest = RequestAuthorityByHash | RequestAuthorityAfter | RequestRange
export type SyncMessage = Hello | SyncRequest | Entries | AuthorityEntries | Done | SyncError

const cid = (h: EntryHash): CID => CID.parse(h)

function toWire (m: SyncMessage): Record<string, unknown> {
  switch (m.t) {
    case 'hello': return {
      v: 1,
      t: m.t,
      room: m.room,
      authorityHeads: m.authorityHeads.map(cid),
      clocks: Object.fromEntries([...m.clocks].map(([channel, clock]) => [channel, [...clock].map(([author, seq]) => [keyOf(author), seq])]))
    }
    case 'auth-by-hash': return { v: 1, t: m.t, id: m.id, hashes: m.hashes.map(cid) }
    case 'auth-after': return { v: 1, t: m.t, id: m.id, heads: m.heads.map(cid) }
    case 'range': return { v: 1, t: m.t, id: m.id, channel: m.channel, author: keyOf(m.author), fromSeq: m.fromSeq, toSeq: m.toSeq }
    case 'entries': return { v: 1, t: m.t, id: m.id, entries: m.entries.map((e) => ({ entry: e.entry, payload: e.payload })) }
    case 'auth-entries': return { v: 1, t: m.t, id: m.id, entries: m.entries }
    case 'done': return { v: 1, t: m.t, id: m.id }
    case 'error': return { v: 1, t: m.t, id: m.id, code: m.code, message: m.message }
  }
}

function keyOf (author: AuthorId): Uint8Array {
  const key = publicKeyOf(author)
  if (key == null) throw new EncodingError(`${author} is not an author id`)
  return key
}

/** Encodes a message for the stream; throws RecordTooLargeError over the 1 MiB limit (a local bug: batches are sized below it). */
export function encodeSyncMessage (message: SyncMessage): Uint8Array {
  const bytes = encodeCanonical(toWire(message))
  if (bytes.byteLength > SYNC_MESSAGE_MAX_BYTES) throw new RecordTooLargeError(`sync ${message.t}`, bytes.byteLength, SYNC_MESSAGE_MAX_BYTES)
  return bytes
}

const FIELDS: Record<SyncMessage['t'], readonly string[]> = {
  hello: ['authorityHeads', 'clocks', 'room', 't', 'v'],
  'auth-by-hash': ['hashes', 'id', 't', 'v'],
  'auth-after': ['heads', 'id', 't', 'v'],
  range: ['author', 'channel', 'fromSeq', 'id', 't', 'toSeq', 'v'],
  entries: ['entries', 'id', 't', 'v'],
  'auth-entries': ['entries', 'id', 't', 'v'],
  done: ['id', 't', 'v'],
  error: ['code', 'id', 'message', 't', 'v']
}

const isUint = (n: unknown, min = 0): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= min
const isId = (n: unknown): n is number => isUint(n) && n <= 0xffffffff
const isHashString = (s: unknown): s is string => typeof s === 'string' && parseHash(s) != null
const isKey = (k: unknown): k is Uint8Array => k instanceof Uint8Array && k.length === PUBLIC_KEY_BYTES

function hashList (v: unknown, max: number): EntryHash[] | undefined {
  if (!Array.isArray(v) || v.length > max) return undefined
  const out: EntryHash[] = []
  for (const c of v) {
    if (!(c instanceof CID) || parseHash(c.toString()) == null) return undefined
    out.push(asEntryHash(c.toString()))
  }
  return out
}

function clocksOf (v: unknown): Map<ChannelId, ChannelClock> | undefined {
  if (typeof v !== 'object' || v == null || Array.isArray(v) || v instanceof Uint8Array || v instanceof CID) return undefined
  const out = new Map<ChannelId, ChannelClock>()
  for (const [channel, pairs] of Object.entries(v as Record<string, unknown>)) {
    if (!isHashString(channel) || !Array.isArray(pairs)) return undefined
    const clock = new Map<AuthorId, number>()
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2 || !isKey(pair[0]) || !isUint(pair[1], 1)) return undefined
      const author = authorIdOf(pair[0])
      if (clock.has(author)) return undefined
      clock.set(author, pair[1])
    }
    out.set(asChannelId(channel), clock)
  }
  return out
}

/** Decodes a message from a peer under the 1 MiB limit. Never throws. Entries inside are checked later, by the ingest. */
export function decodeSyncMessage (bytes: Uint8Array): Validated<SyncMessage> {
  const decoded = decodeFrame<Record<string, unknown>>(bytes, SYNC_MESSAGE_MAX_BYTES, 'sync message')
  if (!decoded.ok) return decoded
  const r = decoded.value
  if (typeof r !== 'object' || r == null || Array.isArray(r) || r.v !== 1 || typeof r.t !== 'string' || !Object.hasOwn(FIELDS, r.t)) {
    return reject(RejectReason.Malformed, 'not a v1 sync message')
  }
  const t = r.t as SyncMessage['t']
  const keys = Object.keys(r).sort()
  if (keys.join() !== FIELDS[t].join()) return reject(RejectReason.Malformed, `${t} has fields [${keys.join(',')}]`)
  const bad = (what: string): Validated<SyncMessage> => reject(RejectReason.Malformed, `${t}: ${what}`)
  if (t === 'hello') {
    if (!isHashString(r.room)) return bad('room is not a hash string')
    const authorityHeads = hashList(r.authorityHeads, SYNC_HASHES_MAX)
    if (authorityHeads == null) return bad('authorityHeads is not a list of hashes')
    const clocks = clocksOf(r.clocks)
    if (clocks == null) return bad('clocks is not a map of channel to [author key, seq] pairs')
    return accept({ t, room: asRoomId(r.room), authorityHeads, clocks })
  }
  if (!isId(r.id)) return bad('id is not a 32-bit unsigned integer')
  const id = r.id
  switch (t) {
    case 'auth-by-hash': {
      const hashes = hashList(r.hashes, SYNC_HASHES_MAX)
      return hashes == null ? bad('hashes is not a list of hashes') : accept({ t, id, hashes })
    }
    case 'auth-after': {
      const heads = hashList(r.heads, SYNC_HASHES_MAX)
      return heads == null ? bad('heads is not a list of hashes') : accept({ t, id, heads })
    }
    case 'range':
      if (!isHashString(r.channel)) return bad('channel is not a hash string')
      if (!isKey(r.author)) return bad('author is not a 32-byte key')
      if (!isUint(r.fromSeq, 1) || !isUint(r.toSeq, 1) || r.toSeq < r.fromSeq) return bad('fromSeq..toSeq is not a range of positive seqs')
      return accept({ t, id, channel: asChannelId(r.channel), author: authorIdOf(r.author), fromSeq: r.fromSeq, toSeq: r.toSeq })
    case 'entries': {
      if (!Array.isArray(r.entries) || r.entries.length > SYNC_BATCH_MAX) return bad(`entries is not a list of at most ${SYNC_BATCH_MAX}`)
      const entries: FeedEnvelope[] = []
      for (const e of r.entries as unknown[]) {
        const { entry, payload } = (e ?? {}) as Record<string, unknown>
        if (e === null || typeof e !== 'object' || Object.keys(e).length !== 2 || !(entry instanceof Uint8Array) || !(payload === null || payload instanceof Uint8Array)) {
          return bad('an envelope is not {entry: bytes, payload: bytes | null}')
        }
        entries.push({ entry, payload })
      }
      return accept({ t, id, entries })
    }
    case 'auth-entries':
      if (!Array.isArray(r.entries) || r.entries.length > SYNC_BATCH_MAX || !r.entries.every((e) => e instanceof Uint8Array)) return bad('entries is not a list of byte strings')
      return accept({ t, id, entries: r.entries })
    case 'done': return accept({ t, id })
    case 'error': {
      const codes: readonly string[] = Object.values(SyncErrorCode)
      if (typeof r.code !== 'string' || !codes.includes(r.code)) return bad('unknown error code')
      if (typeof r.message !== 'string' || r.message.length > 1000) return bad('message is not a short string')
      return accept({ t, id, code: r.code as SyncErrorCode, message: r.message })
    }
  }
}
