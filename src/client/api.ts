import type { FileInit } from '../core/blob/chunking.ts'
import type { FileManifest } from '../core/blob/manifest.ts'
import type { AuthorId, ChannelId, EntryHash, RoomId } from '../core/types.ts'

/**
 * The one surface the UI reads: everything a screen shows comes from these snapshots, and every
 * change is announced by {@link ClientEvents}. Snapshots are immutable; a change produces a new
 * object, so React's useSyncExternalStore can compare by identity.
 *
 * Implemented in src/client (composing core, storage and network); the UI imports only this file
 * and the client factory.
 */
export interface PeerClient {
  /** Opens storage, restores the identity and rooms, starts the network; safe to call twice. */
  start (): Promise<void>
  stop (): Promise<void>

  readonly events: ClientEvents

  identity (): IdentitySnapshot | undefined
  createIdentity (init: { name: string, avatar?: AvatarInit }): Promise<IdentitySnapshot>
  updateProfile (init: { name?: string, avatar?: AvatarInit | null }): Promise<void>
  /** A passphrase-encrypted backup of the identity key, as text to save or copy. */
  exportBackup (passphrase: string): Promise<string>
  /** Restores an identity from a backup; throws a named error on a wrong passphrase or a damaged backup. */
  importBackup (backup: string, passphrase: string): Promise<IdentitySnapshot>
  /** The newest valid signed profile known for an author (undefined until one arrives). */
  profile (author: AuthorId): ProfileSnapshot | undefined

  rooms (): readonly RoomSummary[]
  createRoom (init: CreateRoomInit): Promise<RoomId>
  /** Accepts an https invite link or its magnet form; throws InvalidLinkError with a clear message. */
  joinByLink (link: string, signal?: AbortSignal): Promise<RoomId>
  /**
   * What an invite link names, without joining: the room and its name hint, or, for anything that is
   * not a valid invite, the parser's reason (for logs; the UI words it for people).
   */
  describeLink (link: string): LinkDescription
  leaveRoom (room: RoomId): Promise<void>
  room (room: RoomId): RoomClient | undefined

  connectivity (): ConnectivitySnapshot
}

export type LinkDescription =
  | { readonly ok: true, readonly room: RoomId, readonly name?: string }
  | { readonly ok: false, readonly problem: string }
/** The IndexedDB database the browser client stores everything in; the search worker reads it too. */
export const CLIENT_DATABASE = 'peer-rooms'

export interface AvatarInit { readonly bytes: Uint8Array, readonly mime: string }

export interface IdentitySnapshot {
  readonly id: AuthorId
  /** Short human-comparable fingerprint of the public key. */
  readonly fingerprint: string
  readonly name: string
  readonly avatarUrl?: string
}

export interface ProfileSnapshot {
  readonly author: AuthorId
  readonly name: string
  readonly avatarUrl?: string
  readonly updatedAt: number
}

export const RoomPolicy = { Open: 'open', InviteOnly: 'invite-only' } as const
export type RoomPolicy = typeof RoomPolicy[keyof typeof RoomPolicy]

export interface CreateRoomInit {
  readonly name: string
  readonly description?: string
  readonly tags?: readonly string[]
  readonly policy: RoomPolicy
  /** Names of the first channels; defaults to ['general']. */
  readonly channels?: readonly string[]
}

export interface RoomSummary {
  readonly id: RoomId
  readonly name: string
  readonly unread: number
  readonly mentions: number
}

/** Capability names the UI gates actions on (the core enforces them anyway). */
export const Capability = {
  Post: 'post',
  Ban: 'ban',
  Delete: 'delete',
  Invite: 'invite',
  Pin: 'pin',
  Mute: 'mute',
  ManageRoles: 'manage-roles',
  ManageChannels: 'manage-channels',
  SetPolicy: 'set-policy'
} as const
export type Capability = typeof Capability[keyof typeof Capability]

