import { describe, expect, it } from 'vitest'
import { createConnectionBudget } from '../../src/network/connection-budget.ts'
import { ConnectionBudgetExhaustedError } from '../../src/network/errors.ts'

describe('per-tab RTCPeerConnection budget', () => {
  it('hands out exactly `limit` connections, says so once, then refuses with a named error', () => {
    let exhaustedCalls = 0
    const budget = createConnectionBudget(3, () => { exhaustedCalls++ })
    for (let i = 0; i < 3; i++) budget.take()
    expect(exhaustedCalls).toBe(1)
    expect(budget).toMatchObject({ used: 3, exhausted: true })
    expect(() => { budget.take() }).toThrow(ConnectionBudgetExhaustedError)
    expect(budget.used).toBe(3)
  })
})
