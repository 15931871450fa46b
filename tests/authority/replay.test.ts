import { describe, expect, it } from 'vitest'
import { Capability } from '../../src/core/authority/capabilities.ts'
import { inviteKeyOf } from '../../src/core/authority/build.ts'
import { authorityLog } from '../../src/core/authority/log.ts'
import { asChannelId, asEntryHash } from '../../src/core/types.ts'
import { T0, alice, bob, modA, modB, owner, testRoom } from './helpers.ts'

const reasonOf = (log: ReturnType<typeof authorityLog>, hash: string): string | undefined => log.rejected().find((r) => r.hash === hash)?.reason

describe('authority replay: roles and the rank rule', () => {
  it('makes the creator OWNER and lists the genesis channels', async () => {
    const r = await testRoom()
    expect(r.log.complete).toBe(true)
    expect(r.log.roleOf(owner.id)).toBe('owner')
    expect(r.log.info()).toMatchObject({ name: 'test room', policy: 'invite-only', creator: owner.id })
    expect(r.log.channels()).toEqual([{ id: r.general, name: 'general', topic: '', archived: false, position: 0, pins: [] }])
  })

  it('lets a mod admit members but not make mods, and lets nobody act on an equal rank', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(owner, 'grant', { target: modB.id, role: 'mod' })
    await r.act(modA, 'grant', { target: alice.id, role: 'member' })
    const mkMod = await r.act(modA, 'grant', { target: bob.id, role: 'mod' })
    const banMod = await r.act(modA, 'ban', { target: modB.id, frontier: {} })
    const byMember = await r.act(alice, 'grant', { target: bob.id, role: 'member' })
    expect(r.log.roleOf(alice.id)).toBe('member')
    expect(r.log.roleOf(bob.id)).toBeNull()
    expect(r.log.roleOf(modB.id)).toBe('mod')
    expect(reasonOf(r.log, mkMod.hash)).toBe('unauthorized')
    expect(reasonOf(r.log, banMod.hash)).toBe('unauthorized')
    expect(reasonOf(r.log, byMember.hash)).toBe('unauthorized')
    expect(r.log.can(modA.id, 'ban', alice.id)).toBe(true)
    expect(r.log.can(modA.id, 'ban', modB.id)).toBe(false)
    expect(r.log.can(alice.id, 'ban')).toBe(false)
    expect(r.log.can(alice.id, 'no-such-capability')).toBe(false)
  })

  it('defines roles only with capabilities and ranks below the signer', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    const helper = await r.act(owner, 'defineRole', { name: 'helper', capabilities: Capability.CAN_POST | Capability.CAN_PIN, rank: 200 })
    const tooStrong = await r.act(owner, 'defineRole', { name: 'god', capabilities: Capability.CAN_POST, rank: 1000 })
    const builtin = await r.act(owner, 'defineRole', { name: 'mod', capabilities: 0, rank: 1 })
    await r.act(owner, 'grant', { target: alice.id, role: 'helper' })
    expect(reasonOf(r.log, helper.hash)).toBeUndefined()
    expect(reasonOf(r.log, tooStrong.hash)).toBe('unauthorized')
    expect(reasonOf(r.log, builtin.hash)).toBe('unauthorized')
    expect(r.log.roles().map((x) => x.name)).toEqual(['owner', 'mod', 'helper', 'member', 'banned'])
    expect(r.log.can(alice.id, 'pin')).toBe(true)
    expect(r.log.can(alice.id, 'delete')).toBe(false)
    // a mod lacks manage-roles, so cannot give 'helper' even though it is below its rank
    const byMod = await r.act(modA, 'grant', { target: bob.id, role: 'helper' })
    expect(reasonOf(r.log, byMod.hash)).toBe('unauthorized')
  })

  it('keeps actions made under a valid role after that role is revoked', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(modA, 'grant', { target: alice.id, role: 'member' })
    await r.act(owner, 'revoke', { target: modA.id })
    const after = await r.act(modA, 'grant', { target: bob.id, role: 'member' })
    expect(r.log.roleOf(alice.id)).toBe('member')
    expect(r.log.roleOf(modA.id)).toBeNull()
    expect(reasonOf(r.log, after.hash)).toBe('unauthorized')
  })
})

