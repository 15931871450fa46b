import { CID } from 'multiformats/cid'
import { encodeCanonical } from '../codec/canonical.ts'
import { parseHash } from '../codec/hash.ts'
import { hexToBytes } from '@noble/hashes/utils.js'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, authorIdOf } from '../identity/ed25519.ts'
import { type AuthorId, type ChannelId, type EntryHash, type RoomId, asChannelId, asEntryHash, asRoomId } from '../types.ts'
import { ALL_CAPABILITIES } from './capabilities.ts'

/** Largest canonical authority entry accepted (protocol conventions). */
export const AUTHORITY_ENTRY_MAX_BYTES = 4096
/** Limits on the free-text fields, so one entry cannot carry a novel. */
export const NAME_MAX_CHARS = 100
export const TEXT_MAX_CHARS = 1000
export const TAGS_MAX = 16
export const TAG_MAX_CHARS = 32
export const GENESIS_CHANNELS_MAX = 32
export const PREV_MAX = 32

/** The action discriminator of an authority entry (field `action`). */
export const Action = {
  GENESIS: 'genesis',
  GRANT: 'grant',
  REVOKE: 'revoke',
  BAN: 'ban',
  UNBAN: 'unban',
  SET_POLICY: 'set-policy',
  DEFINE_ROLE: 'define-role',
  CHANNEL_CREATE: 'channel-create',
  CHANNEL_RENAME: 'channel-rename',
  CHANNEL_ARCHIVE: 'channel-archive',
  CHANNEL_MOVE: 'channel-move',
  INVITE_CREATE: 'invite-create',
  INVITE_REVOKE: 'invite-revoke',
  JOIN: 'join',
  ROOM_UPDATE: 'room-update',
  PIN: 'pin'
} as const
export type Action = typeof Action[keyof typeof Action]

/** Who may post: anyone not banned, or members only. */
export const Policy = { OPEN: 'open', INVITE_ONLY: 'invite-only' } as const
export type Policy = typeof Policy[keyof typeof Policy]

/** Per-channel (BAN, REVOKE: channel id -> seq) or per-author (CHANNEL_ARCHIVE: author hex -> seq) cut-off. */
export type Frontier = Readonly<Record<string, number>>

export interface GenesisChannel { readonly name: string, readonly topic: string }

/** The action-specific fields of each action, in memory (keys as AuthorId hex, links as hash strings). */
export type ActionBody =
  | { readonly action: 'genesis', readonly name: string, readonly nonce: Uint8Array, readonly policy: Policy, readonly description: string, readonly tags: readonly string[], readonly channels: readonly GenesisChannel[] }
  | { readonly action: 'grant', readonly target: AuthorId, readonly role: string, readonly frontier: Frontier }
  | { readonly action: 'revoke', readonly target: AuthorId, readonly frontier: Frontier }
  | { readonly action: 'ban', readonly target: AuthorId, readonly reason: string, readonly frontier: Frontier }
  | { readonly action: 'unban', readonly target: AuthorId }
  | { readonly action: 'set-policy', readonly policy: Policy }
  | { readonly action: 'define-role', readonly name: string, readonly capabilities: number, readonly rank: number }
  | { readonly action: 'channel-create', readonly name: string, readonly topic: string }
  | { readonly action: 'channel-rename', readonly channel: ChannelId, readonly name: string, readonly topic: string }
  | { readonly action: 'channel-archive', readonly channel: ChannelId, readonly archived: boolean, readonly frontier: Frontier }
  | { readonly action: 'channel-move', readonly channel: ChannelId, readonly position: number }
  | { readonly action: 'invite-create', readonly invite: AuthorId, readonly role: string, readonly expiresAt: number | null, readonly maxUses: number | null }
  | { readonly action: 'invite-revoke', readonly invite: AuthorId }
  | { readonly action: 'join', readonly invite: AuthorId | null, readonly inviteSig: Uint8Array | null }
  | { readonly action: 'room-update', readonly name: string, readonly description: string, readonly tags: readonly string[] }
  | { readonly action: 'pin', readonly channel: ChannelId, readonly message: EntryHash, readonly pinned: boolean }

