import { type Validated, accept, reject, RejectReason } from '../result.ts'
import type { AuthorId, ChannelId } from '../types.ts'
import { Capability, capabilityBit } from './capabilities.ts'
import { Policy } from './entry.ts'
import { holds, standingOf } from './standing.ts'
import type { AclState } from './state.ts'

/**
 * The feed-side question: may `author` have written entry `seq` of its feed in `channel`? Every
 * cut-off (ban, archive, revoke, a role that cannot post) keeps the entries at or below the seq its
 * signer recorded and refuses the later ones, so the answer depends only on the authority log.
 */
export function mayAppend (state: AclState, author: AuthorId, channel: ChannelId, seq: number): Validated<true> {
  const ch = state.channels.get(channel)
  if (ch == null) return reject(RejectReason.Unauthorized, `no channel ${channel}`)
  const ban = state.bans.get(author)
  if (ban != null && seq > (ban.frontier[channel] ?? 0)) return reject(RejectReason.Banned, `author is banned after seq ${ban.frontier[channel] ?? 0}: ${ban.reason}`)
  if (ch.archived && seq > (ch.archiveFrontier[author] ?? 0)) return reject(RejectReason.Unauthorized, `channel is archived after seq ${ch.archiveFrontier[author] ?? 0}`)
  if (ban != null) return accept(true)
  const member = state.members.get(author)
  if (member != null) {
    if (holds(standingOf(state, author), Capability.CAN_POST) || seq <= (member.frontier[channel] ?? 0)) return accept(true)
    return reject(RejectReason.Unauthorized, `role ${member.role} may not post`)
  }
  if (state.policy === Policy.OPEN) return accept(true)
  const departed = state.departed.get(author)
  if (departed != null && seq <= (departed[channel] ?? 0)) return accept(true)
  return reject(RejectReason.Unauthorized, 'invite-only room: author is not a member')
}

/**
 * Whether `author` holds the named capability ('delete', 'pin', 'ban', ...) now, and, with a
 * target, also outranks it (nobody acts on an equal or higher rank). Unknown names are held by nobody.
 */
export function can (state: AclState, author: AuthorId, capability: string, target?: AuthorId): boolean {
  const actor = standingOf(state, author)
  if (!holds(actor, capabilityBit(capability))) return false
  return target == null || actor.rank > standingOf(state, target).rank
}
