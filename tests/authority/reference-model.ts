// A reference model of the authority replay, written from docs/protocol/authority.md and not from
// the reducer: plain objects, a replay from scratch over the whole set, full ancestor sets, and
// the void rule found by diffing the standing of every holder in the room before and after each
// entry other than a set-policy (the reducer only looks at the holders an action can touch). Slow
// on purpose; tests only.
import type { AuthorityEntry } from '../../src/core/authority/entry.ts'

const POST = 1
const BAN = 16
const INVITE = 32
const ROLES = 64
const CHANNELS = 128
const POLICY = 256
const ROOM = 512
const PIN = 4
const ALL = 1023
const STEP = 2 ** 24

interface Role { caps: number, rank: number, builtin: boolean }
interface Standing { role: string | null, caps: number, rank: number }
interface Invite { role: string, expiresAt: number | null, maxUses: number | null, uses: number, revoked: boolean, by: string }
interface Channel { name: string, topic: string, archived: boolean, position: number, pins: string[] }
interface State {
  genesis: string | null
  policy: string
  roles: Record<string, Role>
  members: Record<string, string>
  bans: Set<string>
  channels: Record<string, Channel>
  invites: Record<string, Invite>
}
interface Loss { holder: string, lost: number, fell: { rank: number, role: string | null } | null, all: boolean }

const NOTHING: Standing = { role: 'banned', caps: 0, rank: 0 }

function standing (s: State, holder: string): Standing {
  const [kind, id] = holder.split(':') as [string, string]
  if (kind === 'invite') {
    const inv = s.invites[id]
    if (inv == null || inv.revoked) return NOTHING
    return { role: inv.role, caps: s.roles[inv.role]!.caps, rank: s.roles[inv.role]!.rank }
  }
  if (s.bans.has(id)) return NOTHING
  const role = s.members[id]
  if (role != null) return { role, caps: s.roles[role]!.caps, rank: s.roles[role]!.rank }
  return { role: null, caps: s.policy === 'open' ? POST : 0, rank: 0 }
}

function weaken (st: Standing, l: Loss): Standing {
  if (l.all) return NOTHING
  const caps = st.caps & ~l.lost
  return l.fell != null && st.rank > l.fell.rank ? { role: l.fell.role, caps, rank: l.fell.rank } : { ...st, caps }
}

type View = (holder: string) => Standing

const has = (st: Standing, cap: number): boolean => (st.caps & cap) === cap

function mayConfer (s: State, st: Standing, role: string): boolean {
  const r = s.roles[role]
  if (r == null || role === 'banned') return false
  if ((r.caps & ~st.caps) !== 0) return false
  return r.rank < st.rank || st.role === 'owner'
}

/** The table of "allowed when", row by row. */
function allowed (s: State, e: AuthorityEntry, view: View): boolean {
  if (e.action === 'genesis') return s.genesis == null
  if (s.genesis == null) return false
  const me = view(`key:${e.signer}`)
  if (me.role === 'banned') return false
  const rankOf = (id: string): number => standing(s, `key:${id}`).rank
  switch (e.action) {
    case 'grant': {
      if (s.bans.has(e.target)) return false
      const viaInvite = e.role === 'member' && s.members[e.target] == null && has(me, INVITE)
      return (viaInvite || has(me, ROLES)) && rankOf(e.target) < me.rank && mayConfer(s, me, e.role)
    }
    case 'revoke':
      if (s.members[e.target] == null) return false
      if (e.target === e.signer) return true
      return (has(me, ROLES) || has(me, BAN)) && rankOf(e.target) < me.rank
    case 'ban': return !s.bans.has(e.target) && has(me, BAN) && rankOf(e.target) < me.rank
    case 'unban': return s.bans.has(e.target) && has(me, BAN)
    case 'set-policy': return s.policy !== e.policy && has(me, POLICY)
    case 'define-role': {
      const old = s.roles[e.name]
      return old?.builtin !== true && (old == null || old.rank < me.rank) && e.rank < me.rank && (e.capabilities & ~me.caps) === 0 && has(me, ROLES)
    }
    case 'channel-create': return has(me, CHANNELS)
    case 'channel-rename': return s.channels[e.channel] != null && has(me, CHANNELS)
    case 'channel-archive': return s.channels[e.channel] != null && s.channels[e.channel]!.archived !== e.archived && has(me, CHANNELS)
    case 'channel-move': {
      const c = s.channels[e.channel]
      return c != null && c.position !== Math.min(e.position, Object.keys(s.channels).length - 1) && has(me, CHANNELS)
    }
    case 'invite-create': return s.invites[e.invite] == null && has(me, INVITE) && mayConfer(s, me, e.role)
    case 'invite-revoke': return s.invites[e.invite] != null && !s.invites[e.invite]!.revoked && has(me, INVITE)
    case 'join': {
      if (s.members[e.signer] != null) return false
      if (e.invite == null) return s.policy === 'open'
      const inv = s.invites[e.invite]
      if (inv == null || view(`invite:${e.invite}`).role === 'banned') return false
      const creator = view(`key:${inv.by}`)
      if (!has(creator, INVITE) || !mayConfer(s, creator, inv.role)) return false
      return (inv.expiresAt == null || e.ts <= inv.expiresAt) && (inv.maxUses == null || inv.uses < inv.maxUses)
    }
    case 'room-update': return has(me, ROOM)
    case 'pin': {
      const c = s.channels[e.channel]
      return c != null && c.pins.includes(e.message) !== e.pinned && has(me, PIN)
    }
  }
}