/** The fields every action shares, in memory. */
export interface EntryHeader {
  readonly hash: EntryHash
  readonly room: RoomId
  readonly signer: AuthorId
  readonly signerKey: Uint8Array
  readonly lamport: number
  readonly ts: number
  readonly prev: readonly EntryHash[]
}

/** A checked authority entry: header plus its action's fields. */
export type AuthorityEntry = EntryHeader & ActionBody
export type EntryOf<A extends Action> = EntryHeader & Extract<ActionBody, { action: A }>

/** A signed entry as it travels and is stored, with its decoded form. */
export interface SignedAuthorityEntry {
  readonly hash: EntryHash
  readonly bytes: Uint8Array
  readonly entry: AuthorityEntry
}

/** Ed25519-signed record body: everything but `sig`, in wire form. */
export type RecordBody = Record<string, unknown>

const DAG_CBOR = 0x71
const COMMON_KEYS = ['action', 'lamport', 'prev', 'room', 'sig', 'signer', 't', 'ts', 'v']

const isCount = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= min
const isText = (s: unknown, min: number, max: number): s is string => typeof s === 'string' && s.length >= min && s.length <= max
const isKey = (k: unknown): k is Uint8Array => k instanceof Uint8Array && k.length === PUBLIC_KEY_BYTES
const isLink = (c: unknown): c is CID => c instanceof CID && c.version === 1 && c.code === DAG_CBOR && c.multihash.code === 0x12 && c.multihash.size === 32
const isPolicy = (p: unknown): p is Policy => p === Policy.OPEN || p === Policy.INVITE_ONLY
const isTags = (t: unknown): t is string[] => Array.isArray(t) && t.length <= TAGS_MAX && t.every((x) => isText(x, 1, TAG_MAX_CHARS))
const isMap = (m: unknown): m is Record<string, unknown> => typeof m === 'object' && m != null && !Array.isArray(m) && !(m instanceof Uint8Array) && !(m instanceof CID)
const isFrontier = (m: unknown, keyOk: (k: string) => boolean): m is Record<string, number> =>
  isMap(m) && Object.entries(m).every(([k, n]) => keyOk(k) && isCount(n, 0))
/** Hash strings already seen to parse: a room's id and channel ids recur in every entry. */
const goodHashes = new Set<string>()
function isHashString (s: unknown): boolean {
  if (typeof s !== 'string') return false
  if (goodHashes.has(s)) return true
  if (parseHash(s) == null) return false
  if (goodHashes.size >= 10_000) goodHashes.clear()
  goodHashes.add(s)
  return true
}
const isChannelKey = (k: string): boolean => isHashString(k)
const isAuthorKey = (k: string): boolean => /^[0-9a-f]{64}$/.test(k)

/** One field rule: a check and what to say when it fails. */
type FieldRule = readonly [field: string, check: (value: unknown) => boolean, problem: string]

const nameRule: FieldRule = ['name', (v) => isText(v, 1, NAME_MAX_CHARS), `is not 1..${NAME_MAX_CHARS} characters`]
const topicRule: FieldRule = ['topic', (v) => isText(v, 0, TEXT_MAX_CHARS), `is not at most ${TEXT_MAX_CHARS} characters`]
const descriptionRule: FieldRule = ['description', (v) => isText(v, 0, TEXT_MAX_CHARS), `is not at most ${TEXT_MAX_CHARS} characters`]
const tagsRule: FieldRule = ['tags', isTags, `is not a list of at most ${TAGS_MAX} tags of 1..${TAG_MAX_CHARS} characters`]
const targetRule: FieldRule = ['target', isKey, 'is not a 32-byte key']
const roleRule: FieldRule = ['role', (v) => isText(v, 1, NAME_MAX_CHARS), 'is not a role name']
const channelRule: FieldRule = ['channel', isLink, 'is not a hash link']
const channelFrontierRule: FieldRule = ['frontier', (v) => isFrontier(v, isChannelKey), 'is not a map of channel id to seq']
const policyRule: FieldRule = ['policy', isPolicy, 'is not open or invite-only']
const isChannelList = (v: unknown): boolean => Array.isArray(v) && v.length <= GENESIS_CHANNELS_MAX &&
  v.every((c) => isMap(c) && Object.keys(c).sort().join() === 'name,topic' && nameRule[1](c.name) && topicRule[1](c.topic))

