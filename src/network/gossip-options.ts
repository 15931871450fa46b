import { StrictNoSign, type GossipSub, type GossipsubOpts } from '@libp2p/gossipsub'
import { sha256 } from '@noble/hashes/sha2.js'
import { WIDE_MESH } from './mesh-degree.ts'

/**
 * GossipSub's StrictNoSign message id (the SHA-256 of the data, the same bytes as the library's
 * default, so peers on either agree), computed synchronously. The default hashes through
 * multiformats, which in a browser awaits WebCrypto's digest: a round trip through another thread
 * for every message received, duplicates included, and for every publish, taken while ten tabs
 * compete for two cores. Hashing 600 bytes here costs microseconds.
 */
export const messageId = (msg: { readonly data: Uint8Array }): Uint8Array => sha256(msg.data)

/**
 * GossipSub settings shared by browsers and relays. Why each differs from the library default:
 *
 * - StrictNoSign: every payload we gossip is a record signed by its author's Ed25519 key and
 *   checked by the topic validator, so a second, per-hop libp2p signature would only add 100+ bytes
 *   and a verification per message, and would tie the author to a transient peer id. Message ids
 *   are the hash of the data, so the same entry relayed by two peers is deduplicated.
 * - floodPublish (kept on): our own messages go straight to every peer subscribed to the topic
 *   that we are connected to, not only to the D mesh peers, so in a room whose members hold direct
 *   WebRTC connections to each other a message takes one hop.
 * - heartbeatInterval 500 ms (default 1 s): the mesh repairs itself twice as fast after churn.
 * - D 3 / Dlo 2 / Dhi 4 / Dout 1 / Dscore 2 / Dlazy 6 (defaults 6 / 4 / 12 / 2 / 4 / 6): the
 *   {@link WIDE_MESH} every tab starts with (one that reaches every member directly thins it, see
 *   mesh-degree.ts). With floodPublish and direct WebRTC links the publisher already reaches
 *   everyone it is connected to, and each mesh peer answers every message it accepts with a
 *   forward or (gossipsub 1.2, for messages of 512 B and more) an IDONTWANT, both pure overhead in
 *   such a room. A Dhi of 8 let the mesh grow to nearly every peer of a 10-tab room: ~7 IDONTWANTs
 *   per message received. A mesh of 3 still bridges peers not directly connected, and lazy gossip
 *   (IHAVE to 6) repairs the rest. Measured (10 pages, 2 msg/s each, one page's datachannel sends
 *   over the run): 2,567 messages at D 4 / Dhi 8, 1,624 at D 3 / Dhi 4. Dout must stay below Dlo and
 *   at most D/2, Dscore at most D.
 * - msgIdFn: {@link messageId}, synchronous.
 * - batchPublish: a message is encoded once for all recipients.
 * - allowPublishToZeroTopicPeers, ignoreDuplicatePublishError: publishing in an empty room is
 *   normal, not an error; the caller learns it from `recipients: 0`.
 * - runOnLimitedConnection true: a peer that no direct link reaches (a symmetric NAT without TURN)
 *   still gossips over a relayed circuit. Where WebRTC works the circuit its signalling came over
 *   is closed as soon as the direct link is up, so gossip moves there.
 * - scoreParams, scoreThresholds: see {@link SCORE_PARAMS} and {@link SCORE_THRESHOLDS}; each room
 *   topic gets {@link TOPIC_SCORE} when it is subscribed ({@link scoreTopic}).
 */
export function gossipOptions (overrides: Partial<GossipsubOpts> = {}): Partial<GossipsubOpts> {
  return {
    globalSignaturePolicy: StrictNoSign,
    msgIdFn: messageId,
    floodPublish: true,
    heartbeatInterval: 500,
    ...WIDE_MESH,
    Dlazy: 6,
    batchPublish: true,
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    runOnLimitedConnection: true,
    scoreParams: SCORE_PARAMS,
    scoreThresholds: SCORE_THRESHOLDS,
    ...overrides
  }
}

type ScoreParams = Required<GossipsubOpts['scoreParams']>
/** GossipSub's per-topic score parameters (its type is not exported by the package). */
export type TopicScoreParams = ScoreParams['topics'][string]

/**
 * The one thing that scores a peer down in a room topic: each message our validator Rejects
 * (P4, invalid deliveries: weight times the count squared). Every other topic term is off. Mesh
 * delivery rates (P3, P3b) would punish honest mesh peers in a quiet room, where nobody sends 20
 * messages in a window, and first deliveries and time in mesh (P1, P2) would let an attacker earn
 * credit to spend on invalid messages. One Reject gives -10 (below the gossip threshold), two -40
 * (below publish), three -90 (graylisted: every RPC of the peer is dropped unread). The count
 * halves every 5 minutes (the decay runs once a second), so a peer graylisted with 3 Rejects is
 * back after ~25 s and one with 10 after ~9 min; an honest relay that forwarded one entry our ACL
 * refuses (it had not seen the ban yet) only loses gossip exchange with us for a while.
 */
export const TOPIC_SCORE: TopicScoreParams = {
  topicWeight: 1,
  timeInMeshWeight: 0,
  timeInMeshQuantum: 1_000,
  timeInMeshCap: 1,
  firstMessageDeliveriesWeight: 0,
  firstMessageDeliveriesDecay: 0.5,
  firstMessageDeliveriesCap: 1,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 1,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5_000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.5 ** (1 / 300)
}

/**
 * Peer-wide score settings. IP colocation (P6) is off: a browser's WebRTC and circuit connections
 * name the relay's address as their remote address, so every peer signalled through one relay
 * shares an IP, and at the library's default (threshold 10, weight -5) a relay's 12th peer fell
 * below the gossip threshold and from the 15th on every one of them was graylisted. A peer's score is kept for an hour after it disconnects (the library's
 * default), so hanging up on an offender does not wipe its record when it dials back (that needs
 * patches/@libp2p+gossipsub+17.1.1.patch: unpatched, a reconnecting peer's stats were replaced).
 */
export const SCORE_PARAMS: Partial<ScoreParams> = {
  IPColocationFactorWeight: 0,
  retainScore: 3_600_000
}

/** See {@link TOPIC_SCORE} for what each threshold means in Rejects. */
export const SCORE_THRESHOLDS: Partial<GossipsubOpts['scoreThresholds']> = {
  gossipThreshold: -5,
  publishThreshold: -30,
  graylistThreshold: -80
}

/**
 * Scores `topic` with {@link TOPIC_SCORE} from now on (topics are per room, so they cannot be named
 * in the options). The router reads its topic parameters from its score's params object
 * (@libp2p/gossipsub 17.1: `score.params.topics`, public on the class, not on the service
 * interface); tests/network/gossip-scoring.test.ts fails if a version stops reading them there.
 * Left in place when the topic is unsubscribed: leaving and rejoining a room keeps offenders' records.
 */
export function scoreTopic (pubsub: GossipSub, topic: string): void {
  (pubsub as unknown as { readonly score: { readonly params: ScoreParams } }).score.params.topics[topic] = TOPIC_SCORE
}
