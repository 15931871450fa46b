import { describe, expect, it } from 'vitest'
import { Capability } from '../../src/core/authority/capabilities.ts'
import type { SignedAuthorityEntry } from '../../src/core/authority/entry.ts'
import { type AuthorityLog, authorityLog } from '../../src/core/authority/log.ts'
import type { AuthorId } from '../../src/core/types.ts'
import { alice, bob, modA, owner, testRoom, type TestRoom } from './helpers.ts'

const { CAN_POST, CAN_BAN, CAN_PIN } = Capability

/** Replays the room's entries in creation order, reversed, and interleaved; all must give one state, which is returned. */
function everyOrder (r: TestRoom): AuthorityLog {
  const made = r.made
  const orders: SignedAuthorityEntry[][] = [made, [...made].reverse(), [...made.filter((_, i) => i % 2 === 1), ...made.filter((_, i) => i % 2 === 0)]]
  const logs = orders.map((order) => {
    const log = authorityLog({ room: r.log.room })
    for (const e of order) log.add([e])
    return log
  })
  for (const log of logs) expect(log.encodeState()).toEqual(r.log.encodeState())
  return logs[0]!
}

const reasonOf = (log: AuthorityLog, e: SignedAuthorityEntry): string | undefined => log.rejected().find((x) => x.hash === e.hash)?.reason

describe('the void rule counts every loss of capability as a removal', () => {
  it('a grant of a weaker role at the same rank voids a back-dated use of what it took', async () => {
    const r = await testRoom()
    await r.act(owner, 'defineRole', { name: 'steward', capabilities: CAN_POST | CAN_PIN, rank: 500 })
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const before = r.log.buildContext()
    await r.act(owner, 'grant', { target: modA.id, role: 'steward' })
    const ban = await r.act(modA, 'ban', { target: alice.id, frontier: {} }, before)
    const log = everyOrder(r)
    expect(reasonOf(log, ban)).toBe('unauthorized')
    expect(log.roleOf(alice.id)).toBe('member')
  })

  it('voids exactly the capabilities removed: a back-dated act the weaker role still allows stands', async () => {
    const r = await testRoom()
    await r.act(owner, 'defineRole', { name: 'bouncer', capabilities: CAN_POST | CAN_BAN, rank: 400 })
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const before = r.log.buildContext()
    await r.act(owner, 'grant', { target: modA.id, role: 'bouncer' })
    const ban = await r.act(modA, 'ban', { target: alice.id, frontier: {} }, before)
    const channel = await r.act(modA, 'channelCreate', { name: 'back-dated' }, { ...before, lamport: before.lamport + 1, prev: [ban.hash] })
    const log = everyOrder(r)
    expect(reasonOf(log, ban)).toBeUndefined()
    expect(log.roleOf(alice.id)).toBe('banned')
    expect(reasonOf(log, channel)).toBe('unauthorized')
    expect(log.channels().map((c) => c.name)).toEqual(['general'])
  })

  it('a role redefinition that drops a capability voids its holders\' back-dated use of it', async () => {
    const r = await testRoom()
    await r.act(owner, 'defineRole', { name: 'helper', capabilities: CAN_POST | CAN_BAN, rank: 200 })
    await r.act(owner, 'grant', { target: modA.id, role: 'helper' })
    await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const before = r.log.buildContext()
    await r.act(owner, 'defineRole', { name: 'helper', capabilities: CAN_POST, rank: 200 })
    const ban = await r.act(modA, 'ban', { target: alice.id, frontier: {} }, before)
    const log = everyOrder(r)
    expect(reasonOf(log, ban)).toBe('unauthorized')
    expect(log.roleOf(alice.id)).toBe('member')
  })

  it('a role redefinition that lowers its rank voids back-dated acts on keys no longer below it', async () => {
    const r = await testRoom()
    await r.act(owner, 'defineRole', { name: 'helper', capabilities: CAN_POST | CAN_BAN, rank: 200 })
    await r.act(owner, 'grant', { target: modA.id, role: 'helper' })
    await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const before = r.log.buildContext()
    await r.act(owner, 'defineRole', { name: 'helper', capabilities: CAN_POST | CAN_BAN, rank: 50 })
    const onMember = await r.act(modA, 'ban', { target: alice.id, frontier: {} }, before)
    // a key without a role (rank 0) is still below rank 50: that ban stands
    const onStranger = await r.act(modA, 'ban', { target: bob.id, frontier: {} }, { ...before, lamport: before.lamport + 1, prev: [onMember.hash] })
    const log = everyOrder(r)
    expect(reasonOf(log, onMember)).toBe('unauthorized')
    expect(reasonOf(log, onStranger)).toBeUndefined()
    expect(log.bans().map((b) => b.target)).toEqual([bob.id])
  })

  it('an invite admits only while its creator could still make it; a JOIN concurrent with the loss is void', async () => {
    const r = await testRoom()
    const secret = new Uint8Array(32).fill(90)
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    const invite = await r.act(modA, 'inviteCreate', { secret, role: 'member' })
    const before = r.log.buildContext()
    await r.act(owner, 'grant', { target: modA.id, role: 'member' })
    const concurrent = await r.act(alice, 'join', { secret }, before)
    const after = await r.act(bob, 'join', { secret })
    const log = everyOrder(r)
    expect(reasonOf(log, concurrent)).toBe('unauthorized')
    expect(reasonOf(log, after)).toBe('invite-invalid')
    expect(log.invites().map((i) => i.key)).toEqual([(invite.entry as { invite: AuthorId }).invite])
    expect(log.roleOf(alice.id)).toBeNull()
    expect(log.roleOf(bob.id)).toBeNull()
  })

  it('a grant that takes nothing (a promotion) is no removal: a concurrent act stands', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const before = r.log.buildContext()
    await r.act(owner, 'grant', { target: modA.id, role: 'owner' })
    const ban = await r.act(modA, 'ban', { target: alice.id, frontier: {} }, before)
    const log = everyOrder(r)
    expect(reasonOf(log, ban)).toBeUndefined()
    expect(log.roleOf(alice.id)).toBe('banned')
  })
})
