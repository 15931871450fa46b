/** How many notices a key may send at once, and how fast its allowance comes back. */
export interface KeyRateInit {
  /** Notices allowed in a burst. */
  readonly burst: number
  /** Milliseconds for one notice of allowance to come back. */
  readonly refillMs: number
  /** Keys tracked at most; beyond, the least recently seen is forgotten (it starts afresh with a full burst). */
  readonly maxKeys: number
}

/** A per-key token bucket: pure, with the clock passed in. */
export interface KeyRate {
  /** Whether `key` may send one more notice at `now`; if so, it is counted. */
  take (key: string, now: number): boolean
}

/**
 * Rate limit per signing key, for ephemeral notices (presence, typing, profile updates): a key
 * that floods is ignored until its allowance refills, whatever peer relays it, and nobody else is
 * affected. Bounded memory: at most `maxKeys` buckets.
 */
export function createKeyRate (init: KeyRateInit): KeyRate {
  const buckets = new Map<string, { tokens: number, at: number }>()
  return {
    take (key, now) {
      const b = buckets.get(key)
      const tokens = b == null ? init.burst : Math.min(init.burst, b.tokens + Math.max(0, now - b.at) / init.refillMs)
      buckets.delete(key)
      if (buckets.size >= init.maxKeys) buckets.delete(buckets.keys().next().value!)
      const allowed = tokens >= 1
      buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, at: now })
      return allowed
    }
  }
}