describe('authority replay: feeds through mayAppend', () => {
  it('keeps a banned author entries up to the frontier, rejects later ones, and UNBAN lifts it', async () => {
    const r = await testRoom('open')
    const ban = await r.act(owner, 'ban', { target: bob.id, reason: 'spam', frontier: { [r.general]: 3 } })
    expect(r.log.mayAppend(bob.id, r.general, 3).ok).toBe(true)
    expect(r.log.mayAppend(bob.id, r.general, 4)).toMatchObject({ ok: false, reason: 'banned' })
    expect(r.log.bans()).toEqual([{ target: bob.id, reason: 'spam', frontier: { [r.general]: 3 }, by: owner.id, entry: ban.hash }])
    const join = await r.act(bob, 'join', {})
    expect(reasonOf(r.log, join.hash)).toBe('banned')
    await r.act(owner, 'unban', { target: bob.id })
    expect(r.log.mayAppend(bob.id, r.general, 4).ok).toBe(true)
  })

  it('lets only members post in an invite-only room, and a revoked member keep history up to its frontier', async () => {
    const r = await testRoom('invite-only')
    expect(r.log.mayAppend(alice.id, r.general, 1)).toMatchObject({ ok: false, reason: 'unauthorized' })
    await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    expect(r.log.mayAppend(alice.id, r.general, 1).ok).toBe(true)
    await r.act(owner, 'revoke', { target: alice.id, frontier: { [r.general]: 5 } })
    expect(r.log.mayAppend(alice.id, r.general, 5).ok).toBe(true)
    expect(r.log.mayAppend(alice.id, r.general, 6).ok).toBe(false)
    await r.act(owner, 'setPolicy', { policy: 'open' })
    expect(r.log.mayAppend(alice.id, r.general, 6).ok).toBe(true)
  })

  it('creates, renames and archives channels; archived channels keep entries up to the frontier', async () => {
    const r = await testRoom('open')
    const created = await r.act(owner, 'channelCreate', { name: 'random', topic: 'anything' })
    const random = asChannelId(created.hash)
    await r.act(owner, 'channelRename', { channel: random, name: 'off-topic', topic: 'really anything' })
    await r.act(owner, 'channelArchive', { channel: random, archived: true, frontier: { [alice.id]: 2 } })
    expect(r.log.channels()[1]).toEqual({ id: random, name: 'off-topic', topic: 'really anything', archived: true, position: 1, pins: [] })
    expect(r.log.mayAppend(alice.id, random, 2).ok).toBe(true)
    expect(r.log.mayAppend(alice.id, random, 3).ok).toBe(false)
    expect(r.log.mayAppend(bob.id, random, 1).ok).toBe(false)
    expect(r.log.mayAppend(alice.id, asChannelId(r.genesis.hash), 1)).toMatchObject({ ok: false, reason: 'unauthorized' })
    await r.act(owner, 'channelArchive', { channel: random, archived: false })
    expect(r.log.mayAppend(bob.id, random, 1).ok).toBe(true)
    const third = asChannelId((await r.act(owner, 'channelCreate', { name: 'third' })).hash)
    await r.act(owner, 'channelMove', { channel: third, position: 0 })
    const noop = await r.act(owner, 'channelMove', { channel: r.general, position: 1 })
    await r.act(owner, 'channelMove', { channel: r.general, position: 99 })
    expect(r.log.channels().map((c) => [c.id, c.position])).toEqual([[third, 0], [random, 1], [r.general, 2]])
    expect(reasonOf(r.log, noop.hash)).toBe('duplicate')
  })

  it('mutes through a role without CAN_POST, keeping entries up to the grant frontier', async () => {
    const r = await testRoom('open')
    await r.act(owner, 'defineRole', { name: 'muted', capabilities: 0, rank: 50 })
    await r.act(owner, 'grant', { target: alice.id, role: 'muted', frontier: { [r.general]: 1 } })
    expect(r.log.mayAppend(alice.id, r.general, 1).ok).toBe(true)
    expect(r.log.mayAppend(alice.id, r.general, 2)).toMatchObject({ ok: false, reason: 'unauthorized' })
  })
})

describe('authority replay: invites and joins', () => {
  const secret = new Uint8Array(32).fill(42)

  it('admits a joiner with a valid invite and counts uses down', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(modA, 'inviteCreate', { secret, role: 'member', maxUses: 2, expiresAt: T0 + 1000 })
    await r.act(alice, 'join', { secret })
    expect(r.log.roleOf(alice.id)).toBe('member')
    expect(r.log.invites()).toEqual([{ key: inviteKeyOf(secret), role: 'member', expiresAt: T0 + 1000, maxUses: 2, remainingUses: 1, revoked: false, createdBy: modA.id }])
  })

  it('rejects a JOIN beyond maxUses (invite-exhausted) or after expiresAt (invite-expired)', async () => {
    const r = await testRoom()
    await r.act(owner, 'inviteCreate', { secret, role: 'member', maxUses: 1, expiresAt: T0 + 3 })
    await r.act(alice, 'join', { secret })
    const second = await r.act(bob, 'join', { secret })
    expect(reasonOf(r.log, second.hash)).toBe('invite-exhausted')
    const other = new Uint8Array(32).fill(43)
    await r.act(owner, 'inviteCreate', { secret: other, role: 'member', expiresAt: T0 + 1 })
    const late = await r.act(bob, 'join', { secret: other })
    expect(late.entry.ts).toBeGreaterThan(T0 + 1)
    expect(reasonOf(r.log, late.hash)).toBe('invite-expired')
    expect(r.log.roleOf(bob.id)).toBeNull()
  })

  it('refuses joins on revoked invites, invites of a removed mod, and inviteless joins of invite-only rooms', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(owner, 'inviteCreate', { secret, role: 'member' })
    await r.act(owner, 'inviteRevoke', { invite: inviteKeyOf(secret) })
    const revoked = await r.act(alice, 'join', { secret })
    const other = new Uint8Array(32).fill(44)
    await r.act(modA, 'inviteCreate', { secret: other, role: 'member' })
    await r.act(owner, 'revoke', { target: modA.id })
    const fromRemoved = await r.act(alice, 'join', { secret: other })
    const bare = await r.act(bob, 'join', {})
    expect(reasonOf(r.log, revoked.hash)).toBe('invite-invalid')
    expect(reasonOf(r.log, fromRemoved.hash)).toBe('invite-invalid')
    expect(reasonOf(r.log, bare.hash)).toBe('invite-invalid')
  })

  it('lets anyone join an open room without an invite', async () => {
    const r = await testRoom('open')
    await r.act(alice, 'join', {})
    expect(r.log.roleOf(alice.id)).toBe('member')
  })
})

