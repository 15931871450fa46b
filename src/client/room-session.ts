import { CID } from 'multiformats/cid'
import type { Signer } from '../core/identity/ed25519.ts'
import type { Storage } from '../core/storage.ts'
import { topicKeyOfLog } from '../core/access/topic-key.ts'
import type { AuthorId, ChannelId } from '../core/types.ts'
import type { RoomAccess } from '../network/access-handshake.ts'
import type { PeerNode } from '../network/peer-node.ts'
import { discoverRound } from '../network/discover-round.ts'
import { type RoomGossip, createRoomGossip } from '../network/room-gossip.ts'
import { signPresence } from '../network/room-presence.ts'
import { PROFILES_MAX_COUNT, requestProfiles } from '../network/room-profiles.ts'
import { type RoomSync, createRoomSync } from '../network/room-sync.ts'
import type { PeerSnapshot } from './api.ts'
import type { ClientEventHub } from './events.ts'
import { createMemberNotices } from './member-notices.ts'
import type { ProfileBook } from './profiles.ts'
import type { RoomHandle, RoomNetwork } from './room-client.ts'
import type { RoomModel } from './room-model.ts'

export interface RoomSessionComponents {
  readonly node: PeerNode
  readonly storage: Storage
  readonly model: RoomModel
  readonly handle: RoomHandle
  readonly profiles: ProfileBook
  readonly events: ClientEventHub
  readonly signer: () => Signer | undefined
  /** Signs our access proofs (src/core/access) for the streams we open. */
  readonly access: Pick<RoomAccess, 'prove'>
}

export interface RoomSessionInit {
  /** A peer misbehaved (garbage on sync, invalid gossip): counted, and dropped from sync. */
  readonly onBadPeer: (peer: string, detail: string) => void
}

/** Announcing our profile again to a newcomer waits at least this long since the last time. */
const PROFILE_REANNOUNCE_MS = 5_000

/**
 * A room on the network: its gossip topics, its history sync, and finding its peers. Every peer in
 * a room provides the room's key in the DHT (re-provided by the node), so a joiner with only the
 * room id finds someone to sync from; presence notices tell us who is behind which peer id, and a
 * peer we have not synced with yet is synced with as soon as we hear of it.
 */
export interface RoomSession {
  readonly network: RoomNetwork
  readonly sync: RoomSync
  start (): void
  stop (): void
  /** Looks the room up in the DHT, dials what it finds and syncs with it; resolves when that round's syncs settle (profiles are fetched after, without waiting). */
  discover (signal?: AbortSignal): Promise<number>
  /** Announces presence, and our profile when this version has not been published yet. */
  announce (): Promise<void>
  /**
   * Anti-entropy: compares clocks with one of the room's peers, picked at random, so what gossip
   * lost reaches whoever lacks it within a few rounds, even with no later message to show the gap.
   */
  catchUp (): void
  /** Provides the room key once the DHT has someone to store it (a provide before that is lost). */
  provide (): void
  hasPeers (): boolean
  /** The peers this tab exchanges the room's messages with directly. */
  gossipPeers (): readonly string[]
}

