import { describe, expect, it } from 'vitest'
import { buildEntry } from '../../src/core/authority/build.ts'
import { HELD_MAX, HOLD_MS, authorityLog } from '../../src/core/authority/log.ts'
import { hashOf } from '../../src/core/codec/hash.ts'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { actor, alice, modA, owner, testRoom, T0 } from './helpers.ts'

/** A hash nobody will ever send: the parent an orphan names. */
const nowhere = (n: number) => hashOf(encodeCanonical({ never: n }))

describe('entries whose parents never arrive', () => {
  it('count against completeness only while young and from a key holding a role; a stranger never', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    let now = T0
    const log = authorityLog({ room: r.log.room, now: () => now })
    log.add(r.made)
    const strangers = await r.act(alice, 'channelCreate', { name: 'x' }, { prev: [nowhere(1)] })
    log.add([strangers])
    expect(log.isHeld(strangers.hash)).toBe(true)
    expect(log.complete).toBe(true)
    const mods = await r.act(modA, 'channelCreate', { name: 'y' }, { prev: [nowhere(2)] })
    log.add([mods])
    expect(log.complete).toBe(false)
    now += HOLD_MS
    expect(log.complete).toBe(true)
    // on the next add they are forgotten, so what they named is no longer asked for, and a copy may come again
    log.add([])
    expect(log.has(mods.hash)).toBe(false)
    expect(log.missing()).toEqual([])
    log.add([mods])
    expect(log.isHeld(mods.hash)).toBe(true)
  })

  it('never change how other entries are judged: the next entry applies and the state equals a log without them', async () => {
    const r = await testRoom()
    const orphan = await r.act(owner, 'channelCreate', { name: 'lost' }, { prev: [nowhere(3)] })
    const grant = await r.act(owner, 'grant', { target: alice.id, role: 'member' }, { prev: [r.genesis.hash], lamport: 1 })
    const clean = authorityLog({ room: r.log.room })
    clean.add([r.genesis, grant])
    expect(r.log.isHeld(orphan.hash)).toBe(true)
    expect(r.log.isHeld(grant.hash)).toBe(false)
    expect(r.log.roleOf(alice.id)).toBe('member')
    expect(r.log.encodeState()).toEqual(clean.encodeState())
  })

  it(`holds at most ${HELD_MAX}; beyond that an orphan is not taken, but an entry with its parent in the same batch is`, async () => {
    const r = await testRoom()
    const log = authorityLog({ room: r.log.room })
    log.add([r.genesis])
    const signer = actor(60)
    const context = { room: r.log.room, lamport: 5 }
    const orphans = await Promise.all(Array.from({ length: HELD_MAX + 1 }, (_, i) => buildEntry.channelCreate({ context: { ...context, prev: [nowhere(100 + i)] }, signer, ts: T0 }, { name: `o${i}` })))
    log.add(orphans)
    expect(orphans.filter((o) => log.has(o.hash))).toHaveLength(HELD_MAX)
    expect(log.has(orphans.at(-1)!.hash)).toBe(false)
    const parent = await buildEntry.grant({ context: { room: r.log.room, prev: [r.genesis.hash], lamport: 1 }, signer: owner, ts: T0 }, { target: alice.id, role: 'mod' })
    const child = await buildEntry.channelCreate({ context: { room: r.log.room, prev: [parent.hash], lamport: 2 }, signer: alice, ts: T0 }, { name: 'kept' })
    log.add([child, parent])
    expect(log.channels().map((c) => c.name)).toEqual(['general', 'kept'])
  })
})
