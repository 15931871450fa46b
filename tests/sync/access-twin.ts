import { Admission } from '../../src/core/access/verify.ts'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { accept } from '../../src/core/result.ts'
import { asAuthorId } from '../../src/core/types.ts'
import type { RoomAccess } from '../../src/network/access-handshake.ts'

/**
 * An in-memory twin of the client's room access for sync tests that are about something else:
 * it proves with a well-formed placeholder and admits every requester, as an open room would.
 */
export const admitEveryoneTwin: RoomAccess = {
  prove: () => Promise.resolve(encodeCanonical({ v: 1, member: { key: new Uint8Array(32), sig: new Uint8Array(64) }, invite: null })),
  check: () => Promise.resolve(accept({ author: asAuthorId('00'.repeat(32)), admission: Admission.OPEN }))
}
