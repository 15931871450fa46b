import { encodeCanonical } from '../codec/canonical.ts'
import type { RejectReason } from '../result.ts'
import type { AuthorId, ChannelId, EntryHash, RoomId } from '../types.ts'
import { BUILTIN_ROLES, type RoleDefinition } from './capabilities.ts'
import type { Action, Frontier, Policy } from './entry.ts'

/** A member and the role it holds. */
export interface MemberState {
  readonly id: AuthorId
  role: string
  /** The GRANT or JOIN (or genesis) that gave the current role. */
  since: EntryHash
  /** Cut-off of the member's feeds (channel -> seq) for a role that cannot post, from its GRANT. */
  frontier: Frontier
}

export interface BanState {
  readonly target: AuthorId
  readonly reason: string
  /** The target's feed entries at or below this seq (per channel) stay valid; later ones are rejected. */
  readonly frontier: Frontier
  readonly by: AuthorId
  readonly entry: EntryHash
}

export interface ChannelState {
  readonly id: ChannelId
  name: string
  topic: string
  archived: boolean
  /** While archived: each author's entries at or below this seq stay valid. */
  archiveFrontier: Frontier
  /** Display order, 0 first: creation order (genesis channels as listed) until CHANNEL_MOVE. */
  position: number
  /** Pinned feed entries, in the order they were pinned. */
  pins: EntryHash[]
}

export interface InviteState {
  /** Hex of the invite public key; its secret key travels only in the invite link. */
  readonly key: AuthorId
  readonly role: string
  readonly expiresAt: number | null
  readonly maxUses: number | null
  uses: number
  revoked: boolean
  readonly createdBy: AuthorId
  readonly entry: EntryHash
}

/** An entry the replay refused, kept so moderators can see what was tried and why it failed. */
export interface Rejection {
  readonly hash: EntryHash
  readonly signer: AuthorId
  readonly action: Action
  readonly lamport: number
  readonly reason: RejectReason
  readonly detail: string
}

/**
 * The room's ACL as replayed from its authority log. The replay owns and mutates one draft; the
 * outside world sees it through {@link AuthorityLog}'s read-only accessors.
 */
export interface AclState {
  readonly room: RoomId
  genesis: EntryHash | null
  creator: AuthorId | null
  name: string
  description: string
  tags: readonly string[]
  policy: Policy
  readonly roles: Map<string, RoleDefinition>
  readonly members: Map<AuthorId, MemberState>
  readonly bans: Map<AuthorId, BanState>
  /** Keys that held a role and lost it (REVOKE, or UNBAN of a member): their feeds stay valid up to here. */
  readonly departed: Map<AuthorId, Frontier>
  readonly channels: Map<ChannelId, ChannelState>
  readonly invites: Map<AuthorId, InviteState>
  readonly rejected: Map<EntryHash, Rejection>
}

/** The state before genesis: only the built-in roles. */
export function emptyState (room: RoomId): AclState {
  return {
    room,
    genesis: null,
    creator: null,
    name: '',
    description: '',
    tags: [],
    policy: 'invite-only',
    roles: new Map(BUILTIN_ROLES.map((r) => [r.name, r])),
    members: new Map(),
    bans: new Map(),
    departed: new Map(),
    channels: new Map(),
    invites: new Map(),
    rejected: new Map()
  }
}

/** A deep copy of the parts transforms mutate; immutable records (roles, bans, rejections) are shared. */
export function cloneState (s: AclState): AclState {
  return {
    ...s,
    roles: new Map(s.roles),
    members: new Map([...s.members].map(([k, m]) => [k, { ...m }])),
    bans: new Map(s.bans),
    departed: new Map(s.departed),
    channels: new Map([...s.channels].map(([k, c]) => [k, { ...c, pins: [...c.pins] }])),
    invites: new Map([...s.invites].map(([k, i]) => [k, { ...i }])),
    rejected: new Map(s.rejected)
  }
}

const sortedValues = <K extends string, V>(m: ReadonlyMap<K, V>): V[] => [...m.keys()].sort().map((k) => m.get(k)!)

/**
 * The canonical bytes of a state: every map as a list sorted by key, through the one canonical
 * encoder. Two peers holding the same entries hold byte-identical states; the tests compare these.
 */
export function encodeAclState (state: AclState): Uint8Array {
  return encodeCanonical({
    room: state.room,
    genesis: state.genesis,
    creator: state.creator,
    name: state.name,
    description: state.description,
    tags: state.tags,
    policy: state.policy,
    roles: sortedValues(state.roles),
    members: sortedValues(state.members),
    bans: sortedValues(state.bans),
    departed: [...state.departed.keys()].sort().map((k) => [k, state.departed.get(k)]),
    channels: sortedValues(state.channels),
    invites: sortedValues(state.invites),
    // reasons are protocol codes; details are prose for people and may differ between implementations
    rejected: sortedValues(state.rejected).map((r) => [r.hash, r.reason])
  })
}
