import type { TopicKey } from '../core/access/topic-key.ts'

/**
 * Gossip topics of a room, named by its topic key (src/core/access/topic-key.ts): derived from the
 * genesis nonce, which only members and invitees (or anyone, in an open room) are served, so
 * someone who knows just the room id cannot name them. One set per room, not per channel: a member follows every channel of
 * a room anyway (unread counts, mentions), and each topic costs a GossipSub mesh of its own, so
 * per-channel topics would multiply heartbeats and connections for nothing. Authority entries get
 * their own topic so they travel (and are validated) ahead of, and independently from, chat;
 * presence (typing, who is who) is ephemeral and never stored; profiles are
 * validated and kept per author, newest wins.
 */
export function roomTopics (key: TopicKey): RoomTopics {
  const base = `/peer-rooms/2/topic/${key}`
  return { authority: `${base}/authority`, feed: `${base}/feed`, presence: `${base}/presence`, profile: `${base}/profile` }
}

export interface RoomTopics {
  readonly authority: string
  readonly feed: string
  readonly presence: string
  /** Signed profiles (name, avatar) of the room's members, re-announced when someone new appears. */
  readonly profile: string
}

/** The history-sync stream protocol: one stream per (peer, room) exchange, opened by the access handshake. */
export const ROOM_SYNC_PROTOCOL = '/peer-rooms/sync/2.0.0'
