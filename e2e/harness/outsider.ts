// Test-only: what a stock libp2p peer that knows only a room id can try against the room's
// members (issue 17), run from a harness page's own node and identity, which is in no room.
import * as lp from 'it-length-prefixed'
import type { AccessContext } from '../../src/core/access/challenge.ts'
import { signAccessProof } from '../../src/core/access/proof.ts'
import type { Signer } from '../../src/core/identity/ed25519.ts'
import { decodeSyncMessage, encodeSyncMessage } from '../../src/core/sync/messages.ts'
import { type AuthorId, asRoomId } from '../../src/core/types.ts'
import { parseChallenge } from '../../src/network/access-handshake.ts'
import { writeMessage } from '../../src/network/length-prefixed.ts'
import type { PeerNode } from '../../src/network/peer-node.ts'
import { requestProfiles } from '../../src/network/room-profiles.ts'
import { ROOM_SYNC_PROTOCOL } from '../../src/network/room-topics.ts'

/** Topic names anyone can form from a room id: the names rooms used before topic keys. */
export const nameableTopics = (room: string): string[] => ['authority', 'feed', 'presence', 'profile'].map((t) => `/peer-rooms/1/room/${room}/${t}`)

/** Proves with the outsider's own key (no invite): a valid proof of a key without standing. */
const proverOf = (me: Signer) => ({ prove: (context: AccessContext) => signAccessProof(me, context) })

/**
 * Asks `peer` for the room's history as the sync protocol does (challenge, proof, empty Hello):
 * what came back first, decoded (its Hello, or its error code and message).
 */
export async function askHistory (node: PeerNode, me: Signer, peer: string, room: string): Promise<{ t: string, code?: string, message?: string, authorityHeads?: number }> {
  const stream = await node.newStream(peer, ROOM_SYNC_PROTOCOL, { signal: AbortSignal.timeout(15_000) })
  const reader = lp.decode(stream, { maxDataLength: 1 << 20 })[Symbol.asyncIterator]()
  const first = await reader.next()
  const nonce = first.done === true ? undefined : parseChallenge(first.value.subarray())
  if (nonce == null) throw new Error('no access challenge')
  await writeMessage(stream, await proverOf(me).prove({ room: asRoomId(room), prover: node.peerId, verifier: peer, nonce }))
  await writeMessage(stream, encodeSyncMessage({ t: 'hello', room: asRoomId(room), authorityHeads: [], clocks: new Map() }))
  const answer = await reader.next()
  void stream.close().catch(() => undefined)
  if (answer.done === true) return { t: 'closed' }
  const m = decodeSyncMessage(answer.value.subarray())
  if (!m.ok) return { t: 'garbage' }
  if (m.value.t === 'error') return { t: 'error', code: m.value.code, message: m.value.message }
  return { t: m.value.t, ...(m.value.t === 'hello' ? { authorityHeads: m.value.authorityHeads.length } : {}) }
}

/** Asks `peer` for the profiles of `authors` in the room: the profiles' count, or the refusal. */
export async function askProfiles (node: PeerNode, me: Signer, peer: string, room: string, authors: string[]): Promise<{ profiles?: number, refused?: string, invalid?: string }> {
  const answer = await requestProfiles(node, proverOf(me), peer, { room: asRoomId(room), authors: authors as AuthorId[] })
  if (!answer.ok) return { invalid: answer.reason }
  return 'refused' in answer.value ? { refused: answer.value.refused } : { profiles: answer.value.profiles.length }
}

/** Subscribes to every topic it can name for the room and counts what arrives on them. */
export function eavesdrop (node: PeerNode, room: string): () => number {
  let heard = 0
  for (const topic of nameableTopics(room)) {
    node.subscribe(topic, {
      // counted, never relayed
      validate: () => { heard++; return Promise.resolve('ignore') },
      onMessage: () => {}
    })
  }
  return () => heard
}
