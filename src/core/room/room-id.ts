import { encodeCanonical } from '../codec/canonical.ts'
import { rawCidOf } from '../codec/hash.ts'
import { type RoomId, asRoomId } from '../types.ts'

/**
 * The room id: a raw-codec sha2-256 CID over encodeCanonical([creatorKey, name, nonce]). The
 * genesis entry carries all three, so anyone holding only the id can check that the genesis they
 * were sent is the room's root of trust and names its creator.
 */
export function roomIdOf (creatorKey: Uint8Array, name: string, nonce: Uint8Array): RoomId {
  return asRoomId(rawCidOf(encodeCanonical([creatorKey, name, nonce])).toString())
}