function dropRole (s: State, id: string): void {
  delete s.members[id]
  for (const inv of Object.values(s.invites)) if (inv.by === id) inv.revoked = true
}

function apply (s: State, e: AuthorityEntry, genesisChannels: (hash: string, n: number) => string[]): void {
  switch (e.action) {
    case 'genesis': {
      s.genesis = e.hash
      s.policy = e.policy
      s.members[e.signer] = 'owner'
      genesisChannels(e.hash, e.channels.length).forEach((id, i) => { s.channels[id] = { name: e.channels[i]!.name, topic: '', archived: false, position: i, pins: [] } })
      return
    }
    case 'grant': s.members[e.target] = e.role; return
    case 'revoke': dropRole(s, e.target); return
    case 'ban': dropRole(s, e.target); s.bans.add(e.target); return
    case 'unban': s.bans.delete(e.target); return
    case 'set-policy': s.policy = e.policy; return
    case 'define-role': s.roles[e.name] = { caps: e.capabilities, rank: e.rank, builtin: false }; return
    case 'channel-create': s.channels[e.hash] = { name: e.name, topic: e.topic, archived: false, position: Object.keys(s.channels).length, pins: [] }; return
    case 'channel-rename': s.channels[e.channel]!.name = e.name; return
    case 'channel-archive': s.channels[e.channel]!.archived = e.archived; return
    case 'channel-move': {
      const rest = Object.entries(s.channels).filter(([id]) => id !== e.channel).sort((a, b) => a[1].position - b[1].position).map(([id]) => id)
      rest.splice(Math.min(e.position, rest.length), 0, e.channel)
      rest.forEach((id, i) => { s.channels[id]!.position = i })
      return
    }
    case 'invite-create': s.invites[e.invite] = { role: e.role, expiresAt: e.expiresAt, maxUses: e.maxUses, uses: 0, revoked: false, by: e.signer }; return
    case 'invite-revoke': s.invites[e.invite]!.revoked = true; return
    case 'join': {
      const inv = e.invite != null ? s.invites[e.invite] : undefined
      if (inv != null) inv.uses++
      s.members[e.signer] = inv?.role ?? 'member'
      return
    }
    case 'room-update': return
    case 'pin': {
      const c = s.channels[e.channel]!
      c.pins = e.pinned ? [...c.pins, e.message] : c.pins.filter((m) => m !== e.message)
    }
  }
}

const empty = (): State => ({
  genesis: null,
  policy: 'invite-only',
  roles: { owner: { caps: ALL, rank: 1000, builtin: true }, mod: { caps: 1 | 2 | 4 | 8 | 16 | 32 | 128, rank: 500, builtin: true }, member: { caps: POST, rank: 100, builtin: true }, banned: { caps: 0, rank: 0, builtin: true } },
  members: {},
  bans: new Set(),
  channels: {},
  invites: {}
})

/** What the model and the log are compared on. */
export interface ModelResult {
  readonly accepted: Set<string>
  readonly members: Record<string, string>
  readonly bans: string[]
  readonly policy: string
  readonly invites: Record<string, { uses: number, revoked: boolean }>
  readonly channels: Record<string, { name: string, archived: boolean, position: number, pins: string[] }>
}