export function createRoomSession (components: RoomSessionComponents, init: RoomSessionInit): RoomSession {
  const { node, storage, model, handle, profiles, events, signer, access } = components
  const room = model.room
  const synced = new Set<string>()
  let lastProfileAt = 0
  /** The profile version last published to at least one peer. */
  let lastProfileSent: Uint8Array | undefined
  let gossip: RoomGossip | undefined
  let provided = false
  /** Presence, typing and profiles are taken only from members (issue 17). */
  const notices = createMemberNotices(model.log)
  const { admitProfile } = notices

  const sync = createRoomSync({
    node,
    storage,
    access,
    room: {
      room,
      channelIds: () => model.log.channels().map((c) => c.id),
      addAuthority: (entries) => model.addAuthority(entries),
      feed: model.feed,
      log: model.log
    }
  }, {
    onProgress: () => { handle.changed(); events.emit('sync', { room }) },
    onBadPeer: init.onBadPeer,
    onPeerHolds: (peer, channel, author, seq) => { handle.peerHolds(peer, channel, author, seq) }
  })

  /**
   * Asks a peer we just synced with for the profiles it holds of the room's members (those we
   * lack first), so names show at once rather than when gossip next re-announces them.
   */
  const fetchProfiles = async (peer: string, signal?: AbortSignal): Promise<void> => {
    const members = model.log.members().map((m) => m.id)
    const authors = [...members.filter((a) => profiles.get(a) == null), ...members.filter((a) => profiles.get(a) != null)].slice(0, PROFILES_MAX_COUNT)
    if (authors.length === 0) return
    const answer = await requestProfiles(node, access, peer, { room, authors }, signal).catch(() => undefined)
    if (answer == null) return
    if (!answer.ok) { init.onBadPeer(peer, `profiles: ${answer.reason}: ${answer.detail}`); return }
    if ('refused' in answer.value) return
    for (const bytes of answer.value.profiles) {
      if (await profiles.offer(bytes, admitProfile) === 'reject') { init.onBadPeer(peer, 'profiles: an invalid profile'); return }
    }
  }

  const profileAsked = new Map<AuthorId, number>()
  /**
   * A member is present but we hold no profile of it: its profile may have reached us before its
   * JOIN did, and was ignored then (member-notices.ts). Ask the peer that relayed the notice, at
   * most once per interval per author; the notices repeat, so names converge within a few rounds.
   */
  const askForMissingProfile = (author: AuthorId, from: string): void => {
    const now = Date.now()
    if (profiles.get(author) != null || now - (profileAsked.get(author) ?? 0) < PROFILE_REANNOUNCE_MS) return
    if (profileAsked.size >= PROFILES_MAX_COUNT) profileAsked.clear()
    profileAsked.set(author, now)
    void fetchProfiles(from).catch(() => undefined)
  }

  /** Syncs history with a peer, then fetches its profiles; false when the sync failed. */
  const syncAndFetch = async (peer: string, signal?: AbortSignal): Promise<boolean> => {
    if (!await sync.syncWith(peer, signal)) return false
    await fetchProfiles(peer, signal)
    return true
  }

  const syncWith = (peer: string): void => {
    if (synced.has(peer)) return
    synced.add(peer)
    void syncAndFetch(peer).then((ok) => { if (!ok) synced.delete(peer) }, () => { synced.delete(peer) })
  }

  /** Publishes our profile; with `onlyIfNew`, only when this version has not reached anyone yet. */
  /**
   * Members' peers take presence and profiles only from members (member-notices.ts): before our
   * JOIN is applied they would be ignored, and a profile marked sent would never be sent again.
   */
  const amMember = (me: Signer | undefined): me is Signer => me != null && model.log.roleOf(me.id) != null && model.log.roleOf(me.id) !== 'banned'

  const publishProfile = async (onlyIfNew = false): Promise<void> => {
    const me = signer()
    const profile = amMember(me) ? profiles.get(me.id) : undefined
    if (profile == null || gossip == null || (onlyIfNew && profile.bytes === lastProfileSent)) return
    lastProfileAt = Date.now()
    if (await gossip.publishProfile(profile.bytes).catch(() => 0) > 0) lastProfileSent = profile.bytes
  }

  const publishPresence = async (channel?: ChannelId): Promise<void> => {
    const me = signer()
    if (!amMember(me) || gossip == null) return
    await gossip.publishPresence(await signPresence(me, { room, peer: node.peerId, ts: Date.now(), ...(channel != null ? { channel } : {}) })).catch(() => 0)
  }

  const peers = (): PeerSnapshot[] => {
    const connections = new Map(node.status().connections.map((c) => [c.peerId, c]))
    return (gossip?.peers() ?? []).map((peerId) => {
      const c = connections.get(peerId)
      const author = handle.authorOfPeer(peerId)
      return {
        peerId,
        direct: c?.kind === 'direct',
        link: c?.path ?? 'relayed',
        ...(c?.via != null ? { via: c.via } : {}),
        ...(author != null ? { author } : {}),
        ...(c?.rttMs != null ? { rttMs: c.rttMs } : {})
      }
    })
  }

  const network: RoomNetwork = {
    publishFeed: async (envelope) => gossip == null ? 0 : gossip.publishFeed(envelope),
    publishAuthority: async (bytes) => gossip == null ? 0 : gossip.publishAuthority(bytes),
    publishPresence,
    peers,
    sync: () => sync.progress()
  }

  let attached = false
  let stopWaiting: (() => void) | undefined
  /** Subscribes the room's topics once its topic key is known; whether gossip runs now. */
  const startGossip = (): boolean => {
    if (gossip != null) return true
    const topicKey = topicKeyOfLog(model.log)
    if (topicKey == null) return false
    gossip = createRoomGossip({
      node,
      room: {
        validateAuthorityForGossip: (bytes) => model.validateAuthorityForGossip(bytes),
        feed: model.feed,
        present: (author) => notices.presence(author)
      }
    }, {
      room,
      topicKey,
      onPresence: (notice, from) => {
        const isNew = handle.authorOfPeer(notice.peer) == null
        askForMissingProfile(notice.author, from)
        handle.presence(notice.author, notice.peer, notice.channel)
        events.emit('peers', { room })
        syncWith(from)
        if (notice.peer !== from) syncWith(notice.peer)
        if (isNew && Date.now() - lastProfileAt > PROFILE_REANNOUNCE_MS) {
          void publishProfile()
          void publishPresence()
        }
      },
      onGap: (peer) => { sync.resync(peer) },
      onMeshPeer: (peer) => {
        sync.compare(peer)
        events.emit('peers', { room })
      },
      onReject: (peer, reason, detail) => { init.onBadPeer(peer, `${reason}: ${detail}`) },
      onProfile: (bytes) => profiles.offer(bytes, admitProfile)
    })
    gossip.start()
    session.provide()
    return true
  }

  const session: RoomSession = {
    network,
    sync,
    start () {
      if (attached) return
      attached = true
      handle.attach(network)
      // The topics are named by the genesis (topic-key.ts): a joiner subscribes once sync brought
      // it, and announces itself once its JOIN is applied.
      let announced = startGossip() && amMember(signer())
      stopWaiting = model.onAuthority(() => {
        if (announced || !startGossip() || !amMember(signer())) return
        announced = true
        void session.announce()
      })
    },
    catchUp () {
      const peers = gossip?.peers() ?? []
      const peer = peers[Math.floor(Math.random() * peers.length)]
      if (peer != null) sync.compare(peer)
    },
    provide () {
      if (provided || gossip == null || node.status().dht.routingTableSize === 0) return
      provided = true
      void node.provide(CID.parse(room)).catch(() => { provided = false })
    },
    stop () {
      attached = false
      stopWaiting?.()
      stopWaiting = undefined
      gossip?.stop()
      gossip = undefined
      provided = false
      sync.stop()
      node.unprovide(CID.parse(room))
      handle.attach(undefined)
    },
    async discover (signal) {
      const options = signal != null ? { signal } : {}
      const { found, synced: ok } = await discoverRound({
        providers: node.streamProviders(CID.parse(room), { limit: 8, ...options }),
        dial: async (p) => {
          try {
            await node.dialPeer(p.peerId, options).catch(async () => node.dialPeer(p.addrs, options))
            return p.peerId
          } catch {
            return undefined
          }
        },
        // All peers of the first group join one plan, so a joiner's history comes from all of them at once.
        syncAll: async (peers) => {
          for (const peer of peers) synced.add(peer)
          const ok = new Set(await sync.syncWithAll(peers, signal).catch(() => []))
          for (const peer of peers) if (!ok.has(peer)) synced.delete(peer)
          return [...ok]
        },
        syncOne: async (peer) => {
          if (synced.has(peer)) return false
          synced.add(peer)
          const ok = await sync.syncWith(peer, signal).catch(() => false)
          if (!ok) synced.delete(peer)
          return ok
        }
      })
      // Names follow (the profile book announces each one): the round, and a join by link, need not wait for them.
      for (const peer of ok) void fetchProfiles(peer, signal).catch(() => undefined)
      // Our presence at start went out to nobody (a reload, a join): the peers just found hear it
      // now and answer with theirs, so they show online here at once, not at the next round.
      if (ok.length > 0) void publishPresence()
      return found
    },
    async announce () {
      await publishPresence()
      // Presence is repeated (it keeps us online); the profile only when it changed: a newcomer gets
      // it from the profiles request after its sync, or from the re-announce its presence triggers.
      await publishProfile(true)
    },
    hasPeers: () => (gossip?.peers().length ?? 0) > 0,
    gossipPeers: () => gossip?.peers() ?? []
  }
  return session
}
