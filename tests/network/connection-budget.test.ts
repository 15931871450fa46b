import { describe, expect, it } from 'vitest'
import { createConnectionBudget, Refusal } from '../../src/network/connection-budget.ts'
import { ConnectionBudgetExhaustedError } from '../../src/network/errors.ts'

describe('per-tab RTCPeerConnection budget', () => {
  it('hands out exactly `limit` connections, says so once, then refuses with a named error', () => {
    let exhaustedCalls = 0
    const budget = createConnectionBudget({ limit: 3, onExhausted: () => { exhaustedCalls++ } })
    for (let i = 0; i < 3; i++) budget.take()
    expect(exhaustedCalls).toBe(1)
    expect(budget).toMatchObject({ used: 3, exhausted: true })
    expect(() => { budget.take() }).toThrow(ConnectionBudgetExhaustedError)
    expect(budget.used).toBe(3)
    expect(budget.admit('member')).toEqual({ ok: false, reason: Refusal.Exhausted })
  })

  it('counts an admitted offer once: the peer connection the transport then makes takes the reserved unit', () => {
    const budget = createConnectionBudget({ limit: 10 })
    expect(budget.admit('member')).toEqual({ ok: true, outsider: false })
    budget.take()
    expect(budget.used).toBe(1)
    budget.take()
    expect(budget.used).toBe(2)
  })

  it('never lets outsiders take more than their share, so members and our own dials keep the rest', () => {
    const members = new Set(['m1', 'm2'])
    const budget = createConnectionBudget({ limit: 10, outsiderLimit: 3, isMember: (p) => members.has(p) })
    for (let i = 0; i < 50; i++) {
      const admitted = budget.admit(`outsider-${i}`, 1_000)
      if (admitted.ok) budget.take()
    }
    expect(budget).toMatchObject({ used: 3, outsidersUsed: 3 })
    expect(budget.admit('outsider-new', 1_000)).toEqual({ ok: false, reason: Refusal.OutsidersSpent })
    for (const m of members) expect(budget.admit(m, 1_000)).toEqual({ ok: true, outsider: false })
  })

  it('refuses an outsider that offers again before its ban is over, and doubles the ban with each admission', () => {
    const budget = createConnectionBudget({ limit: 100, isMember: () => false })
    let now = 0
    const admittedAt: number[] = []
    // an outsider offering every 100 ms for two minutes
    for (; now < 120_000; now += 100) {
      const admission = budget.admit('attacker', now)
      if (admission.ok) { budget.take(); admittedAt.push(now) } else expect(admission.reason).toBe(Refusal.Banned)
    }
    expect(admittedAt).toEqual([0, 5_000, 15_000, 35_000, 75_000])
    expect(budget.used).toBe(5)
  })

  it('gives an outsider\'s share back once it is known as a member', () => {
    const members = new Set<string>()
    const budget = createConnectionBudget({ limit: 10, outsiderLimit: 2, isMember: (p) => members.has(p) })
    expect(budget.admit('newcomer-1').ok).toBe(true)
    expect(budget.admit('newcomer-2').ok).toBe(true)
    expect(budget.admit('newcomer-3')).toEqual({ ok: false, reason: Refusal.OutsidersSpent })
    members.add('newcomer-1')
    expect(budget.admit('newcomer-3')).toEqual({ ok: true, outsider: true })
    expect(budget).toMatchObject({ used: 3, outsidersUsed: 2 })
  })

  it('refuses a misbehaving peer, member or not, for a ban that doubles with each offence', () => {
    const budget = createConnectionBudget({ limit: 100 })
    budget.offence('rogue', 0)
    expect(budget.admit('rogue', 59_999)).toEqual({ ok: false, reason: Refusal.Banned, until: 60_000 })
    expect(budget.admit('rogue', 60_000).ok).toBe(true)
    budget.offence('rogue', 60_000)
    expect(budget.admit('rogue', 179_999)).toMatchObject({ ok: false, reason: Refusal.Banned })
    expect(budget.admit('rogue', 180_000).ok).toBe(true)
    expect(budget.admit('someone-else', 0).ok).toBe(true)
  })
})
