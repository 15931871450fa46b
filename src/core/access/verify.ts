import { Policy } from '../authority/entry.ts'
import { authorIdOf, verifySignature } from '../identity/ed25519.ts'
import { type Validated, accept, reject, RejectReason } from '../result.ts'
import type { AuthorId } from '../types.ts'
import { type AccessContext, accessMessage } from './challenge.ts'
import { type KeyProof, decodeAccessProof } from './proof.ts'

/** What the access rule asks of the room's replayed ACL (the authority log answers it). */
export interface AccessAcl {
  readonly policy: Policy
  /** The role a key holds now: a role name, 'banned', or null for no role. */
  roleOf (author: AuthorId): string | null
  /** The invite whose public key this is, or undefined when the log names no such invite. */
  invite (key: AuthorId): { readonly revoked: boolean, readonly expiresAt: number | null, readonly remainingUses: number | null } | undefined
}

/** Why a requester is served. */
export const Admission = {
  /** Its key holds a role in the room. */
  MEMBER: 'member',
  /** It holds a valid, unused invite: it is joining. */
  INVITE: 'invite',
  /** The room's policy is open: anyone may read it. */
  OPEN: 'open'
} as const
export type Admission = typeof Admission[keyof typeof Admission]

export interface Admitted { readonly author: AuthorId, readonly admission: Admission }

const signs = async (p: KeyProof, context: AccessContext): Promise<boolean> => verifySignature(p.key, accessMessage(context, p.key), p.sig)

/**
 * The rule: serve a room only to a peer that proved, on this stream, a key that is a member, or
 * an invite that still admits a JOIN; in an open room anyone not banned is served. A forged or
 * malformed proof is refused with the sender's fault (malformed, bad-signature) whatever the
 * policy; a valid proof of a key without standing is refused with unauthorized, banned or an
 * invite reason. Never throws.
 */
export async function verifyAccess (bytes: Uint8Array, context: AccessContext, acl: AccessAcl, now = Date.now()): Promise<Validated<Admitted>> {
  const decoded = decodeAccessProof(bytes)
  if (!decoded.ok) return decoded
  const { member, invite } = decoded.value
  if (!await signs(member, context)) return reject(RejectReason.BadSignature, 'member signature does not verify for this challenge')
  if (invite != null && !await signs(invite, context)) return reject(RejectReason.BadSignature, 'invite signature does not verify for this challenge')
  const author = authorIdOf(member.key)
  const role = acl.roleOf(author)
  if (role === 'banned') return reject(RejectReason.Banned, 'key is banned from the room')
  if (role != null) return accept({ author, admission: Admission.MEMBER })
  if (acl.policy === Policy.OPEN) return accept({ author, admission: Admission.OPEN })
  if (invite == null) return reject(RejectReason.Unauthorized, 'invite-only room: key is not a member')
  const state = acl.invite(authorIdOf(invite.key))
  if (state == null || state.revoked) return reject(RejectReason.InviteInvalid, state == null ? 'no such invite' : 'invite was revoked')
  if (state.expiresAt != null && now > state.expiresAt) return reject(RejectReason.InviteExpired, 'invite has expired')
  if (state.remainingUses != null && state.remainingUses <= 0) return reject(RejectReason.InviteExhausted, 'invite has no uses left')
  return accept({ author, admission: Admission.INVITE })
}