export interface RoomSnapshot {
  readonly id: RoomId
  /** The room's name; before its log arrives, the name its invite link gave (may be ''). */
  readonly name: string
  /** False until the room's genesis has arrived from a peer: a joined link nobody has served yet. */
  readonly found: boolean
  readonly description: string
  readonly tags: readonly string[]
  readonly policy: RoomPolicy
  readonly channels: readonly ChannelSnapshot[]
  readonly members: readonly MemberSnapshot[]
  readonly roles: readonly RoleSnapshot[]
  readonly bans: readonly BanSnapshot[]
  readonly invites: readonly InviteSnapshot[]
  /** What the local user may do here, from the replayed authority log. */
  readonly myCapabilities: ReadonlySet<Capability>
  /** False while authority entries wait for missing parents: the UI says so. */
  readonly complete: boolean
  /** Entries refused by validation, with reasons: moderators see them. */
  readonly rejected: readonly RejectedSnapshot[]
  /** Authors caught signing two different entries at one position. */
  readonly forkedAuthors: readonly AuthorId[]
}

export interface ChannelSnapshot {
  readonly id: ChannelId
  readonly name: string
  readonly topic: string
  readonly archived: boolean
  readonly unread: number
  readonly mentions: number
}

export interface MemberSnapshot {
  readonly id: AuthorId
  readonly name: string
  readonly role: string
  readonly rank: number
  readonly online: boolean
  readonly banned: boolean
}

export interface RoleSnapshot {
  readonly name: string
  readonly capabilities: readonly Capability[]
  readonly rank: number
  readonly builtin: boolean
}

export interface BanSnapshot { readonly target: AuthorId, readonly reason: string, readonly by: AuthorId, readonly at: number }
export interface InviteSnapshot { readonly id: string, readonly role: string, readonly expiresAt: number, readonly maxUses: number, readonly uses: number }
export interface RejectedSnapshot { readonly author: AuthorId, readonly reason: string, readonly detail: string, readonly at: number }

export interface MessageSnapshot {
  readonly hash: EntryHash
  readonly channel: ChannelId
  readonly author: AuthorId
  readonly seq: number
  readonly lamport: number
  /** The author's clock when written: shown, never used for order. */
  readonly sentAt: number
  readonly type: string
  /** Text after the author's latest edit; undefined for unsupported types and deleted messages. */
  readonly text?: string
  readonly edited: boolean
  readonly deleted: boolean
  readonly pinned: boolean
  readonly replyTo?: EntryHash
  readonly mentions: readonly AuthorId[]
  readonly reactions: readonly ReactionSnapshot[]
  /** Arrived after later messages were already shown (backfilled by sync): the UI marks it. */
  readonly late: boolean
  /** False for types this client does not understand: shown as unsupported, never hidden. */
  readonly supported: boolean
  /** For own messages: how many peers it reached (GossipSub recipients or sync). */
  readonly reachedPeers?: number
  /** A shared file's manifest (type `chat/file`): its bytes come through RoomClient.attachment. */
  readonly file?: FileManifest
}

/** How much of a shared file is stored here. */
export interface AttachmentSnapshot {
  readonly have: number
  readonly total: number
  readonly complete: boolean
  readonly thumbReady: boolean
  readonly fetching: boolean
}

export interface ReactionSnapshot { readonly emoji: string, readonly by: readonly AuthorId[] }

/** A window onto a channel's timeline, in display order (lamport, author, seq). */
export interface TimelineSnapshot {
  readonly channel: ChannelId
  /** Total messages stored for the channel: the list is virtualised over this. */
  readonly total: number
  /** Index (in display order) of the first entry of `messages`. */
  readonly offset: number
  readonly messages: readonly MessageSnapshot[]
}

export interface RoomClient {
  readonly id: RoomId
  snapshot (): RoomSnapshot
  /** Loads (if needed) and returns the window [offset, offset + limit) of the channel's timeline. */
  timeline (channel: ChannelId, window: { offset: number, limit: number }): Promise<TimelineSnapshot>
  /** One stored message as the timeline shows it (with ACL-checked pins); undefined if it is not a message of that channel. */
  message (channel: ChannelId, hash: EntryHash): Promise<MessageSnapshot | undefined>
  /** Where a stored message sits in the channel's display order, to open the history at it. */
  locate (channel: ChannelId, hash: EntryHash): Promise<number | undefined>
  /** Marks a channel read up to its newest message (clears unread and mentions). */
  markRead (channel: ChannelId): void