/** The action-specific fields of each action and their rules; no other field is allowed. */
const ACTION_FIELDS: Readonly<Record<Action, readonly FieldRule[]>> = {
  genesis: [nameRule, ['nonce', (v) => v instanceof Uint8Array && v.length >= 16 && v.length <= 32, 'is not 16..32 bytes'], policyRule, descriptionRule, tagsRule,
    ['channels', isChannelList, `is not a list of at most ${GENESIS_CHANNELS_MAX} {name, topic}`]],
  grant: [targetRule, roleRule, channelFrontierRule],
  revoke: [targetRule, channelFrontierRule],
  ban: [targetRule, ['reason', (v) => isText(v, 0, TEXT_MAX_CHARS), `is not at most ${TEXT_MAX_CHARS} characters`], channelFrontierRule],
  unban: [targetRule],
  'set-policy': [policyRule],
  'define-role': [nameRule, ['capabilities', (v) => isCount(v, 0) && (v & ~ALL_CAPABILITIES) === 0, 'has unknown capability bits'],
    ['rank', (v) => isCount(v, 1), 'is not a positive integer']],
  'channel-create': [nameRule, topicRule],
  'channel-rename': [channelRule, nameRule, topicRule],
  'channel-archive': [channelRule, ['archived', (v) => typeof v === 'boolean', 'is not a boolean'], ['frontier', (v) => isFrontier(v, isAuthorKey), 'is not a map of author hex to seq']],
  'channel-move': [channelRule, ['position', (v) => isCount(v, 0), 'is not a non-negative integer']],
  'invite-create': [['invite', isKey, 'is not a 32-byte key'], roleRule, ['expiresAt', (v) => v === null || isCount(v, 0), 'is neither null nor a time'],
    ['maxUses', (v) => v === null || isCount(v, 1), 'is neither null nor a positive integer']],
  'invite-revoke': [['invite', isKey, 'is not a 32-byte key']],
  join: [['invite', (v) => v === null || isKey(v), 'is neither null nor a 32-byte key'], ['inviteSig', (v) => v === null || (v instanceof Uint8Array && v.length === SIGNATURE_BYTES), 'is neither null nor 64 bytes']],
  'room-update': [nameRule, descriptionRule, tagsRule],
  pin: [channelRule, ['message', isLink, 'is not a hash link'], ['pinned', (v) => typeof v === 'boolean', 'is not a boolean']]
}

const isAction = (a: unknown): a is Action => typeof a === 'string' && Object.hasOwn(ACTION_FIELDS, a)

/** Each action's complete field list, sorted, computed once. */
const EXPECTED_KEYS = Object.fromEntries(Object.entries(ACTION_FIELDS).map(([action, rules]) =>
  [action, [...COMMON_KEYS, ...rules.map(([field]) => field)].sort()])) as unknown as Record<Action, readonly string[]>

/** Why a decoded record is not a well-formed authority entry, or undefined if it is. */
export function recordProblem (r: Record<string, unknown>): string | undefined {
  if (r.v !== 1 || r.t !== 'auth') return 'not a v1 authority entry'
  if (!isAction(r.action)) return `unknown action ${String(r.action)}`
  const rules = ACTION_FIELDS[r.action]
  const expected = EXPECTED_KEYS[r.action]
  const keys = Object.keys(r)
  if (keys.length !== expected.length || !expected.every((k) => Object.hasOwn(r, k))) return `fields are [${keys.sort().join(',')}], expected [${expected.join(',')}]`
  if (!isHashString(r.room)) return 'room is not a hash string'
  if (!isKey(r.signer)) return 'signer is not a 32-byte key'
  if (!isCount(r.lamport, 0)) return 'lamport is not a non-negative integer'
  if (!isCount(r.ts, 0)) return 'ts is not a non-negative integer'
  if (!Array.isArray(r.prev) || r.prev.length > PREV_MAX || !r.prev.every(isLink)) return `prev is not a list of at most ${PREV_MAX} hash links`
  if (new Set(r.prev.map(String)).size !== r.prev.length) return 'prev names a parent twice'
  if ((r.action === Action.GENESIS) !== (r.prev.length === 0)) return 'only genesis has no parents'
  if (r.action === Action.GENESIS && r.lamport !== 0) return 'genesis lamport is not 0'
  if (!(r.sig instanceof Uint8Array) || r.sig.length !== SIGNATURE_BYTES) return 'sig is not 64 bytes'
  for (const [field, check, problem] of rules) {
    if (!check(r[field])) return `${field} ${problem}`
  }
  if (r.action === Action.JOIN && (r.invite === null) !== (r.inviteSig === null)) return 'invite and inviteSig must be both set or both null'
  return undefined
}

