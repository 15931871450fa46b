import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { encodeCanonical } from '../codec/canonical.ts'
import type { AuthorityLog } from '../authority/log.ts'
import type { Brand, RoomId } from '../types.ts'

/** A room's gossip topic key: names its topics, and only holders of its genesis entry can compute it. */
export type TopicKey = Brand<string, 'TopicKey'>

/**
 * Derived from the genesis nonce, which the room id hides (the id is a hash over creator key, name
 * and nonce) and which travels only inside the genesis entry: served by history sync to members
 * and invitees alone (or to anyone in an open room). Someone who knows only the room id, as every
 * DHT server does, cannot name the topics.
 */
export function topicKeyOf (room: RoomId, genesisNonce: Uint8Array): TopicKey {
  return bytesToHex(sha256(encodeCanonical(['peer-rooms/topics/v1', room, genesisNonce]))) as TopicKey
}

/** The topic key of a room whose genesis the log holds; undefined before the genesis arrives. */
export function topicKeyOfLog (log: Pick<AuthorityLog, 'room' | 'info' | 'entries'>): TopicKey | undefined {
  const genesis = log.info().genesis
  if (genesis == null) return undefined
  const entry = log.entries().find((e) => e.hash === genesis)?.entry
  return entry?.action === 'genesis' ? topicKeyOf(log.room, entry.nonce) : undefined
}
