import { buildEntry } from '../core/authority/build.ts'
import { CapabilityName } from '../core/authority/capabilities.ts'
import type { Frontier } from '../core/authority/entry.ts'
import type { FeedEnvelope } from '../core/feed/entry.ts'
import { FILE_TYPE } from '../core/blob/manifest.ts'
import type { Signer } from '../core/identity/ed25519.ts'
import { type ChatPayload, encodeChatPayload } from '../core/messages/payloads.ts'
import { formatInviteLink, formatMagnetLink } from '../core/room/invite-link.ts'
import type { Storage, StoredFeedEntry } from '../core/storage.ts'
import { type AuthorId, type ChannelId, type EntryHash, asChannelId } from '../core/types.ts'
import type { Capability, PeerSnapshot, RejectedSnapshot, RoomClient, RoomSnapshot, RoomSummary, SyncProgressSnapshot } from './api.ts'
import { type ChannelView, createChannelView } from './channel-view.ts'
import { createDeliveryTracker } from './delivery.ts'
import type { ClientEventHub } from './events.ts'
import { type ReadState, createReadState } from './read-state.ts'
import type { RoomBlobs } from './room-blobs.ts'
import type { RoomModel } from './room-model.ts'
import { TYPING_SEND_INTERVAL_MS, createTypingTracker } from './typing.ts'

/** What a room needs from the network while one is attached; absent offline. */
export interface RoomNetwork {
  publishFeed (envelope: FeedEnvelope): Promise<number>
  publishAuthority (bytes: Uint8Array): Promise<number>
  /** Announces presence (with a channel: typing there). */
  publishPresence (channel?: ChannelId): Promise<void>
  peers (): readonly PeerSnapshot[]
  sync (): SyncProgressSnapshot
}

export interface RoomClientComponents {
  readonly storage: Storage
  readonly events: ClientEventHub
  readonly model: RoomModel
  readonly signer: () => Signer | undefined
  readonly displayName: (author: AuthorId) => string
  /** Origin of invite links, and relay addresses to put in them as hints. */
  readonly linkOrigin: string
  readonly bootstrapHints: () => readonly string[]
  /** The room's name from the invite link, until its log names it. */
  readonly nameHint?: string
  /** The room's shared files; without it the room cannot send files (received ones show as cards without bytes). */
  readonly blobs?: RoomBlobs
}

/** The RoomClient plus what the PeerClient drives: start, network attach, presence, summaries. */
export interface RoomHandle extends RoomClient {
  start (): Promise<void>
  stop (): void
  attach (network: RoomNetwork | undefined): void
  summary (): RoomSummary
  /** A signed presence notice arrived (typing when it names a channel). */
  presence (author: AuthorId, peer: string, channel?: ChannelId): void
  /** Our connection to `peer` closed: an author whose only known peer it was is offline now. */
  peerLeft (peer: string): void
  /** Peers or sync progress changed: snapshots must be rebuilt. */
  changed (): void
  authorOfPeer (peer: string): AuthorId | undefined
  /** The peers whose presence said they are a member's, of the members seen online. */
  onlinePeers (): string[]
  /** `peer` holds `author`'s feed in `channel` up to `seq` (its sync Hello, or what we served it). */
  peerHolds (peer: string, channel: ChannelId, author: AuthorId, seq: number): void
}

const NAMES = Object.keys(CapabilityName) as Array<keyof typeof CapabilityName>
const ONLINE_MS = 90_000
const MAX_REJECTED_SHOWN = 200
/** Batches up to this many rows are live traffic; larger ones come from history sync. */
const LIVE_BATCH = 5

