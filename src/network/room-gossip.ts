import { decodeCanonical, encodeCanonical } from '../core/codec/canonical.ts'
import { FEED_ENTRY_MAX_BYTES, FEED_PAYLOAD_MAX_BYTES, type FeedEnvelope } from '../core/feed/entry.ts'
import type { GossipVerdict } from '../core/feed/ingest.ts'
import { PROFILE_MAX_BYTES } from '../core/identity/profile.ts'
import { RejectReason } from '../core/result.ts'
import type { TopicKey } from '../core/access/topic-key.ts'
import type { AuthorId, RoomId } from '../core/types.ts'
import type { PeerNode, ValidationVerdict } from './peer-node.ts'
import { type PresenceNotice, validatePresence } from './room-presence.ts'
import { roomTopics } from './room-topics.ts'

/** What gossip asks of a room: the core's validators, which store what they accept. */
export interface GossipRoom {
  validateAuthorityForGossip (bytes: Uint8Array): Promise<GossipVerdict>
  readonly feed: { validateForGossip (envelope: unknown): Promise<GossipVerdict> }
  /**
   * Whether an author's presence notice is taken: 'accept' for a member within its rate, 'reject'
   * for a banned key, 'ignore' otherwise (a key we do not know as a member may be a joiner whose
   * JOIN has not reached us: the relaying peer is not at fault).
   */
  present (author: AuthorId): ValidationVerdict
}

export interface RoomGossipComponents {
  readonly node: Pick<PeerNode, 'subscribe' | 'unsubscribe' | 'publish' | 'topicPeers'>
  readonly room: GossipRoom
}

export interface RoomGossipInit {
  readonly room: RoomId
  /** Names the room's topics; computed from the genesis, so gossip starts once the genesis is held. */
  readonly topicKey: TopicKey
  readonly onPresence: (notice: PresenceNotice, fromPeer: string) => void
  /** A peer sent something whose parents we lack: sync with it. */
  readonly onGap: (fromPeer: string) => void
  /** Validates and keeps a signed profile; the verdict decides whether it is forwarded. */
  readonly onProfile: (bytes: Uint8Array) => Promise<ValidationVerdict>
  /** A peer relayed something every honest peer refuses. */
  readonly onReject: (fromPeer: string, reason: RejectReason, detail: string) => void
  /**
   * A peer joined our mesh for the room's entries. Anything that reached us before, while we had no
   * mesh link to forward it to the peer, it may never get by gossip: compare clocks with it.
   */
  readonly onMeshPeer?: (peer: string) => void
}

/** An envelope with its payload, as gossiped: at most the entry and payload limits plus framing. */
const ENVELOPE_MAX_BYTES = FEED_ENTRY_MAX_BYTES + FEED_PAYLOAD_MAX_BYTES + 64
const PROFILE_NOTICE_MAX_BYTES = PROFILE_MAX_BYTES + 64

export interface RoomGossip {
  start (): void
  stop (): void
  publishAuthority (bytes: Uint8Array): Promise<number>
  /** Returns how many peers the entry was sent to (the delivery indicator). */
  publishFeed (envelope: FeedEnvelope): Promise<number>
  publishPresence (bytes: Uint8Array): Promise<number>
  publishProfile (bytes: Uint8Array): Promise<number>
  /** Peers subscribed to the room's feed topic. */
  peers (): string[]
}

const verdictOf = (v: GossipVerdict): ValidationVerdict => v.action

/**
 * A room on GossipSub: validators call the core (authority validation and replay, feed ingest),
 * so what they accept is already stored and what they reject is neither stored nor forwarded.
 */
export function createRoomGossip (components: RoomGossipComponents, init: RoomGossipInit): RoomGossip {
  const { node, room } = components
  const topics = roomTopics(init.topicKey)
  let started = false
  const meshPeer = init.onMeshPeer != null ? { onMeshPeer: init.onMeshPeer } : {}

  const judged = (from: string, v: GossipVerdict): ValidationVerdict => {
    if (v.action === 'reject') init.onReject(from, v.reason, v.detail)
    if (v.action === 'ignore' && v.reason === RejectReason.MissingParent) init.onGap(from)
    return verdictOf(v)
  }

  return {
    start () {
      if (started) return
      started = true
      node.subscribe(topics.authority, {
        validate: async (bytes, from) => judged(from, await room.validateAuthorityForGossip(bytes)),
        onMessage: () => {},
        ...meshPeer
      })
      node.subscribe(topics.feed, {
        validate: async (bytes, from) => {
          const envelope = decodeCanonical(bytes, ENVELOPE_MAX_BYTES, 'gossiped envelope')
          if (!envelope.ok) return judged(from, { action: 'reject', reason: envelope.reason, detail: envelope.detail })
          return judged(from, await room.feed.validateForGossip(envelope.value))
        },
        onMessage: () => {},
        ...meshPeer
      })
      node.subscribe(topics.presence, {
        validate: async (bytes, from) => {
          const notice = await validatePresence(bytes, init.room)
          if (!notice.ok) return notice.reason === RejectReason.Unknown ? 'ignore' : judged(from, { action: 'reject', reason: notice.reason, detail: notice.detail })
          const verdict = room.present(notice.value.author)
          if (verdict === 'accept') init.onPresence(notice.value, from)
          return verdict
        },
        onMessage: () => {}
      })
      node.subscribe(topics.profile, {
        validate: async (bytes) => {
          const wrapped = decodeCanonical<{ profile?: unknown, at?: unknown }>(bytes, PROFILE_NOTICE_MAX_BYTES, 'profile notice')
          if (!wrapped.ok || !(wrapped.value.profile instanceof Uint8Array) || typeof wrapped.value.at !== 'number') return 'reject'
          return init.onProfile(wrapped.value.profile)
        },
        onMessage: () => {}
      })
    },
    stop () {
      if (!started) return
      started = false
      for (const t of [topics.authority, topics.feed, topics.presence, topics.profile]) node.unsubscribe(t)
    },
    publishAuthority: async (bytes) => (await node.publish(topics.authority, bytes)).recipients,
    publishFeed: async (envelope) => (await node.publish(topics.feed, encodeCanonical({ entry: envelope.entry, payload: envelope.payload }))).recipients,
    publishPresence: async (bytes) => (await node.publish(topics.presence, bytes)).recipients,
    // Wrapped with a timestamp: GossipSub drops a message whose bytes it has seen, and the same
    // profile must reach whoever joined since it was last sent.
    publishProfile: async (bytes) => (await node.publish(topics.profile, encodeCanonical({ profile: bytes, at: Date.now() }))).recipients,
    peers: () => node.topicPeers(topics.feed)
  }
}
