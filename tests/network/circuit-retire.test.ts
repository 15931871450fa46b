import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Connection } from '@libp2p/interface'
import { retireCircuit } from '../../src/network/circuit-retire.ts'

/** An in-memory twin of a libp2p connection: streams that can end, and a close that is counted. */
function fakeCircuit (protocols: string[]): { connection: Connection, end: (protocol: string) => void, closes: () => number } {
  let closes = 0
  const streams = protocols.map((protocol) => Object.assign(new EventTarget(), { protocol }))
  const connection = {
    status: 'open',
    get streams () { return streams },
    close: () => { closes++; return Promise.resolve() }
  } as unknown as Connection
  return {
    connection,
    end: (protocol) => {
      const i = streams.findIndex((s) => s.protocol === protocol)
      const [s] = streams.splice(i, 1)
      s!.dispatchEvent(new Event('close'))
    },
    closes: () => closes
  }
}

const ours = (p: string): boolean => p.startsWith('/peer-rooms/')

describe('retiring a relayed circuit for a direct link', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('closes at once when only GossipSub, identify or ping run on it', () => {
    const c = fakeCircuit(['/meshsub/1.2.0', '/ipfs/ping/1.0.0'])
    retireCircuit(c.connection, ours)
    expect(c.closes()).toBe(1)
  })

  it('waits for a sync of ours still running on it, then closes', () => {
    const c = fakeCircuit(['/meshsub/1.2.0', '/peer-rooms/sync/1.0.0', '/peer-rooms/profiles/1.0.0'])
    retireCircuit(c.connection, ours)
    expect(c.closes()).toBe(0)
    c.end('/peer-rooms/sync/1.0.0')
    expect(c.closes()).toBe(0)
    c.end('/peer-rooms/profiles/1.0.0')
    expect(c.closes()).toBe(1)
    vi.advanceTimersByTime(60_000)
    expect(c.closes()).toBe(1)
  })

  it('closes anyway after the grace period when a stream of ours never ends', () => {
    const c = fakeCircuit(['/peer-rooms/sync/1.0.0'])
    retireCircuit(c.connection, ours)
    vi.advanceTimersByTime(29_999)
    expect(c.closes()).toBe(0)
    vi.advanceTimersByTime(1)
    expect(c.closes()).toBe(1)
  })
})
