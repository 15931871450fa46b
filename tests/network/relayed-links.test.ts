import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRelayedLinks, type RelayedLinksComponents } from '../../src/network/relayed-links.ts'

/** An in-memory twin of the peer node's side: which peers are connected, and what each attempt returns. */
function twin (direct: boolean[], redial: boolean[]): RelayedLinksComponents & { connectedPeers: Set<string>, tries: string[] } {
  const connectedPeers = new Set<string>()
  const tries: string[] = []
  return {
    connectedPeers,
    tries,
    connected: (p) => connectedPeers.has(p),
    tryDirect: (p) => { tries.push(`direct ${p}`); return Promise.resolve(direct.shift() ?? false) },
    redial: (p) => { tries.push(`redial ${p}`); const ok = redial.shift() ?? false; if (ok) connectedPeers.add(p); return Promise.resolve(ok) }
  }
}

describe('relayed links', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('tries a direct link again after each delay, the last repeating, until one succeeds', async () => {
    const c = twin([false, false, false, true], [])
    const links = createRelayedLinks(c, { upgradeDelaysMs: [100, 1_000] })
    links.add('p')
    await vi.advanceTimersByTimeAsync(99)
    expect(c.tries).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(c.tries).toEqual(['direct p'])
    await vi.advanceTimersByTimeAsync(1_000)
    await vi.advanceTimersByTimeAsync(1_000)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(c.tries).toEqual(['direct p', 'direct p', 'direct p', 'direct p'])
    expect(links.has('p')).toBe(false)
    expect(links.stats).toMatchObject({ upgradesTried: 4, upgradesSucceeded: 1 })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(c.tries).toHaveLength(4)
  })

  it('dials again when the last relayed link is cut, backing off, and gives up after the limit', async () => {
    const c = twin([], [false, false, true])
    const links = createRelayedLinks(c, { upgradeDelaysMs: [1e9], redialDelayMs: 100, maxRedials: 5 })
    links.add('p')
    links.closed('p')
    await vi.advanceTimersByTimeAsync(100)
    expect(c.tries).toEqual(['redial p'])
    await vi.advanceTimersByTimeAsync(199)
    expect(c.tries).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await vi.advanceTimersByTimeAsync(400)
    expect(c.tries).toEqual(['redial p', 'redial p', 'redial p'])
    expect(c.connected('p')).toBe(true)

    const unreachable = twin([], [])
    const lost = createRelayedLinks(unreachable, { upgradeDelaysMs: [1e9], redialDelayMs: 1, maxRedials: 3 })
    lost.add('q')
    lost.closed('q')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(unreachable.tries).toEqual(['redial q', 'redial q', 'redial q'])
    expect(lost.has('q')).toBe(false)
  })

  it('does nothing for a peer still connected another way, for one it never dialled, after a direct link, or once stopped', async () => {
    const c = twin([], [])
    const links = createRelayedLinks(c, { upgradeDelaysMs: [100], redialDelayMs: 10 })
    c.connectedPeers.add('p')
    links.add('p')
    links.closed('p')
    links.closed('stranger')
    links.add('d')
    links.direct('d')
    await vi.advanceTimersByTimeAsync(100)
    expect(c.tries).toEqual(['direct p'])
    links.stop()
    links.add('late')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(c.tries).toEqual(['direct p'])
  })
})
