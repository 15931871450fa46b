import { StrictNoSign, type GossipsubOpts } from '@libp2p/gossipsub'
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
    // a Reject from our validators is what scores a peer down; keep the rest of scoring default
    ...overrides
  }
}
