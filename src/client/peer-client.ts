import { buildEntry } from '../core/authority/build.ts'
import { InvalidLinkError } from '../core/errors.ts'
import { type Identity, createIdentity, importIdentity, loadIdentity } from '../core/identity/identity.ts'
import { type AvatarMime, buildProfile } from '../core/identity/profile.ts'
import { createRoom } from '../core/room/create-room.ts'
import { parseInviteLink } from '../core/room/invite-link.ts'
import type { Storage, StoredFeedEntry } from '../core/storage.ts'
import { type RoomId, asRoomId } from '../core/types.ts'
import { type BackoffInit, backoffDelay } from '../network/backoff.ts'
import { type NetworkConfig, NetworkProfile, type PeerNode, createPeerNode } from '../network/index.ts'
import { meshDegreeFor } from '../network/mesh-degree.ts'
import { createRoomProfilesServer } from '../network/room-profiles.ts'
import { createRoomSyncServer } from '../network/room-sync.ts'
import { createIndexedDbStorage } from '../storage/indexeddb.ts'
import type { BlobStore } from '../core/blob/store.ts'
import { createBlobServer } from '../network/blob-server.ts'
import { createIndexedDbBlobStore } from '../storage/blob-indexeddb.ts'
import { createRoomBlobs } from './room-blobs.ts'
import { type SentJournal, createSentJournal, memoryJournalBacking } from '../core/feed/sent-journal.ts'
import { type WorkerVerifier, createWorkerVerifier } from '../workers/worker-verifier.ts'
import { type AvatarInit, CLIENT_DATABASE, type ConnectivitySnapshot, type IdentitySnapshot, NetworkState, type PeerClient, type RoomSummary } from './api.ts'
import { createEventHub } from './events.ts'
import { type ProfileBook, createProfileBook } from './profiles.ts'
import { createRoomAccess } from './room-access.ts'
import { type RoomHandle, createRoomClient } from './room-client.ts'
import { type RoomModel, createRoomModel } from './room-model.ts'
import { type RoomSession, createRoomSession } from './room-session.ts'

export interface PeerClientInit {
  /** How to reach the network; without it the client works offline (local rooms only). */
  readonly network?: NetworkConfig
  /** Defaults to IndexedDB database `peer-rooms`. */
  readonly storage?: Storage
  /** Where shared files' chunks are kept; defaults to IndexedDB database `peer-rooms-blobs`. */
  readonly blobStore?: BlobStore
  /** Origin put in invite links; defaults to the page's origin. */
  readonly linkOrigin?: string
  /** How often rooms without peers are looked up again, presence re-announced and clocks compared with one peer (ms); default 20 s. */
  readonly refreshIntervalMs?: number
  /** Where feed signatures are checked; default a Web Worker pool (this thread where there are no workers). */
  readonly verifier?: WorkerVerifier
  /** Where sent entries wait for their commit; default localStorage (in memory where there is none). */
  readonly sentJournal?: SentJournal
  /** This tab holds the active-tab lock: the default storage may write as the only writer (IndexedDbStorageInit.singleWriter). */
  readonly singleWriter?: boolean
}

/** Beyond the UI contract: what tests, benchmarks and diagnostics look at. */
export interface PeerClientInternals {
  readonly node: () => PeerNode | undefined
  /** Peers that sent invalid data, with how many times. */
  readonly badPeers: () => ReadonlyMap<string, number>
  /** Entries stored from each peer by this room's history sync. */
  readonly syncSources: (room: RoomId) => ReadonlyMap<string, number>
  /** How many times this session has looked the room's peers up in the DHT (and synced with those found). */
  readonly lookups: (room: RoomId) => number
  /**
   * Calls `listener` with a room's feed entries the moment they are committed to storage (ours and
   * peers'), before any view reacts: what "stored" means in the gossip latency figures.
   */
  readonly onStored: (room: RoomId, listener: (entries: readonly StoredFeedEntry[]) => void) => () => void
}

/** What a joined room leaves in storage so a reload brings it back. */
interface RoomRecord {
  readonly id: RoomId
  readonly secret: Uint8Array | null
  readonly joinedAt: number
  /** The name the invite link gave, shown until the room's own log (whose name wins) arrives. */
  readonly nameHint?: string
}

interface Joined {
  readonly model: RoomModel
  readonly handle: RoomHandle
  session?: RoomSession
  secret: Uint8Array | null
  joining?: Promise<void>
  lookups: number
  /** The user opened an invite to this room again in this session: join even after a kick. */
  rejoin?: boolean
  readonly offBlobs?: () => void
}