/** Replays a set of entries (all parents present or named) per the spec. */
export function referenceReplay (entries: readonly AuthorityEntry[], genesisChannels: (hash: string, n: number) => string[]): ModelResult {
  const byHash = new Map(entries.map((e) => [e.hash as string, e]))
  const broken = new Set<string>()
  const isBroken = (e: AuthorityEntry): boolean => {
    if (broken.has(e.hash)) return true
    const parents = e.prev.map((p) => byHash.get(p))
    const bad = parents.some((p) => p == null || isBroken(p) || p.lamport >= e.lamport) ||
      (parents.length > 0 && e.lamport > Math.max(...parents.map((p) => p!.lamport)) + STEP)
    if (bad) broken.add(e.hash)
    return bad
  }
  const live = entries.filter((e) => !isBroken(e))
  const ancestors = new Map<string, Set<string>>()
  const anc = (h: string): Set<string> => {
    let set = ancestors.get(h)
    if (set != null) return set
    set = new Set()
    for (const p of byHash.get(h)!.prev) { set.add(p); for (const a of anc(p)) set.add(a) }
    ancestors.set(h, set)
    return set
  }
  const order = [...live].sort((a, b) => a.lamport - b.lamport || (a.signer < b.signer ? -1 : a.signer > b.signer ? 1 : 0) || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))
  const keys = new Set<string>()
  for (const e of entries) {
    keys.add(`key:${e.signer}`)
    if ('target' in e) keys.add(`key:${e.target}`)
  }
  const marks = new Map<string, Loss[]>()
  const same = (a: Loss, b: Loss): boolean => JSON.stringify(a) === JSON.stringify(b)
  for (;;) {
    const s = empty()
    const removals = new Map<string, Array<{ by: string, loss: Loss }>>()
    const acted = new Map<string, string[]>()
    const accepted = new Set<string>()
    let restart = false
    for (const e of order) {
      const actors = new Set([`key:${e.signer}`])
      if (e.action === 'join' && e.invite != null) {
        actors.add(`invite:${e.invite}`)
        const by = s.invites[e.invite]?.by
        if (by != null) actors.add(`key:${by}`)
      }
      const losses = [...(marks.get(e.hash) ?? [])]
      for (const h of actors) for (const r of removals.get(h) ?? []) if (!anc(e.hash).has(r.by)) losses.push(r.loss)
      if (losses.length > 0 && !allowed(s, e, (h) => losses.filter((l) => l.holder === h).reduce(weaken, standing(s, h)))) continue
      if (!allowed(s, e, (h) => standing(s, h))) continue
      // authority.md, the void rule: only grant, revoke, ban, define-role and invite-revoke are removals;
      // `set-policy` changes only what role-less keys may post, which no authority action needs, so the
      // POST it takes from them is no loss (carried onto a key that later gains a role, it would wrongly
      // void that role's acts)
      const holders = e.action === 'set-policy' ? [] : [...keys, ...Object.keys(s.invites).map((k) => `invite:${k}`)]
      const before = new Map(holders.map((h) => [h, standing(s, h)]))
      apply(s, e, genesisChannels)
      accepted.add(e.hash)
      for (const h of actors) acted.set(h, [...(acted.get(h) ?? []), e.hash])
      for (const [h, was] of before) {
        const now = standing(s, h)
        const all = now.role === 'banned' && was.role !== 'banned'
        const lost = was.caps & ~now.caps
        const fell = now.rank < was.rank ? { rank: now.rank, role: now.role } : null
        if (!all && lost === 0 && fell == null) continue
        const loss: Loss = { holder: h, lost, fell, all }
        removals.set(h, [...(removals.get(h) ?? []), { by: e.hash, loss }])
        for (const x of acted.get(h) ?? []) {
          if (anc(e.hash).has(x)) continue
          const m = marks.get(x) ?? []
          if (m.some((l) => same(l, loss))) continue
          marks.set(x, [...m, loss])
          restart = true
        }
      }
      if (restart) break
    }
    if (restart) continue
    return {
      accepted,
      members: Object.fromEntries(Object.entries(s.members).sort()),
      bans: [...s.bans].sort(),
      policy: s.policy,
      invites: Object.fromEntries(Object.entries(s.invites).sort().map(([k, i]) => [k, { uses: i.uses, revoked: i.revoked }])),
      channels: Object.fromEntries(Object.entries(s.channels).sort().map(([k, c]) => [k, { name: c.name, archived: c.archived, position: c.position, pins: c.pins }]))
    }
  }
}
