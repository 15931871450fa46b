import { encodeCanonical } from '../codec/canonical.ts'
import type { RoomId } from '../types.ts'

/**
 * What the invite's secret key signs in a JOIN: a domain tag, the room and the joiner's key. It
 * binds the invite to this joiner in this room, so a JOIN cannot be replayed for someone else,
 * and every peer checks it offline against the invite key named by INVITE_CREATE.
 */
export function inviteProofMessage (room: RoomId, joinerKey: Uint8Array): Uint8Array {
  return encodeCanonical(['peer-rooms/join/v1', room, joinerKey])
}