const ROOM_PREFIX = 'rooms/'
/** Where the default sent journal keeps its items in localStorage. */
export const SENT_JOURNAL_PREFIX = 'peer-rooms/sent/'

/** Joining looks the room up again after 250 ms, then 500 ms, ... up to 2 s apart (with jitter). */
const JOIN_LOOKUP_BACKOFF: BackoffInit = { baseMs: 250, maxMs: 2_000, hiddenFactor: 1 }
/** How long joining keeps looking for the room's peers before it resolves with the room waiting for them. */
const JOIN_LOOKUP_BUDGET_MS = 20_000

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause (ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve() }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * The client: storage, identity, profiles, rooms and the network composed behind the one surface
 * the UI reads (api.ts). Everything comes back from storage on start, so a reload restores the
 * identity, rooms and history and then reconnects.
 */
export function createPeerClient (init: PeerClientInit = {}): PeerClient & PeerClientInternals {
  const storage = init.storage ?? createIndexedDbStorage({ name: CLIENT_DATABASE, singleWriter: init.singleWriter === true })
  const blobStore = init.blobStore ?? createIndexedDbBlobStore({ name: 'peer-rooms-blobs' })
  const verifier = init.verifier ?? createWorkerVerifier()
  // localStorage because it is written synchronously: an entry is recorded before it is published.
  const sentJournal = init.sentJournal ?? createSentJournal(typeof localStorage !== 'undefined' ? localStorage : memoryJournalBacking(), SENT_JOURNAL_PREFIX)
  const events = createEventHub()
  const rooms = new Map<RoomId, Joined>()
  const badPeers = new Map<string, number>()
  let identity: Identity | undefined
  let identitySnapshot: IdentitySnapshot | undefined
  let roomList: readonly RoomSummary[] | undefined
  let node: PeerNode | undefined
  let started: Promise<void> | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  let lastError: string | undefined
  let connectivity: ConnectivitySnapshot | undefined
  const linkOrigin = init.linkOrigin ?? (typeof location !== 'undefined' ? location.origin : 'http://localhost')

  const profiles: ProfileBook = createProfileBook(storage.meta, (author) => {
    if (author === identity?.id) { identitySnapshot = undefined; events.emit('identity', undefined) }
    for (const j of rooms.values()) j.handle.changed()
    events.emit('profile', { author })
  })
  events.on('rooms', () => { roomList = undefined })
  events.on('room', () => { roomList = undefined })
  events.on('connectivity', () => { connectivity = undefined })
  events.on('peers', () => { connectivity = undefined })

  /**
   * Thins the GossipSub mesh while this tab gossips directly with every online member of every room
   * it is in, and widens it again as soon as one is reached only through others (mesh-degree.ts).
   * Checked when connections change and when a presence notice or the periodic round names peers.
   */
  const fitMesh = (): void => {
    if (node == null) return
    const degree = meshDegreeFor([...rooms.values()].flatMap((j) => j.session == null ? [] : [{ online: j.handle.onlinePeers(), direct: new Set(j.session.gossipPeers()) }]))
    if (node.meshDegree().D !== degree.D) node.meshDegree(degree)
  }
  events.on('connectivity', fitMesh)
  events.on('peers', fitMesh)

  const signer = (): Identity | undefined => identity
  const badPeer = (peer: string, detail: string): void => {
    badPeers.set(peer, (badPeers.get(peer) ?? 0) + 1)
    lastError = `peer ${peer.slice(-8)}: ${detail}`
    for (const j of rooms.values()) j.session?.sync.distrust(peer)
    if (node != null) void node.hangUp(peer)
  }

  const access = createRoomAccess((room) => {
    const j = rooms.get(room)
    return j == null ? undefined : { log: j.model.log, secret: j.secret }
  }, signer)

  const attach = (j: Joined): void => {
    if (node == null || j.session != null) return
    j.session = createRoomSession({ node, storage, model: j.model, handle: j.handle, profiles, events, signer, access }, { onBadPeer: badPeer })
    j.session.start()
    void j.session.announce()
  }

  /** The peers we run the room's session with: gossip neighbours and members announced online. */
  const blobPeersOf = (j: Joined): string[] => [...new Set([...(j.session?.gossipPeers() ?? []), ...j.handle.onlinePeers()])]

  /**
   * The members-only check for serving a room's files: the peer is one we run the room's session
   * with. The members-only proof (src/core/access) replaces this one function.
   */
  const mayServeBlobs = (room: RoomId, peer: string): boolean => {
    const j = rooms.get(room)
    return j?.session != null && blobPeersOf(j).includes(peer)
  }

  const lookUp = async (j: Joined, signal?: AbortSignal): Promise<void> => {
    if (j.session == null) return
    j.lookups++
    await j.session.discover(signal)
  }

  /** Once the log is complete and we are not a member yet, join (with the link's invite, if any). */
  const joinIfNeeded = (j: Joined): Promise<void> => {
    j.joining ??= joinOnce(j).finally(() => { j.joining = undefined })
    return j.joining
  }
  const joinOnce = async (j: Joined): Promise<void> => {
    const me = identity
    const log = j.model.log
    if (me == null || !log.complete || log.roleOf(me.id) != null) return
    // Kicked (our role revoked): we do not walk back in on the old invite by ourselves; a link the
    // user opens again (rejoin) may.
    if (log.departed().has(me.id) && !j.rejoin) return
    if (j.secret == null && log.info().policy !== 'open') return
    const secret = j.secret
    try {
      const entry = await j.model.authorAuthority((b) => buildEntry.join(b, { secret }))
      void j.session?.network.publishAuthority(entry.bytes).catch(() => 0)
      j.handle.changed()
    } catch (err) {
      lastError = `joining ${j.model.room}: ${(err as Error).message}`
      events.emit('connectivity', undefined)
    }
  }

  const open = async (record: RoomRecord): Promise<Joined> => {
    const known = rooms.get(record.id)
    if (known != null) return known
    const model = createRoomModel({ storage, signer, verifier: verifier.verify, sentJournal }, { room: record.id })
    const blobs = createRoomBlobs({
      store: blobStore,
      feeds: storage.feeds,
      acl: model.log,
      events,
      network: () => {
        const j = rooms.get(record.id)
        return node == null || j?.session == null ? undefined : { node, peers: blobPeersOf(j) }
      },
      onBadPeer: badPeer
    }, { room: record.id })
    // New peers may hold what no one had: files still incomplete are asked of them.
    const offBlobs = events.on('peers', (d) => { if (d.room === record.id) blobs.retry() })
    const handle = createRoomClient({
      blobs,
      storage,
      events,
      model,
      signer,
      displayName: (author) => profiles.get(author)?.name ?? author.slice(0, 8),
      linkOrigin,
      bootstrapHints: () => init.network?.bootstrap ?? [],
      ...(record.nameHint != null ? { nameHint: record.nameHint } : {})
    })
    const j: Joined = { model, handle, secret: record.secret, lookups: 0, offBlobs }
    rooms.set(record.id, j)
    await handle.start()
    model.onAuthority(() => { void joinIfNeeded(j) })
    attach(j)
    events.emit('rooms', undefined)
    return j
  }

  const refresh = (): void => {
    for (const j of rooms.values()) {
      if (j.session == null) continue
      events.emit('peers', { room: j.model.room })
      j.session.provide()
      void j.session.announce()
      j.session.catchUp()
      if (!j.session.hasPeers()) void lookUp(j).then(() => { events.emit('connectivity', undefined) })
    }
  }

  const startNetwork = async (network: NetworkConfig): Promise<void> => {
    node = await createPeerNode({ meta: storage.meta }, {
      bootstrap: network.bootstrap,
      profile: network.profile,
      ...(network.iceServers != null ? { iceServers: network.iceServers } : {}),
      ...(network.rtcConnectionBudget != null ? { rtcConnectionBudget: network.rtcConnectionBudget } : {}),
      // a peer is a member's when a room's signed presence binds it to a key holding a role there
      isMember: (peer) => [...rooms.values()].some((j) => {
        const author = j.handle.authorOfPeer(peer)
        const role = author == null ? null : j.model.log.roleOf(author)
        return role != null && role !== 'banned'
      }),
      ...(network.profile === NetworkProfile.Loopback ? { reprovideIntervalMs: 60_000 } : {})
    })
    const server = createRoomSyncServer({ node }, {
      access,
      responder: (room) => {
        const j = rooms.get(room)
        const session = j?.session
        return j == null || session == null ? undefined : { responder: session.sync.responder, channels: () => j.model.log.channels().map((c) => c.id) }
      },
      onHello: (room, peer, hello) => { rooms.get(room)?.session?.sync.noteHello(peer, hello) },
      onServed: (room, peer, channel, author, seq) => { rooms.get(room)?.session?.sync.noteServed(peer, channel, author, seq) },
      onGarbage: badPeer
    })
    const profileServer = createRoomProfilesServer({ node }, {
      access,
      // only members' profiles: nobody learns from us who else asked to be seen here
      profilesOf: (room, authors) => {
        const log = rooms.get(room)?.model.log
        return log == null ? undefined : profiles.held(authors.filter((a) => { const role = log.roleOf(a); return role != null && role !== 'banned' }))
      },
      onGarbage: badPeer
    })
    const blobServer = createBlobServer({ node, store: blobStore }, { mayServe: mayServeBlobs, onGarbage: badPeer })
    // Peers whose last connection closed since the last status: their authors go offline at once,
    // instead of ONLINE_MS after their last presence notice (a closed tab is seen within ~80 ms).
    let connected = new Set<string>()
    node.onStatus((status) => {
      const now = new Set(status.connections.map((c) => c.peerId))
      for (const peer of connected) if (!now.has(peer)) for (const j of rooms.values()) j.handle.peerLeft(peer)
      connected = now
      for (const j of rooms.values()) j.session?.provide()
      events.emit('connectivity', undefined)
    })
    await node.start()
    await server.start()
    await profileServer.start()
    await blobServer.start()
    for (const j of rooms.values()) attach(j)
    if (identity != null) void node.putUserRecord(identity).catch(() => undefined)
    timer = setInterval(refresh, init.refreshIntervalMs ?? 20_000)
    globalThis.addEventListener?.('pagehide', onPageHide)
    void Promise.allSettled([...rooms.values()].map(async (j) => lookUp(j)))
  }

  /**
   * A closing tab drops its connections itself, so its peers learn at once (see dropAllNow) and a
   * sync from it resumes elsewhere, instead of ~16 s later. A page kept in the back-forward cache
   * (`persisted`) may come back and keeps them.
   */
  const onPageHide = (event: Event): void => {
    if ((event as PageTransitionEvent).persisted !== true) node?.dropAllNow()
  }

  const identitySnapshotOf = (id: Identity): IdentitySnapshot => {
    const p = profiles.snapshot(id.id)
    return { id: id.id, fingerprint: id.fingerprint, name: p?.name ?? '', ...(p?.avatarUrl != null ? { avatarUrl: p.avatarUrl } : {}) }
  }

  const setProfile = async (name: string, avatar: AvatarInit | undefined): Promise<void> => {
    const me = identity
    if (me == null) throw new Error('create an identity first')
    const previous = profiles.get(me.id)
    const profile = await buildProfile(me, { name, ...(avatar != null ? { avatar: { mime: avatar.mime as AvatarMime, bytes: avatar.bytes } } : {}), ...(previous != null ? { previous } : {}) })
    await profiles.keep(profile)
    for (const j of rooms.values()) void j.session?.announce()
  }

  const client = {
    events,
    node: () => node,
    badPeers: () => badPeers,
    syncSources: (room: RoomId) => rooms.get(room)?.session?.sync.sources() ?? new Map<string, number>(),
    lookups: (room: RoomId) => rooms.get(room)?.lookups ?? 0,
    onStored: (room: RoomId, listener: (entries: readonly StoredFeedEntry[]) => void) => rooms.get(room)?.model.onFeed(listener) ?? (() => {}),
    start () {
      started ??= (async () => {
        await storage.start()
        await blobStore.start()
        identity = await loadIdentity({ meta: storage.meta })
        await profiles.load()
        for (const [, record] of await storage.meta.list<RoomRecord>(ROOM_PREFIX)) await open(record)
        events.emit('identity', undefined)
        if (init.network != null) {
          try {
            await startNetwork(init.network)
          } catch (err) {
            lastError = `network: ${(err as Error).message}`
          }
        }
        events.emit('connectivity', undefined)
      })()
      return started
    },
    async stop () {
      clearInterval(timer)
      globalThis.removeEventListener?.('pagehide', onPageHide)
      for (const j of rooms.values()) { j.session?.stop(); j.handle.stop() }
      rooms.clear()
      await node?.stop()
      node = undefined
      await storage.stop()
      await blobStore.stop()
      verifier.stop()
      started = undefined
    },
    identity () {
      if (identity == null) return undefined
      identitySnapshot ??= identitySnapshotOf(identity)
      return identitySnapshot
    },
    async createIdentity (init: { name: string, avatar?: AvatarInit }) {
      identity = await createIdentity({ meta: storage.meta })
      await setProfile(init.name, init.avatar)
      identitySnapshot = undefined
      if (node != null) void node.putUserRecord(identity).catch(() => undefined)
      events.emit('identity', undefined)
      return client.identity()!
    },
    async updateProfile (update: { name?: string, avatar?: AvatarInit | null }) {
      const me = identity
      if (me == null) throw new Error('create an identity first')
      const current = profiles.get(me.id)
      const avatar = update.avatar === null ? undefined : update.avatar ?? current?.avatar
      await setProfile(update.name ?? current?.name ?? '', avatar)
    },
    async exportBackup (passphrase: string) {
      if (identity == null) throw new Error('create an identity first')
      return identity.exportBackup(passphrase)
    },
    async importBackup (backup: string, passphrase: string) {
      identity = await importIdentity({ meta: storage.meta }, backup, passphrase)
      identitySnapshot = undefined
      if (profiles.get(identity.id) == null) await setProfile(`user-${identity.fingerprint.slice(0, 4)}`, undefined)
      events.emit('identity', undefined)
      for (const j of rooms.values()) j.handle.changed()
      return client.identity()!
    },
    profile: (author: Parameters<PeerClient['profile']>[0]) => profiles.snapshot(author),
    rooms () {
      roomList ??= [...rooms.values()].map((j) => j.handle.summary())
      return roomList
    },
    async createRoom (init: Parameters<PeerClient['createRoom']>[0]) {
      const me = identity
      if (me == null) throw new Error('create an identity first')
      const created = await createRoom({
        signer: me,
        name: init.name,
        ...(init.description != null ? { description: init.description } : {}),
        ...(init.tags != null ? { tags: init.tags } : {}),
        policy: init.policy,
        channels: (init.channels ?? ['general']).map((name) => ({ name }))
      })
      const record: RoomRecord = { id: created.roomId, secret: null, joinedAt: Date.now() }
      await storage.meta.put(ROOM_PREFIX + record.id, record)
      const j = await open(record)
      await j.model.addAuthority([created.genesis.bytes])
      j.handle.changed()
      return created.roomId
    },
    async joinByLink (link: string, signal?: AbortSignal) {
      const parsed = parseInviteLink(link)
      if (!parsed.ok) throw new InvalidLinkError(parsed.detail)
      const { room, secret, bootstrap, name } = parsed.value
      const known = rooms.get(room)
      if (known != null) {
        if (secret != null) known.secret = secret
        known.rejoin = true
        await joinIfNeeded(known)
        return room
      }
      const record: RoomRecord = { id: asRoomId(room), secret, joinedAt: Date.now(), ...(name != null ? { nameHint: name } : {}) }
      await storage.meta.put(ROOM_PREFIX + record.id, record)
      const j = await open(record)
      if (node != null) {
        await Promise.allSettled(bootstrap.map(async (addr) => node?.dialPeer([addr], signal != null ? { signal } : {})))
        // One lookup can come back empty-handed (the DHT still warming up, a provider's dial
        // failing, the room's only member briefly away): look again, backing off, until the room's
        // log has arrived. After the budget the room stays saved, shown as waiting for peers, and
        // the periodic refresh keeps looking.
        const until = Date.now() + JOIN_LOOKUP_BUDGET_MS
        for (let attempt = 0; ; attempt++) {
          await lookUp(j, signal)
          const wait = backoffDelay(JOIN_LOOKUP_BACKOFF, attempt, false)
          if (j.model.log.complete || signal?.aborted === true || Date.now() + wait >= until) break
          await pause(wait, signal)
        }
      }
      // Resolve as a member: a user who sends right away must not be refused for a JOIN still in flight.
      await joinIfNeeded(j)
      return room
    },
    describeLink (link: string) {
      const parsed = parseInviteLink(link)
      if (!parsed.ok) return { ok: false as const, problem: parsed.detail }
      return { ok: true as const, room: parsed.value.room, ...(parsed.value.name != null ? { name: parsed.value.name } : {}) }
    },
    async leaveRoom (room: RoomId) {
      const j = rooms.get(room)
      if (j == null) return
      j.session?.stop()
      j.handle.stop()
      j.offBlobs?.()
      rooms.delete(room)
      await storage.meta.delete(ROOM_PREFIX + room)
      events.emit('rooms', undefined)
    },
    room: (room: RoomId) => rooms.get(room)?.handle,
    connectivity (): ConnectivitySnapshot {
      connectivity ??= connectivityNow()
      return connectivity
    }
  }
  const connectivityNow = (): ConnectivitySnapshot => {
      if (node == null) {
        return { state: init.network == null ? NetworkState.Offline : NetworkState.Starting, relays: [], dht: { routingTableSize: 0, mode: 'client' }, connections: 0, ...(lastError != null ? { lastError } : {}) }
      }
      const s = node.status()
      const inRoom = [...rooms.values()].some((j) => j.session?.hasPeers() === true)
      const state = s.state === NetworkState.Connected && rooms.size > 0 && !inRoom ? NetworkState.NoPeers : s.state
      const error = lastError ?? s.lastError
      return { state, peerId: s.peerId, relays: s.relays, dht: s.dht, connections: s.connections.length, ...(error != null ? { lastError: error } : {}) }
  }
  return client
}
