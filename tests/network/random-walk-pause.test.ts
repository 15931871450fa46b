// Regression test for patches/libp2p+3.3.11.patch: libp2p's random walk (which circuit-relay
// discovery runs while a tab has fewer relay reservations than it listens for) started each DHT
// query as the last one ended. A tab that knew one DHT server ran ~1,200 queries in 10 s while idle
// (.scratch/walk.prof.ts); patched, 6. It now pauses between iterations, 1 s doubling to a minute.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RandomWalk } from '../../node_modules/libp2p/dist/src/random-walk.js'

const log = Object.assign(() => {}, { trace: () => {}, error: () => {}, enabled: false })
const logger = { forComponent: () => log }

/** In-memory twin of peer routing: every query finds the same one peer, as with one DHT server. */
function onePeerRouting (): { routing: unknown, queries: () => number } {
  let queries = 0
  const peer = { id: { toString: () => 'the-only-server' }, multiaddrs: [] }
  return {
    routing: {
      * getClosestPeers () {
        queries++
        yield peer
      }
    },
    queries: () => queries
  }
}

/** A walk over {@link onePeerRouting} with one walker that has taken its first peer. */
async function walkingOnce () {
  const { routing, queries } = onePeerRouting()
  const walk = new RandomWalk({ peerRouting: routing, logger } as never)
  walk.start()
  const controller = new AbortController()
  const walker = walk.walk({ signal: controller.signal })
  await walker.next()
  return { walk, walker, controller, queries }
}

/** Lets every pending promise callback run (no timers advance). */
const settle = async (): Promise<void> => { for (let i = 0; i < 20; i++) await Promise.resolve() }

describe('random walk (patched libp2p)', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('waits 1 s, then 2 s, before the next queries, instead of querying again at once', async () => {
    const { walk, walker, controller, queries } = await walkingOnce()
    expect(queries()).toBe(1)

    const second = walker.next()
    await settle()
    expect(queries()).toBe(1)
    await vi.advanceTimersByTimeAsync(999)
    expect(queries()).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    await second
    expect(queries()).toBe(2)

    const third = walker.next()
    await vi.advanceTimersByTimeAsync(1_999)
    expect(queries()).toBe(2)
    await vi.advanceTimersByTimeAsync(1)
    await third
    expect(queries()).toBe(3)

    controller.abort()
    walk.stop()
    await expect(walker.next()).rejects.toThrow()
  })

  it('stops at once when its last walker leaves during a pause', async () => {
    const { walk, walker, controller, queries } = await walkingOnce()
    const waiting = walker.next()
    await settle()
    controller.abort()
    await expect(waiting).rejects.toThrow()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(queries()).toBe(1)
    expect(vi.getTimerCount()).toBe(0)
    walk.stop()
  })
})
