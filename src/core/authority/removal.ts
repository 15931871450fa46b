import { Role } from './capabilities.ts'
import { Action, type AuthorityEntry } from './entry.ts'
import { BANNED, type Standing, standingOf } from './standing.ts'
import type { AclState } from './state.ts'
import type { AuthorId } from '../types.ts'

/**
 * Who can hold power in the room: a user key, or an invite key (whose power is to admit with its
 * role). Kept apart because the same bytes could name both.
 */
export type Holder = `key:${string}` | `invite:${string}`
export const keyHolder = (id: AuthorId): Holder => `key:${id}`
export const inviteHolder = (id: AuthorId): Holder => `invite:${id}`

/**
 * What one accepted entry took from one holder: the capability bits it lost, the rank (and role) it
 * fell to, or everything (banned, or an invite that died). The void rule judges a concurrent entry
 * of that holder as though this loss had already happened.
 */
export interface Loss {
  readonly holder: Holder
  readonly lost: number
  /** The rank and role after the entry, when the entry lowered the rank; null otherwise. */
  readonly fell: { readonly rank: number, readonly role: string | null } | null
  readonly all: boolean
}

/** A holder's standing now: a key's role, or an invite's role while it is live (dead invites hold nothing). */
export function holderStanding (state: AclState, holder: Holder): Standing {
  const [kind, id] = holder.split(':') as ['key' | 'invite', AuthorId]
  if (kind === 'key') return standingOf(state, id)
  const invite = state.invites.get(id)
  const role = invite != null && !invite.revoked ? state.roles.get(invite.role) : undefined
  return role == null ? BANNED : { role: role.name, capabilities: role.capabilities, rank: role.rank }
}

/**
 * The holders whose standing an entry may lower, judged on the state before it: the target of a
 * GRANT, REVOKE or BAN with the invites the target created (REVOKE and BAN kill them), the holders
 * of a redefined role, the invite of an INVITE_REVOKE. No other action takes anything from anyone
 * that an authority action needs (SET_POLICY changes only the posting of role-less keys).
 */
export function touchedHolders (state: AclState, e: AuthorityEntry): Holder[] {
  switch (e.action) {
    case Action.GRANT:
      return [keyHolder(e.target)]
    case Action.REVOKE:
    case Action.BAN:
      return [keyHolder(e.target), ...[...state.invites.values()].filter((i) => i.createdBy === e.target).map((i) => inviteHolder(i.key))]
    case Action.DEFINE_ROLE:
      return [...state.members.values()].filter((m) => m.role === e.name).map((m) => keyHolder(m.id))
    case Action.INVITE_REVOKE:
      return [inviteHolder(e.invite)]
    default:
      return []
  }
}

/**
 * THE removal rule, once: an entry is a removal of a holder when the holder's standing after it
 * lacks a capability it had before, has a lower rank, or is banned / a dead invite when it was not.
 */
export function lossOf (holder: Holder, before: Standing, after: Standing): Loss | undefined {
  const all = after.role === Role.BANNED && before.role !== Role.BANNED
  const lost = before.capabilities & ~after.capabilities
  const fell = after.rank < before.rank ? { rank: after.rank, role: after.role } : null
  return all || lost !== 0 || fell != null ? { holder, lost, fell, all } : undefined
}

/** A standing with a loss applied on top: what the holder could do had the removal come first. */
export function weaken (standing: Standing, loss: Loss): Standing {
  if (loss.all) return BANNED
  const capabilities = standing.capabilities & ~loss.lost
  if (loss.fell == null || standing.rank <= loss.fell.rank) return { ...standing, capabilities }
  return { role: loss.fell.role, capabilities, rank: loss.fell.rank }
}

/** The holders acting in an entry: its signer; for a JOIN by invite also the invite and the invite's creator. */
export function actorsOf (state: AclState, e: AuthorityEntry): Holder[] {
  const actors = [keyHolder(e.signer)]
  if (e.action === Action.JOIN && e.invite != null) {
    actors.push(inviteHolder(e.invite))
    const creator = state.invites.get(e.invite)?.createdBy
    if (creator != null && creator !== e.signer) actors.push(keyHolder(creator))
  }
  return actors
}
