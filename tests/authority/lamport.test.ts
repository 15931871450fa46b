import { describe, expect, it } from 'vitest'
import { LAMPORT_MAX_STEP, absorbLamport } from '../../src/core/authority/lamport.ts'
import { authorityLog } from '../../src/core/authority/log.ts'
import { alice, modA, owner, testRoom } from './helpers.ts'

describe('lamports are bounded, so an honest peer can always sign its next entry', () => {
  it('refuses an entry whose lamport runs more than the bound past its parents, and accepts one at the bound', async () => {
    const r = await testRoom()
    const base = r.log.buildContext()
    const top = r.genesis.entry.lamport
    const far = await r.act(owner, 'grant', { target: modA.id, role: 'mod' }, { lamport: top + LAMPORT_MAX_STEP + 1 })
    expect(r.log.rejected().find((x) => x.hash === far.hash)?.reason).toBe('broken-chain')
    const edge = await r.act(owner, 'grant', { target: alice.id, role: 'member' }, { ...base, lamport: top + LAMPORT_MAX_STEP })
    expect(r.log.rejected().find((x) => x.hash === edge.hash)).toBeUndefined()
    expect(r.log.roleOf(alice.id)).toBe('member')
  })

  it("signs an accepted entry after a stranger's refused entry at the bound, and after a clock pushed to the ceiling", async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    const tip = r.log.buildContext()
    // a stranger's refused entry, as high as the bound lets it go: a node, so it raises what we have seen
    const spam = await r.act(alice, 'channelCreate', { name: 'spam' }, { lamport: tip.lamport - 1 + LAMPORT_MAX_STEP })
    expect(r.log.rejected().find((x) => x.hash === spam.hash)?.reason).toBe('unauthorized')
    const honest = await r.act(owner, 'channelCreate', { name: 'ours' })
    // and once more with a room clock a hostile feed entry pushed as far as it goes
    const next = await r.act(modA, 'channelCreate', { name: 'mods' }, r.log.buildContext(Number.MAX_SAFE_INTEGER - 1))
    for (const log of [r.log, authorityLog({ room: r.log.room })]) {
      log.add(r.made)
      expect(log.rejected().map((x) => x.hash)).toEqual([spam.hash])
      expect(log.channels().map((c) => c.name)).toEqual(['general', 'ours', 'mods'])
    }
    expect(next.entry.lamport - honest.entry.lamport).toBeLessThanOrEqual(LAMPORT_MAX_STEP)
  })

  it('moves the room clock forward by at most the bound per entry seen, and never back', () => {
    expect(absorbLamport(10, 12)).toBe(12)
    expect(absorbLamport(10, 3)).toBe(10)
    expect(absorbLamport(10, Number.MAX_SAFE_INTEGER)).toBe(10 + LAMPORT_MAX_STEP)
  })
})