/** The bytes a signer signs: the canonical record without `sig`. */
export function signedBytesOf (record: RecordBody): Uint8Array {
  const { sig: _sig, ...body } = record
  return encodeCanonical(body)
}

// Canonical key order is by length, then bytes: every record starts t, v, ts, sig (no action field
// has a key shorter than 4 characters), so the sig pair sits at a fixed place after ts.
const WIRE_PREFIX = [0x61, 0x74, 0x64, 0x61, 0x75, 0x74, 0x68, 0x61, 0x76, 0x01, 0x62, 0x74, 0x73] // "t":"auth" "v":1 "ts"
const SIG_PAIR = [0x63, 0x73, 0x69, 0x67, 0x58, 0x40] // "sig": bytes(64)

/**
 * {@link signedBytesOf} for canonical wire bytes, by cutting the sig pair out instead of
 * re-encoding: one CBOR encode less per entry on the replay's hot path. Returns the same bytes as
 * signedBytesOf(decoded), and falls back to it when the layout is not the expected one.
 */
export function signedBytesOfWire (bytes: Uint8Array, record: RecordBody): Uint8Array {
  const header = bytes[0]!
  const tsAt = 1 + WIRE_PREFIX.length
  if (header < 0xa2 || header > 0xb7 || WIRE_PREFIX.some((b, i) => bytes[1 + i] !== b)) return signedBytesOf(record)
  const tsHead = bytes[tsAt]!
  const tsLength = tsHead < 0x18 ? 1 : tsHead <= 0x1b ? 1 + 2 ** (tsHead - 0x18) : -1
  const sigAt = tsAt + tsLength
  if (tsLength < 0 || SIG_PAIR.some((b, i) => bytes[sigAt + i] !== b)) return signedBytesOf(record)
  const out = new Uint8Array(bytes.length - SIG_PAIR.length - SIGNATURE_BYTES)
  out[0] = header - 1
  out.set(bytes.subarray(1, sigAt), 1)
  out.set(bytes.subarray(sigAt + SIG_PAIR.length + SIGNATURE_BYTES), sigAt)
  return out
}

const hexOf = (k: unknown): AuthorId => authorIdOf(k as Uint8Array)
const linkOf = (c: unknown): string => (c as CID).toString()

/** The in-memory view of a record that passed {@link recordProblem}. */
export function entryOf (hash: EntryHash, r: Record<string, unknown>): AuthorityEntry {
  const header: EntryHeader = {
    hash,
    room: asRoomId(r.room as string),
    signer: hexOf(r.signer),
    signerKey: r.signer as Uint8Array,
    lamport: r.lamport as number,
    ts: r.ts as number,
    prev: (r.prev as CID[]).map((c) => asEntryHash(c.toString()))
  }
  const body = { ...r } as Record<string, unknown>
  for (const key of COMMON_KEYS) delete body[key]
  if ('target' in body) body.target = hexOf(body.target)
  if ('channel' in body) body.channel = asChannelId(linkOf(body.channel))
  if ('message' in body) body.message = asEntryHash(linkOf(body.message))
  if ('invite' in body && body.invite !== null) body.invite = hexOf(body.invite)
  return { ...header, action: r.action, ...body } as AuthorityEntry
}

/** The wire form of action fields given in memory: keys to bytes, links to CIDs. */
export function recordFieldsOf (body: ActionBody): RecordBody {
  const fields: RecordBody = { ...body }
  const toKey = (id: string): Uint8Array => hexToBytes(id)
  if ('target' in body) fields.target = toKey(body.target)
  if ('channel' in body) fields.channel = CID.parse(body.channel)
  if ('message' in body) fields.message = CID.parse(body.message)
  if ('invite' in body && body.invite !== null) fields.invite = toKey(body.invite)
  return fields
}