/** Whether `needle` occurs in `haystack`: a cheap test before decoding a payload for mentions (they hold raw keys). */
function includesBytes (haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0]
  outer: for (let i = haystack.indexOf(first!); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(first!, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

/**
 * A room as the UI sees it, composed over the room model (ACL + feed ingest), a timeline view per
 * channel and the network when attached. Authoring: build + sign through the core, store locally
 * first (the message shows at once and survives a reload), then publish; recipients become the
 * message's delivery indicator, which rises as peers are seen holding it by sync (delivery.ts).
 */
export function createRoomClient (components: RoomClientComponents): RoomHandle {
  const { storage, events, model } = components
  const room = model.room
  const views = new Map<ChannelId, ChannelView>()
  const totals = new Map<ChannelId, number>()
  const delivery = createDeliveryTracker()
  const feedRejected: RejectedSnapshot[] = []
  const forked = new Set<AuthorId>()
  const lastSeen = new Map<AuthorId, number>()
  const peerAuthors = new Map<string, AuthorId>()
  const lastTypingSent = new Map<ChannelId, number>()
  const read: ReadState = createReadState(storage.meta, room)
  const typing = createTypingTracker({ onChange: (channel) => { events.emit('typing', { room, channel }) } })
  let network: RoomNetwork | undefined
  let snapshot: RoomSnapshot | undefined
  let viewing: ChannelId | undefined
  let peers: readonly PeerSnapshot[] | undefined
  let progress: SyncProgressSnapshot | undefined
  const unsubscribe: Array<() => void> = []

  const me = (): Signer | undefined => components.signer()
  const changed = (): void => {
    snapshot = undefined
    peers = undefined
    progress = undefined
    events.emit('room', { room })
    events.emit('rooms', undefined)
  }

  const viewOf = (channel: ChannelId): ChannelView => {
    let v = views.get(channel)
    if (v == null) {
      v = createChannelView({ feeds: storage.feeds, meta: storage.meta, acl: model.log }, { room, channel, reached: (h) => delivery.reached(h) })
      views.set(channel, v)
    }
    return v
  }

  const ensureChannels = async (): Promise<void> => {
    for (const c of model.log.channels()) {
      if (views.has(c.id)) continue
      const v = viewOf(c.id)
      await v.load()
      totals.set(c.id, await v.total())
    }
  }

  const onFeed = async (entries: readonly StoredFeedEntry[]): Promise<void> => {
    const byChannel = new Map<ChannelId, StoredFeedEntry[]>()
    for (const e of entries) {
      const list = byChannel.get(e.channel)
      if (list == null) byChannel.set(e.channel, [e])
      else list.push(e)
    }
    const myId = me()?.id
    const myKey = me()?.publicKey
    for (const [channel, list] of byChannel) {
      const view = viewOf(channel)
      const rows = await view.accepted(list)
      totals.set(channel, await view.total())
      // One batch of a history sync must not raise a notification per message: only live ones
      // (small batches) notify, while mentions are counted whatever the path.
      const live = rows.length <= LIVE_BATCH
      for (const { entry } of rows) {
        typing.clear(channel, entry.author)
        if (entry.author === myId || myKey == null) continue
        const mayMention = entry.payload != null && includesBytes(entry.payload, myKey)
        if (!live && !mayMention) continue
        // Folding the message costs a payload decode per live message: only a possible mention needs it now.
        const folded = mayMention ? view.messageOf(entry) : undefined
        if (mayMention && folded == null) continue
        const mention = myId != null && folded?.mentions.includes(myId) === true
        if (mention) await read.mentioned(channel)
        if (mention || (live && channel !== viewing)) events.emit('notify', { room, channel, message: () => folded ?? view.messageOf(entry), mention })
      }
      events.emit('timeline', { room, channel })
    }
    changed()
  }

  const frontierOf = async (target: AuthorId): Promise<Frontier> => {
    const frontier: Record<string, number> = {}
    for (const c of model.log.channels()) {
      const head = (await storage.feeds.heads(c.id)).find((h) => h.author === target)
      if (head != null) frontier[c.id] = head.seq
    }
    return frontier
  }

  const authority = async (build: Parameters<RoomModel['authorAuthority']>[0]): Promise<EntryHash> => {
    const entry = await model.authorAuthority(build)
    await ensureChannels()
    changed()
    void network?.publishAuthority(entry.bytes).catch(() => 0)
    return entry.hash
  }

  const post = (channel: ChannelId, payload: ChatPayload): Promise<EntryHash> => postEncoded(channel, payload.type, encodeChatPayload(payload))
  const postEncoded = async (channel: ChannelId, type: string, bytes: Uint8Array): Promise<EntryHash> => {
    const appended = await model.append(channel, type, bytes)
    const hash = appended.stored.hash
    if (network != null) {
      // Published while our own copy is still being written (the journal makes that safe).
      const recipients = await network.publishFeed(appended.envelope).catch(() => 0)
      delivery.sent(hash, channel, appended.stored.seq, recipients)
      viewOf(channel).invalidate()
      events.emit('timeline', { room, channel })
    }
    await appended.committed
    return hash
  }

  const buildSnapshot = (): RoomSnapshot => {
    const log = model.log
    const info = log.info()
    const myId = me()?.id
    const now = Date.now()
    const entryTs = new Map(log.entries().map((e) => [e.hash, e.entry.ts]))
    const bans = log.bans()
    const bannedIds = new Set(bans.map((b) => b.target))
    const online = (id: AuthorId): boolean => id === myId || now - (lastSeen.get(id) ?? -Infinity) < ONLINE_MS
    const members = log.members().map((m) => ({ id: m.id, name: components.displayName(m.id), role: m.role, rank: m.rank, online: online(m.id), banned: false }))
    for (const b of bans) if (!members.some((m) => m.id === b.target)) members.push({ id: b.target, name: components.displayName(b.target), role: 'banned', rank: 0, online: online(b.target), banned: true })
    return {
      id: room,
      name: info.name !== '' ? info.name : components.nameHint ?? '',
      found: info.genesis != null,
      description: info.description,
      tags: info.tags,
      policy: info.policy,
      channels: log.channels().map((c) => ({
        id: c.id,
        name: c.name,
        topic: c.topic,
        archived: c.archived,
        unread: read.unread(c.id, totals.get(c.id) ?? 0),
        mentions: read.mentions(c.id)
      })),
      members: members.map((m) => ({ ...m, banned: bannedIds.has(m.id) })),
      roles: log.roles().map((r) => ({ name: r.name, capabilities: NAMES.filter((n) => (r.capabilities & CapabilityName[n]) !== 0 && n !== 'manage-room') as Capability[], rank: r.rank, builtin: r.builtin })),
      bans: bans.map((b) => ({ target: b.target, reason: b.reason, by: b.by, at: entryTs.get(b.entry) ?? 0 })),
      invites: log.invites().filter((i) => !i.revoked).map((i) => ({ id: i.key, role: i.role, expiresAt: i.expiresAt ?? 0, maxUses: i.maxUses ?? 0, uses: i.maxUses == null || i.remainingUses == null ? 0 : i.maxUses - i.remainingUses })),
      myCapabilities: new Set(myId == null ? [] : NAMES.filter((n) => n !== 'manage-room' && log.can(myId, n)) as Capability[]),
      complete: log.complete,
      rejected: [...log.rejected().map((r) => ({ author: r.signer, reason: r.reason, detail: `${r.action}: ${r.detail}`, at: entryTs.get(r.hash) ?? 0 })), ...feedRejected],
      forkedAuthors: [...forked]
    }
  }

  const linkFor = (secret: Uint8Array | null): { link: string, magnet: string } => {
    const link = { room, secret, bootstrap: components.bootstrapHints().slice(0, 4), name: model.log.info().name || null }
    return { link: formatInviteLink(link, components.linkOrigin), magnet: formatMagnetLink(link) }
  }

  const handle: RoomHandle = {
    id: room,
    async start () {
      await model.load()
      await read.load()
      await ensureChannels()
      for (const proof of await storage.feeds.forkProofs(room)) forked.add(proof.author)
      unsubscribe.push(
        events.on('peers', (d) => { if (d.room === room) peers = undefined }),
        // A connection that opened or closed changes who we gossip with before any presence says so.
        events.on('connectivity', () => { peers = undefined }),
        // A sync under way means a peer of the room is there, perhaps before any presence or graft says so.
        events.on('sync', (d) => { if (d.room === room) { progress = undefined; peers = undefined } }),
        model.onFeed((entries) => { void onFeed(entries).catch((err: unknown) => { console.error('timeline update failed', err) }) }),
        // a row already shown got its payload: its windows are read again from storage
        model.onFilled((entries) => {
          for (const channel of new Set(entries.map((e) => e.channel))) {
            views.get(channel)?.invalidate()
            events.emit('timeline', { room, channel })
          }
        }),
        model.onFeed((entries) => { void components.blobs?.accepted(entries).catch((err: unknown) => { console.error('file bookkeeping failed', err) }) }),
        model.onAuthority(() => {
          for (const v of views.values()) v.invalidate()
          void ensureChannels().then(() => {
            changed()
            for (const c of model.log.channels()) events.emit('timeline', { room, channel: c.id })
          })
        }),
        model.onRejected((rejections) => {
          for (const r of rejections) {
            if (!('author' in r) || r.author == null) continue
            feedRejected.push({ author: r.author, reason: r.reason, detail: r.detail, at: Date.now() })
          }
          feedRejected.splice(0, Math.max(0, feedRejected.length - MAX_REJECTED_SHOWN))
          changed()
        }),
        model.feed.on('forks', (proofs) => { for (const p of proofs) forked.add(p.author); changed() })
      )
    },
    stop () {
      for (const u of unsubscribe.splice(0)) u()
      typing.stop()
    },
    attach (net) {
      network = net
      changed()
    },
    summary () {
      const s = handle.snapshot()
      return { id: room, name: s.name, unread: s.channels.reduce((n, c) => n + c.unread, 0), mentions: s.channels.reduce((n, c) => n + c.mentions, 0) }
    },
    presence (author, peer, channel) {
      const first = !lastSeen.has(author)
      lastSeen.set(author, Date.now())
      peerAuthors.set(peer, author)
      if (channel != null && author !== me()?.id) typing.note(channel, author)
      if (first) changed()
    },
    peerLeft (peer) {
      const author = peerAuthors.get(peer)
      if (author == null) return
      peerAuthors.delete(peer)
      // Another tab or device of the author still announced is still online.
      if ([...peerAuthors.values()].includes(author)) return
      lastSeen.delete(author)
      changed()
    },
    changed,
    authorOfPeer: (peer) => peerAuthors.get(peer),
    onlinePeers () {
      const now = Date.now()
      return [...peerAuthors].filter(([, author]) => now - (lastSeen.get(author) ?? -Infinity) < ONLINE_MS).map(([peer]) => peer)
    },
    peerHolds (peer, channel, author, seq) {
      if (author !== me()?.id || !delivery.peerHolds(peer, channel, seq)) return
      viewOf(channel).invalidate()
      events.emit('timeline', { room, channel })
    },

    snapshot () {
      snapshot ??= buildSnapshot()
      return snapshot
    },
    async timeline (channel, window) {
      viewing = channel
      return viewOf(channel).timeline(window.offset, window.limit)
    },
    message: (channel, hash) => viewOf(channel).message(hash),
    locate: (channel, hash) => viewOf(channel).locate(hash),
    markRead (channel) {
      void read.markRead(channel, totals.get(channel) ?? 0).then(changed)
    },
    send: (channel, text, options) => post(channel, { type: 'chat/text', text, ...(options?.replyTo != null ? { replyTo: options.replyTo } : {}), mentions: options?.mentions ?? [] }),
    async sendFile (channel, file) {
      const blobs = components.blobs
      if (blobs == null) throw new Error('this client cannot share files')
      return postEncoded(channel, FILE_TYPE, await blobs.prepare(file))
    },
    maxFileBytes: () => components.blobs?.maxFileBytes ?? 0,
    attachment: (m) => m.file == null ? undefined : components.blobs?.attachment(m.hash, m.file),
    async attachmentBlob (m, part) {
      if (m.file == null || components.blobs == null) throw new Error('this message has no file')
      return components.blobs.read(m.hash, m.file, part)
    },
    async edit (channel, target, text) { await post(channel, { type: 'chat/edit', target, text }) },
    async delete (channel, target) { await post(channel, { type: 'chat/delete', target }) },
    async react (channel, target, emoji, on) { await post(channel, { type: 'chat/reaction', target, emoji, on }) },
    async pin (channel, target, on) { await post(channel, { type: 'chat/pin', target, on }) },
    typing (channel) {
      const now = Date.now()
      if (now - (lastTypingSent.get(channel) ?? 0) < TYPING_SEND_INTERVAL_MS) return
      lastTypingSent.set(channel, now)
      void network?.publishPresence(channel).catch(() => undefined)
    },
    typers: (channel) => typing.typers(channel),

    createChannel: async (name, topic) => asChannelId(await authority((init) => buildEntry.channelCreate(init, { name, ...(topic != null ? { topic } : {}) }))),
    async renameChannel (channel, name) {
      const topic = model.log.channels().find((c) => c.id === channel)?.topic ?? ''
      await authority((init) => buildEntry.channelRename(init, { channel, name, topic }))
    },
    async archiveChannel (channel, archived) {
      const frontier = Object.fromEntries((await storage.feeds.heads(channel)).map((h) => [h.author, h.seq]))
      await authority((init) => buildEntry.channelArchive(init, { channel, archived, frontier }))
    },
    async grant (target, role) { await authority((init) => buildEntry.grant(init, { target, role })) },
    async revoke (target) {
      const frontier = await frontierOf(target)
      await authority((init) => buildEntry.revoke(init, { target, frontier }))
    },
    async ban (target, reason) {
      const frontier = await frontierOf(target)
      await authority((init) => buildEntry.ban(init, { target, reason, frontier }))
    },
    async unban (target) { await authority((init) => buildEntry.unban(init, { target })) },
    async defineRole (name, capabilities) {
      const bits = capabilities.reduce((all, c) => all | (CapabilityName[c as keyof typeof CapabilityName] ?? 0), 0)
      const existing = model.log.roles().find((r) => r.name === name)
      await authority((init) => buildEntry.defineRole(init, { name, capabilities: bits, rank: existing?.rank ?? 300 }))
    },
    async setPolicy (policy) { await authority((init) => buildEntry.setPolicy(init, { policy })) },
    async updateRoom (init) {
      const info = model.log.info()
      await authority((b) => buildEntry.roomUpdate(b, { name: info.name, description: init.description ?? info.description, tags: init.tags ?? info.tags }))
    },
    async createInvite (init) {
      const secret = crypto.getRandomValues(new Uint8Array(32))
      await authority((b) => buildEntry.inviteCreate(b, { secret, role: init.role ?? 'member', expiresAt: Date.now() + init.expiresInMs, maxUses: init.maxUses }))
      return linkFor(secret)
    },
    shareLink: () => linkFor(null),
    peers () {
      peers ??= network?.peers() ?? []
      return peers
    },
    sync () {
      progress ??= network?.sync() ?? { active: false, received: 0, expected: 0 }
      return progress
    }
  }
  return handle
}
