/**
 * Reconnect delays: exponential with full jitter, capped, and stretched while the page is hidden
 * (a background tab should not keep waking the radio; see Quiet#2152).
 */
export interface BackoffInit {
  /** First delay (ms). */
  readonly baseMs: number
  /** Largest delay while visible (ms). */
  readonly maxMs: number
  /** Multiplier applied while the page is hidden. */
  readonly hiddenFactor: number
}

export const DEFAULT_BACKOFF: BackoffInit = { baseMs: 1_000, maxMs: 60_000, hiddenFactor: 5 }

/**
 * Delay before attempt number `attempt` (0 for the first retry). `random` in [0, 1) picks the
 * jitter: half the delay is fixed and half random, so retries from many tabs spread out.
 */
export function backoffDelay (init: BackoffInit, attempt: number, hidden: boolean, random: number = Math.random()): number {
  const ceiling = Math.min(init.maxMs, init.baseMs * 2 ** Math.min(attempt, 30))
  const delay = ceiling / 2 + (ceiling / 2) * random
  return Math.round(hidden ? delay * init.hiddenFactor : delay)
}

/** Whether the page is hidden; false where there is no document (Node). */
export function pageHidden (): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden'
}