  send (channel: ChannelId, text: string, options?: { replyTo?: EntryHash, mentions?: readonly AuthorId[] }): Promise<EntryHash>
  /** Shares a file (chunked, stored as the user's); throws FileTooLargeError over the room's cap. */
  sendFile (channel: ChannelId, file: FileInit): Promise<EntryHash>
  /** The largest file this room takes. */
  maxFileBytes (): number
  /** How much of a message's file is here; starts fetching what is missing. Changes come as `blob` events. */
  attachment (message: MessageSnapshot): AttachmentSnapshot | undefined
  /** A message's thumbnail or whole file; throws BlobIncompleteError before it is all here. */
  attachmentBlob (message: MessageSnapshot, part: 'thumb' | 'file'): Promise<Blob>
  edit (channel: ChannelId, target: EntryHash, text: string): Promise<void>
  delete (channel: ChannelId, target: EntryHash): Promise<void>
  react (channel: ChannelId, target: EntryHash, emoji: string, on: boolean): Promise<void>
  pin (channel: ChannelId, target: EntryHash, on: boolean): Promise<void>
  /** Announces that the user is typing (ephemeral, rate-limited inside). */
  typing (channel: ChannelId): void
  typers (channel: ChannelId): readonly AuthorId[]

  createChannel (name: string, topic?: string): Promise<ChannelId>
  renameChannel (channel: ChannelId, name: string): Promise<void>
  archiveChannel (channel: ChannelId, archived: boolean): Promise<void>
  grant (target: AuthorId, role: string): Promise<void>
  revoke (target: AuthorId): Promise<void>
  ban (target: AuthorId, reason: string): Promise<void>
  unban (target: AuthorId): Promise<void>
  defineRole (name: string, capabilities: readonly Capability[]): Promise<void>
  setPolicy (policy: RoomPolicy): Promise<void>
  updateRoom (init: { description?: string, tags?: readonly string[] }): Promise<void>
  /** Creates an invite and returns its https link (the magnet form is derivable from it). */
  createInvite (init: { role?: string, expiresInMs: number, maxUses: number }): Promise<{ link: string, magnet: string }>
  /** A plain link for open rooms. */
  shareLink (): { link: string, magnet: string }

  peers (): readonly PeerSnapshot[]
  sync (): SyncProgressSnapshot
}

/** How a link reaches a peer: directly (WebRTC or WebSocket), through a TURN server, or over a relayed circuit. */
export type LinkPath = 'direct' | 'turn' | 'relayed'

export interface PeerSnapshot {
  readonly peerId: string
  readonly author?: AuthorId
  readonly direct: boolean
  /** How our link reaches it: direct, through a TURN server, or relayed by another peer. */
  readonly link: LinkPath
  /** The relay's peer id, on a relayed link. */
  readonly via?: string
  readonly rttMs?: number
}

export interface SyncProgressSnapshot {
  readonly active: boolean
  readonly received: number
  readonly expected: number
}

/** Distinct states users of other P2P chats cannot tell apart: we name each one. */
export const NetworkState = {
  Starting: 'starting',
  /** The browser reports no network at all. */
  Offline: 'offline',
  /** Online, but no bootstrap/relay node answers and no cached peer either. */
  BootstrapUnreachable: 'bootstrap-unreachable',
  /** Connected to the network, but nobody else is in this room right now. */
  NoPeers: 'no-peers',
  Connected: 'connected'
} as const
export type NetworkState = typeof NetworkState[keyof typeof NetworkState]

export interface ConnectivitySnapshot {
  readonly state: NetworkState
  readonly peerId?: string
  readonly relays: readonly { readonly address: string, readonly connected: boolean }[]
  readonly dht: { readonly routingTableSize: number, readonly mode: 'client' | 'server' }
  readonly connections: number
  readonly lastError?: string
}

export type ClientEventMap = {
  identity: undefined
  rooms: undefined
  room: { room: RoomId }
  /** New, changed or late messages in a channel. */
  timeline: { room: RoomId, channel: ChannelId }
  typing: { room: RoomId, channel: ChannelId }
  /** More (or less) of a message's shared file is stored. */
  blob: { room: RoomId, message: EntryHash }
  connectivity: undefined
  sync: { room: RoomId }
  peers: { room: RoomId }
  profile: { author: AuthorId }
  /**
   * A message that mentions the user or arrives live in a channel not being viewed. `message` builds
   * its snapshot on call: most listeners (a visible tab) show a badge and never need it.
   */
  notify: { room: RoomId, channel: ChannelId, message: () => MessageSnapshot | undefined, mention: boolean }
}

export interface ClientEvents {
  on<K extends keyof ClientEventMap> (type: K, listener: (detail: ClientEventMap[K]) => void): () => void
}
