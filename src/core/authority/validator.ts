import { type Validated, accept, reject, RejectReason } from '../result.ts'
import type { AuthorId } from '../types.ts'
import { Capability, Role, covers } from './capabilities.ts'
import { Action, type AuthorityEntry, type EntryOf, Policy } from './entry.ts'
import { type Holder, holderStanding, inviteHolder, keyHolder } from './removal.ts'
import { type Standing, holds, standingOf } from './standing.ts'
import type { AclState } from './state.ts'

/**
 * How the rules see a holder's standing. Normally as the state has it; the void rule passes a lens
 * that weakens holders by removals the entry does not descend from (removal.ts).
 */
export type Lens = (holder: Holder, standing: Standing) => Standing
const asIs: Lens = (_holder, standing) => standing

/**
 * Every authorisation rule of the authority log, in one place: may this entry's signer do this
 * to the state as it stands just before the entry? Pure; the replay applies the transform only
 * when this accepts. The rank rule: a signer never acts on a key of equal or higher rank, and
 * grants only roles below its own rank (an OWNER may make co-owners) whose capabilities it holds.
 */
export function authorize (state: AclState, entry: AuthorityEntry, lens: Lens = asIs): Validated<true> {
  if (entry.action === Action.GENESIS) {
    return state.genesis == null ? accept(true) : reject(RejectReason.Fork, `room already has genesis ${state.genesis}`)
  }
  if (state.genesis == null) return reject(RejectReason.BrokenChain, 'no genesis before this entry')
  const signer = lens(keyHolder(entry.signer), standingOf(state, entry.signer))
  if (signer.role === Role.BANNED) return reject(RejectReason.Banned, 'signer is banned')
  return RULES[entry.action](state, entry as never, signer, lens)
}

type Rule<A extends Action> = (state: AclState, entry: EntryOf<A>, signer: Standing, lens: Lens) => Validated<true>

const unauthorized = (detail: string): Validated<true> => reject(RejectReason.Unauthorized, detail)

function needs (signer: Standing, capability: number, what: string): Validated<true> | undefined {
  return holds(signer, capability) ? undefined : unauthorized(`signer may not ${what}`)
}

function outranks (state: AclState, signer: Standing, target: AuthorId): Validated<true> | undefined {
  const theirs = standingOf(state, target).rank
  return signer.rank > theirs ? undefined : unauthorized(`target's rank ${theirs} is not below the signer's ${signer.rank}`)
}

/** May `signer` hand out role `name` (by GRANT or by invite)? */
function mayConfer (state: AclState, signer: Standing, name: string): Validated<true> | undefined {
  const role = state.roles.get(name)
  if (role == null || name === Role.BANNED) return unauthorized(`no grantable role ${name}`)
  if (!covers(signer.capabilities, role.capabilities)) return unauthorized(`role ${name} has capabilities the signer lacks`)
  if (role.rank >= signer.rank && signer.role !== Role.OWNER) return unauthorized(`role ${name} is not below the signer's rank`)
  return undefined
}

