import { type ChannelId, type EntryHash, asChannelId } from '../types.ts'
import { Role } from './capabilities.ts'
import { genesisChannelId } from './channel-id.ts'
import type { Action, EntryOf, Frontier } from './entry.ts'
import type { AclState } from './state.ts'

/**
 * One transform per action: how an authorised entry changes the state. Each mutates the replay's
 * draft and nothing else; whether it may run at all was decided by validator.ts.
 */
type Transform<A extends Action> = (state: AclState, entry: EntryOf<A>) => void

function addChannel (state: AclState, id: ChannelId, name: string, topic: string): void {
  state.channels.set(id, { id, name, topic, archived: false, archiveFrontier: {}, position: state.channels.size, pins: [] })
}

/** The larger of two cut-offs, key by key. */
function maxFrontier (a: Frontier | undefined, b: Frontier): Frontier {
  const out: Record<string, number> = { ...a }
  for (const [k, seq] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, seq)
  return out
}

/** A removed key's invites die with its role: a rogue mod's links stop working when it is removed. */
function dropRole (state: AclState, target: EntryOf<'revoke'>['target'], frontier: Frontier): void {
  if (state.members.delete(target)) state.departed.set(target, maxFrontier(state.departed.get(target), frontier))
  for (const invite of state.invites.values()) if (invite.createdBy === target) invite.revoked = true
}

function setMember (state: AclState, id: EntryOf<'grant'>['target'], role: string, since: EntryHash, frontier: Frontier): void {
  state.members.set(id, { id, role, since, frontier })
  state.departed.delete(id)
}

export const TRANSFORMS: { readonly [A in Action]: Transform<A> } = {
  genesis: (state, e) => {
    state.genesis = e.hash
    state.creator = e.signer
    state.name = e.name
    state.description = e.description
    state.tags = e.tags
    state.policy = e.policy
    setMember(state, e.signer, Role.OWNER, e.hash, {})
    e.channels.forEach((c, i) => addChannel(state, genesisChannelId(e.hash, i), c.name, c.topic))
  },
  grant: (state, e) => setMember(state, e.target, e.role, e.hash, e.frontier),
  revoke: (state, e) => dropRole(state, e.target, e.frontier),
  ban: (state, e) => {
    dropRole(state, e.target, {})
    state.bans.set(e.target, { target: e.target, reason: e.reason, frontier: e.frontier, by: e.signer, entry: e.hash })
  },
  unban: (state, e) => {
    const ban = state.bans.get(e.target)!
    state.bans.delete(e.target)
    if (state.departed.has(e.target)) state.departed.set(e.target, maxFrontier(state.departed.get(e.target), ban.frontier))
  },
  'set-policy': (state, e) => { state.policy = e.policy },
  'define-role': (state, e) => { state.roles.set(e.name, { name: e.name, capabilities: e.capabilities, rank: e.rank, builtin: false }) },
  'channel-create': (state, e) => addChannel(state, asChannelId(e.hash), e.name, e.topic),
  'channel-rename': (state, e) => {
    const channel = state.channels.get(e.channel)!
    channel.name = e.name
    channel.topic = e.topic
  },
  'channel-archive': (state, e) => {
    const channel = state.channels.get(e.channel)!
    channel.archived = e.archived
    channel.archiveFrontier = e.archived ? e.frontier : {}
  },
  'channel-move': (state, e) => {
    const order = [...state.channels.values()].sort((a, b) => a.position - b.position).filter((c) => c.id !== e.channel)
    order.splice(Math.min(e.position, order.length), 0, state.channels.get(e.channel)!)
    order.forEach((c, i) => { c.position = i })
  },
  'invite-create': (state, e) => {
    state.invites.set(e.invite, { key: e.invite, role: e.role, expiresAt: e.expiresAt, maxUses: e.maxUses, uses: 0, revoked: false, createdBy: e.signer, entry: e.hash })
  },
  'invite-revoke': (state, e) => { state.invites.get(e.invite)!.revoked = true },
  join: (state, e) => {
    const invite = e.invite != null ? state.invites.get(e.invite) : undefined
    if (invite != null) invite.uses++
    setMember(state, e.signer, invite?.role ?? Role.MEMBER, e.hash, {})
  },
  'room-update': (state, e) => {
    state.name = e.name
    state.description = e.description
    state.tags = e.tags
  },
  pin: (state, e) => {
    const channel = state.channels.get(e.channel)!
    channel.pins = e.pinned ? [...channel.pins, e.message] : channel.pins.filter((m) => m !== e.message)
  }
}
