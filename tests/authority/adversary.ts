// The adversary for model-based tests: honest and hostile actors issuing random sequences of
// every action on partial, stale or forged views of the log. Used by the reference-model test and
// by the client's storage convergence test.
import fc from 'fast-check'
import { type BuildInit, buildEntry, inviteKeyOf } from '../../src/core/authority/build.ts'
import type { SignedAuthorityEntry } from '../../src/core/authority/entry.ts'
import { LAMPORT_MAX_STEP } from '../../src/core/authority/lamport.ts'
import { type AuthorityLog, authorityLog } from '../../src/core/authority/log.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import { type ChannelId, type RoomId, asEntryHash } from '../../src/core/types.ts'
import { T0, actor } from './helpers.ts'

// 0 owner, 1-2 mods, 3-4 members, 5-6 strangers (6 hostile: it gets invite secrets and back-dates)
const people = [1, 2, 3, 4, 5, 6, 7].map(actor)
const secrets = [80, 81, 82].map((n) => new Uint8Array(32).fill(n))
const KINDS = ['grant', 'revoke', 'ban', 'unban', 'set-policy', 'define-role', 'channel-create', 'channel-rename', 'channel-archive',
  'channel-move', 'invite-create', 'invite-revoke', 'join', 'room-update', 'pin'] as const
const ROLE_NAMES = ['owner', 'mod', 'member', 'helper', 'warden'] as const
/** Held by actor 4 from the start: enough to ban, invite, pin and make channels, at rank 300. */
const HELPER = { name: 'helper', capabilities: 1 | 4 | 16 | 32 | 128, rank: 300 }
/** A weaker role at a mod's rank: granting it to a mod takes capabilities without lowering the rank. */
const WARDEN = { name: 'warden', capabilities: 1 | 4, rank: 500 }

export const stepArb: fc.Arbitrary<Step> = fc.record({
  signer: fc.constantFrom(0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 6),
  target: fc.nat({ max: 6 }),
  kind: fc.constantFrom(...KINDS, 'grant', 'revoke', 'ban', 'define-role', 'join'),
  /** How much of the log the signer has seen: a prefix (stale view, back-dating) or everything. */
  view: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
  /** 0 honest; 1 a small skew; 2 exactly the bound past the parents; 3 one past it (refused). */
  lamport: fc.constantFrom(0, 0, 0, 1, 2, 3),
  pick: fc.nat({ max: 1000 }),
  /** Two entries on the same view: concurrent bans, invite races. */
  twin: fc.boolean(),
  /**
   * A removal of the target by the owner by this route, and then the target's entry (or a
   * stranger's JOIN through the target's invite) made on the view from before it: back-dating.
   */
  backdate: fc.constantFrom(null, 'revoke', 'ban', 'weaker', 'weaker', 'drop', 'drop', 'lower', 'lower', 'invite-revoke')
})
export interface Step {
  readonly signer: number
  readonly target: number
  readonly kind: typeof KINDS[number]
  readonly view: number
  readonly lamport: number
  readonly pick: number
  readonly twin: boolean
  readonly backdate: string | null
  /** For the scripted steps: the secret to use, the role to define. */
  readonly secret?: number
  readonly define?: { readonly name: string, readonly capabilities: number, readonly rank: number }
}

export interface History { readonly entries: SignedAuthorityEntry[], readonly room: RoomId }