describe('authority replay: room settings and pins', () => {
  it('updates the room and pins with the right capabilities only', async () => {
    const r = await testRoom('open')
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(owner, 'roomUpdate', { name: 'renamed', description: 'about', tags: ['p2p'] })
    const byMod = await r.act(modA, 'roomUpdate', { name: 'hijack' })
    const message = asEntryHash(r.genesis.hash)
    await r.act(modA, 'pin', { channel: r.general, message, pinned: true })
    const byMember = await r.act(alice, 'pin', { channel: r.general, message, pinned: false })
    expect(r.log.info()).toMatchObject({ name: 'renamed', description: 'about', tags: ['p2p'] })
    expect(reasonOf(r.log, byMod.hash)).toBe('unauthorized')
    expect(reasonOf(r.log, byMember.hash)).toBe('unauthorized')
    expect(r.log.channels()[0]!.pins).toEqual([message])
  })
})

describe('authority log: incremental and full replay', () => {
  it('applies entries that extend the heads incrementally and equals a replay from scratch', async () => {
    const r = await testRoom()
    const entries = [r.genesis]
    const fresh = authorityLog({ room: r.log.room })
    expect(fresh.add([r.genesis])).toBe('incremental')
    for (const [signer, target] of [[owner, modA], [owner, alice], [modA, bob]] as const) {
      const e = await r.act(signer, 'grant', { target: target.id, role: signer === owner && target === modA ? 'mod' : 'member' })
      entries.push(e)
      expect(fresh.add([e])).toBe('incremental')
    }
    expect(fresh.add([entries[1]!])).toBe('unchanged')
    const scratch = authorityLog({ room: r.log.room })
    scratch.add([...entries].reverse())
    expect(scratch.encodeState()).toEqual(fresh.encodeState())
  })

  it('replays from a checkpoint when a late entry sorts before applied ones, with the same result', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    const base = r.log.buildContext()
    const late = await r.act(modA, 'grant', { target: alice.id, role: 'member' }, base)
    const early = r.made.filter((e) => e !== late)
    const log = authorityLog({ room: r.log.room })
    log.add(early)
    const ahead = await r.act(owner, 'grant', { target: bob.id, role: 'member' }, { prev: base.prev, lamport: base.lamport + 5 })
    log.add([ahead])
    expect(log.add([late])).toBe('resumed')
    expect(log.encodeState()).toEqual(r.log.encodeState())
    expect(log.members().map((m) => m.id).sort()).toEqual([owner.id, modA.id, alice.id, bob.id].sort())
  })

  it('resumes from a checkpoint deep in a long log, and from scratch once a void has fired', async () => {
    const r = await testRoom('open')
    for (let i = 0; i < 1100; i++) await r.act(owner, 'channelCreate', { name: `c${i}` })
    const late = await r.act(owner, 'grant', { target: alice.id, role: 'mod' }, { prev: [r.made.at(-2)!.hash], lamport: r.made.at(-2)!.entry.lamport + 1 })
    const log = authorityLog({ room: r.log.room })
    log.add(r.made.filter((e) => e !== late))
    expect(log.add([late])).toBe('resumed')
    expect(log.encodeState()).toEqual(r.log.encodeState())
    // a removal exposing a back-dated entry: the void rule fires, and later late entries replay from scratch
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    const before = r.log.buildContext()
    const ban = await r.act(owner, 'ban', { target: modA.id, frontier: {} })
    const backdated = await r.act(modA, 'channelCreate', { name: 'sneaky' }, before)
    log.add(r.made.filter((e) => e !== backdated && e !== ban))
    log.add([backdated])
    expect(log.add([ban])).toBe('incremental')
    const lateAgain = await r.act(owner, 'channelCreate', { name: 'late' }, { prev: [r.made[5]!.hash], lamport: r.made[5]!.entry.lamport + 1 })
    expect(log.add([lateAgain])).toBe('full')
    expect(log.encodeState()).toEqual(r.log.encodeState())
    expect(log.rejected().find((x) => x.hash === backdated.hash)?.reason).toBe('unauthorized')
  })
})
