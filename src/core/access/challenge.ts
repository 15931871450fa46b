import { encodeCanonical } from '../codec/canonical.ts'
import type { RoomId } from '../types.ts'

/** Bytes of the verifier's fresh random challenge; one per stream, never reused. */
export const ACCESS_NONCE_BYTES = 32

/** Domain tag of what an access proof signs, so the signature means nothing in any other protocol. */
const ACCESS_DOMAIN = 'peer-rooms/access/v1'

/** Who proves to whom, on which stream: the libp2p peer ids both ends authenticated with Noise. */
export interface AccessContext {
  readonly room: RoomId
  /** The peer asking to be served (the requester). */
  readonly prover: string
  /** The peer that serves and issued the nonce. */
  readonly verifier: string
  readonly nonce: Uint8Array
}

/** A fresh challenge for one stream. */
export function newAccessNonce (): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(ACCESS_NONCE_BYTES))
}

/**
 * What the prover's key (and, for a joiner, the invite key) signs. Binding both peer ids means a
 * proof seen by a verifier cannot be replayed by it to a third peer, nor by anyone else to this
 * verifier (the connection authenticates the prover's peer id); the nonce makes it single-use;
 * the signing key is inside, so one signature never stands for two keys.
 */
export function accessMessage (context: AccessContext, key: Uint8Array): Uint8Array {
  return encodeCanonical([ACCESS_DOMAIN, context.room, context.prover, context.verifier, context.nonce, key])
}
