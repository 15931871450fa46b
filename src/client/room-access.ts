import { accessAclOf } from '../core/access/acl.ts'
import { signAccessProof } from '../core/access/proof.ts'
import { verifyAccess } from '../core/access/verify.ts'
import type { AuthorityLog } from '../core/authority/log.ts'
import { NotAllowedError } from '../core/errors.ts'
import type { Signer } from '../core/identity/ed25519.ts'
import type { RoomId } from '../core/types.ts'
import type { RoomAccess } from '../network/access-handshake.ts'

/** What the access handshake needs of a room we are in: its log, and the invite secret we joined with. */
export interface AccessRoom { readonly log: Pick<AuthorityLog, 'info' | 'roleOf' | 'invites'>, readonly secret: Uint8Array | null }

/**
 * The client's side of src/core/access: proves with our identity key (and the room's invite secret,
 * so a peer that has not seen our JOIN yet still serves the join), and checks requesters against
 * each room's replayed log at the moment they ask.
 */
export function createRoomAccess (rooms: (room: RoomId) => AccessRoom | undefined, signer: () => Signer | undefined): RoomAccess {
  return {
    async prove (context) {
      const me = signer()
      if (me == null) throw new NotAllowedError('no identity to prove room access with')
      return signAccessProof(me, context, rooms(context.room)?.secret ?? null)
    },
    check (proof, context) {
      const room = rooms(context.room)
      return room == null ? undefined : verifyAccess(proof, context, accessAclOf(room.log))
    }
  }
}