/** Signs the entries of one random history, genesis first, in creation order. */
export async function makeHistory (steps: readonly Step[]): Promise<History> {
  const created = await createRoom({ signer: people[0]!, name: 'model', policy: 'invite-only', channels: [{ name: 'general' }], nonce: new Uint8Array(16).fill(1), ts: T0 })
  const made: SignedAuthorityEntry[] = [created.genesis]
  const channels: ChannelId[] = [created.channels[0]!]
  const honest = { view: 1, lamport: 0, twin: false, backdate: null }
  // mods 1 and 2, member 3, and 4 holding 'helper' (ban, invite, pin, channels at rank 300)
  const setup: Step[] = [
    { ...honest, signer: 0, target: 0, kind: 'define-role', pick: 0, define: HELPER },
    { ...honest, signer: 0, target: 0, kind: 'define-role', pick: 0, define: WARDEN },
    ...[1, 2, 3, 4].map((target) => ({ ...honest, signer: 0, target, kind: 'grant' as const, pick: [1, 1, 2, 3][target - 1]! }))
  ]
  let i = 0
  const whole = authorityLog({ room: created.roomId })
  whole.add(made)
  const add = async (view: AuthorityLog, s: Step): Promise<SignedAuthorityEntry | undefined> => {
    const entry = await build(view, s, i++, channels, made)
    if (entry == null) return undefined
    made.push(entry)
    whole.add([entry])
    if (entry.entry.action === 'channel-create') channels.push(entry.hash as unknown as ChannelId)
    return entry
  }
  /** A frozen copy of everything so far, for an entry to be built on later. */
  const full = (): AuthorityLog => { const l = authorityLog({ room: created.roomId }); l.add(made); return l }
  for (const s of [...setup, ...steps]) {
    if (s.backdate != null) {
      // a redefinition of 'helper' weakens its holder, actor 4
      const victim = s.backdate === 'drop' || s.backdate === 'lower' ? 4 : 1 + (s.target % 4)
      const viaInvite = s.kind === 'join'
      if (viaInvite) await add(whole, { ...honest, signer: victim, target: 0, kind: 'invite-create', pick: 2, secret: s.pick })
      const before = full()
      const removal: Step = s.backdate === 'revoke' ? { ...honest, signer: 0, target: victim, kind: 'revoke', pick: 0 }
        : s.backdate === 'ban' ? { ...honest, signer: 0, target: victim, kind: 'ban', pick: 0 }
          : s.backdate === 'weaker' ? { ...honest, signer: 0, target: victim, kind: 'grant', pick: [2, 3, 4][s.pick % 3]! }
            : s.backdate === 'drop' ? { ...honest, signer: 0, target: 0, kind: 'define-role', pick: 0, define: { ...HELPER, capabilities: [1, 1 | 4, 1 | 16 | 128][s.pick % 3]! } }
              : s.backdate === 'lower' ? { ...honest, signer: 0, target: 0, kind: 'define-role', pick: 0, define: { ...HELPER, rank: [50, 99, 100][s.pick % 3]! } }
                : { ...honest, signer: 0, target: 0, kind: 'invite-revoke', pick: s.pick }
      // sometimes one above the heads, so the back-dated entry sorts before the removal and is voided retroactively
      await add(whole, { ...removal, lamport: s.pick % 2 })
      await add(before, { ...s, signer: viaInvite ? 5 + (s.pick % 2) : victim })
      continue
    }
    // twins are built on one frozen view, so the second does not see the first
    let view = s.twin ? full() : whole
    if (s.view < 1) {
      view = authorityLog({ room: created.roomId })
      view.add(made.slice(0, Math.max(1, Math.ceil(s.view * made.length))))
    }
    const versions = s.twin && i >= setup.length ? [s, { ...s, target: (s.target + 1) % 7, pick: s.pick + 1 }] : [s]
    for (const v of versions) await add(view, v)
  }
  return { entries: made, room: created.roomId }
}

async function build (view: AuthorityLog, s: Step, i: number, channels: readonly ChannelId[], made: readonly SignedAuthorityEntry[]): Promise<SignedAuthorityEntry | undefined> {
  const base = view.buildContext()
  const top = Math.max(...base.prev.map((p) => made.find((m) => m.hash === p)!.entry.lamport))
  const lamport = [base.lamport, base.lamport + 1 + (s.pick % 3), top + LAMPORT_MAX_STEP, top + LAMPORT_MAX_STEP + 1][s.lamport]!
  const init: BuildInit = { context: { ...base, lamport }, signer: people[s.signer]!, ts: T0 + i }
  const target = people[s.target]!.id
  const channel = channels[s.pick % channels.length]!
  const secret = secrets[(s.secret ?? s.pick) % secrets.length]!
  const role = ROLE_NAMES[s.pick % ROLE_NAMES.length]!
  const pinTarget = asEntryHash(made[s.pick % made.length]!.hash)
  try {
    switch (s.kind) {
      case 'grant': return await buildEntry.grant(init, { target, role })
      case 'revoke': return await buildEntry.revoke(init, { target })
      case 'ban': return await buildEntry.ban(init, { target, frontier: {} })
      case 'unban': return await buildEntry.unban(init, { target })
      case 'set-policy': return await buildEntry.setPolicy(init, { policy: s.pick % 2 === 0 ? 'open' : 'invite-only' })
      case 'define-role': return await buildEntry.defineRole(init, s.define ?? { name: s.pick % 2 === 0 ? 'helper' : 'warden', capabilities: [1 | 16, 1 | 4 | 32, 1, 1 | 16 | 32 | 64, 1 | 128][s.pick % 5]!, rank: [50, 150, 300, 499, 600][(s.pick >> 3) % 5]! })
      case 'channel-create': return await buildEntry.channelCreate(init, { name: `c${i}` })
      case 'channel-rename': return await buildEntry.channelRename(init, { channel, name: `r${i}` })
      case 'channel-archive': return await buildEntry.channelArchive(init, { channel, archived: s.pick % 2 === 0 })
      case 'channel-move': return await buildEntry.channelMove(init, { channel, position: s.pick % 3 })
      case 'invite-create': return await buildEntry.inviteCreate(init, { secret, role, maxUses: s.pick % 2 === 0 ? 1 : null, expiresAt: s.pick % 7 === 0 ? T0 + 3 : null })
      case 'invite-revoke': return await buildEntry.inviteRevoke(init, { invite: inviteKeyOf(secret) })
      case 'join': return await buildEntry.join(init, { secret: s.pick % 5 === 0 ? null : secret })
      case 'room-update': return await buildEntry.roomUpdate(init, { name: `n${i}` })
      case 'pin': return await buildEntry.pin(init, { channel, message: pinTarget, pinned: s.pick % 3 !== 0 })
    }
  } catch {
    // fields the builder refuses to sign (local misuse): a real client could not send them either
    return undefined
  }
}

