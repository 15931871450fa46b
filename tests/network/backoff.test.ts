import { describe, expect, it } from 'vitest'
import { backoffDelay, DEFAULT_BACKOFF } from '../../src/network/backoff.ts'

describe('reconnect backoff', () => {
  it('doubles per attempt within [half, full] of the ceiling, and stops at the cap', () => {
    expect(backoffDelay(DEFAULT_BACKOFF, 0, false, 0)).toBe(500)
    expect(backoffDelay(DEFAULT_BACKOFF, 0, false, 0.999)).toBeLessThanOrEqual(1_000)
    expect(backoffDelay(DEFAULT_BACKOFF, 3, false, 0)).toBe(4_000)
    expect(backoffDelay(DEFAULT_BACKOFF, 50, false, 1)).toBe(60_000)
  })

  it('backs off further while the page is hidden', () => {
    expect(backoffDelay(DEFAULT_BACKOFF, 50, true, 1)).toBe(60_000 * DEFAULT_BACKOFF.hiddenFactor)
    expect(backoffDelay(DEFAULT_BACKOFF, 2, true, 0.5)).toBe(backoffDelay(DEFAULT_BACKOFF, 2, false, 0.5) * DEFAULT_BACKOFF.hiddenFactor)
  })
})
