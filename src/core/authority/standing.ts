import type { AuthorId } from '../types.ts'
import { Capability, NO_ROLE_RANK, Role, type RoleDefinition } from './capabilities.ts'
import { Policy } from './entry.ts'
import type { AclState } from './state.ts'

/** A key's standing in the room right now: the role it holds and what that role allows. */
export interface Standing {
  /** Role name; 'banned' for a banned key; null for a key without a role. */
  readonly role: string | null
  readonly capabilities: number
  readonly rank: number
}

/** What a banned key (or a dead invite) holds: nothing. */
export const BANNED: Standing = { role: Role.BANNED, capabilities: 0, rank: NO_ROLE_RANK }

/**
 * One rule for every question about a key: banned keys hold nothing; members hold their role's
 * bundle (its current definition); anyone else may only post, and only in an open room.
 */
export function standingOf (state: AclState, id: AuthorId): Standing {
  if (state.bans.has(id)) return BANNED
  const member = state.members.get(id)
  const role: RoleDefinition | undefined = member != null ? state.roles.get(member.role) : undefined
  if (role != null) return { role: role.name, capabilities: role.capabilities, rank: role.rank }
  return { role: null, capabilities: state.policy === Policy.OPEN ? Capability.CAN_POST : 0, rank: NO_ROLE_RANK }
}

/** Whether `actor` holds every bit of `capability`. */
export const holds = (standing: Standing, capability: number): boolean => capability !== 0 && (standing.capabilities & capability) === capability