const RULES: { readonly [A in Exclude<Action, 'genesis'>]: Rule<A> } = {
  grant: (state, e, signer) => {
    if (state.bans.has(e.target)) return reject(RejectReason.Banned, 'target is banned; UNBAN first')
    const admitsMember = e.role === Role.MEMBER && !state.members.has(e.target) && holds(signer, Capability.CAN_INVITE)
    return (admitsMember ? undefined : needs(signer, Capability.CAN_MANAGE_ROLES, 'manage roles')) ??
      outranks(state, signer, e.target) ?? mayConfer(state, signer, e.role) ?? accept(true)
  },
  revoke: (state, e, signer) => {
    if (!state.members.has(e.target)) return unauthorized('target holds no role')
    if (e.target === e.signer) return accept(true)
    if (!holds(signer, Capability.CAN_MANAGE_ROLES) && !holds(signer, Capability.CAN_BAN)) return unauthorized('signer may not revoke roles')
    return outranks(state, signer, e.target) ?? accept(true)
  },
  ban: (state, e, signer) => {
    if (state.bans.has(e.target)) return reject(RejectReason.Duplicate, 'target is already banned')
    return needs(signer, Capability.CAN_BAN, 'ban') ?? outranks(state, signer, e.target) ?? accept(true)
  },
  unban: (state, e, signer) => {
    if (!state.bans.has(e.target)) return reject(RejectReason.Duplicate, 'target is not banned')
    return needs(signer, Capability.CAN_BAN, 'unban') ?? accept(true)
  },
  'set-policy': (state, e, signer) => {
    if (state.policy === e.policy) return reject(RejectReason.Duplicate, `policy is already ${e.policy}`)
    return needs(signer, Capability.CAN_SET_POLICY, 'set the policy') ?? accept(true)
  },
  'define-role': (state, e, signer) => {
    const existing = state.roles.get(e.name)
    if (existing?.builtin === true) return unauthorized(`role ${e.name} is built in`)
    if (existing != null && existing.rank >= signer.rank) return unauthorized(`role ${e.name} is not below the signer's rank`)
    if (e.rank >= signer.rank) return unauthorized(`rank ${e.rank} is not below the signer's ${signer.rank}`)
    if (!covers(signer.capabilities, e.capabilities)) return unauthorized('role has capabilities the signer lacks')
    return needs(signer, Capability.CAN_MANAGE_ROLES, 'manage roles') ?? accept(true)
  },
  'channel-create': (_state, _e, signer) => needs(signer, Capability.CAN_MANAGE_CHANNELS, 'manage channels') ?? accept(true),
  'channel-rename': (state, e, signer) => {
    if (!state.channels.has(e.channel)) return unauthorized(`no channel ${e.channel}`)
    return needs(signer, Capability.CAN_MANAGE_CHANNELS, 'manage channels') ?? accept(true)
  },
  'channel-archive': (state, e, signer) => {
    const channel = state.channels.get(e.channel)
    if (channel == null) return unauthorized(`no channel ${e.channel}`)
    if (channel.archived === e.archived) return reject(RejectReason.Duplicate, `channel is already ${e.archived ? 'archived' : 'active'}`)
    return needs(signer, Capability.CAN_MANAGE_CHANNELS, 'manage channels') ?? accept(true)
  },
  'channel-move': (state, e, signer) => {
    const channel = state.channels.get(e.channel)
    if (channel == null) return unauthorized(`no channel ${e.channel}`)
    if (channel.position === Math.min(e.position, state.channels.size - 1)) return reject(RejectReason.Duplicate, `channel is already at ${channel.position}`)
    return needs(signer, Capability.CAN_MANAGE_CHANNELS, 'manage channels') ?? accept(true)
  },
  'invite-create': (state, e, signer) => {
    if (state.invites.has(e.invite)) return reject(RejectReason.Duplicate, 'invite key already used')
    return needs(signer, Capability.CAN_INVITE, 'invite') ?? mayConfer(state, signer, e.role) ?? accept(true)
  },
  'invite-revoke': (state, e, signer) => {
    const invite = state.invites.get(e.invite)
    if (invite == null || invite.revoked) return reject(RejectReason.InviteInvalid, 'no live invite with this key')
    return needs(signer, Capability.CAN_INVITE, 'revoke invites') ?? accept(true)
  },
  join: (state, e, _signer, lens) => {
    if (state.members.has(e.signer)) return reject(RejectReason.Duplicate, 'signer is already a member')
    if (e.invite == null) return state.policy === Policy.OPEN ? accept(true) : reject(RejectReason.InviteInvalid, 'invite-only room: JOIN needs an invite')
    const invite = state.invites.get(e.invite)
    const holder = inviteHolder(e.invite)
    if (invite == null || lens(holder, holderStanding(state, holder)).role === Role.BANNED) return reject(RejectReason.InviteInvalid, 'no live invite with this key')
    // an invite carries its creator's right to invite: it admits only while the creator could still make it
    const creator = lens(keyHolder(invite.createdBy), standingOf(state, invite.createdBy))
    if (!holds(creator, Capability.CAN_INVITE) || mayConfer(state, creator, invite.role) != null) return reject(RejectReason.InviteInvalid, 'the invite\'s creator may no longer invite with this role')
    if (invite.expiresAt != null && e.ts > invite.expiresAt) return reject(RejectReason.InviteExpired, `joined at ${e.ts}, invite expired at ${invite.expiresAt}`)
    if (invite.maxUses != null && invite.uses >= invite.maxUses) return reject(RejectReason.InviteExhausted, `invite used ${invite.uses} of ${invite.maxUses} times`)
    return accept(true)
  },
  'room-update': (_state, _e, signer) => needs(signer, Capability.CAN_MANAGE_ROOM, 'update the room') ?? accept(true),
  pin: (state, e, signer) => {
    const channel = state.channels.get(e.channel)
    if (channel == null) return unauthorized(`no channel ${e.channel}`)
    if (channel.pins.includes(e.message) === e.pinned) return reject(RejectReason.Duplicate, `message is already ${e.pinned ? 'pinned' : 'unpinned'}`)
    return needs(signer, Capability.CAN_PIN, 'pin') ?? accept(true)
  }
}
