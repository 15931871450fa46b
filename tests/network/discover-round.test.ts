// discoverRound with in-memory twins of the lookup, the dialler and the sync: no network.
import { describe, expect, it } from 'vitest'
import { discoverRound } from '../../src/network/discover-round.ts'
import type { ProviderInfo } from '../../src/network/peer-node.ts'

interface Deferred<T> { readonly promise: Promise<T>, resolve (value: T): void }
function deferred<T = void> (): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => { resolve = r })
  return { promise, resolve }
}

const provider = (peerId: string): ProviderInfo => ({ peerId, addrs: [] })

/** A lookup twin: yields each batch of providers once its gate opens; ends after the last gate. */
function lookupTwin (batches: ReadonlyArray<{ readonly gate: Promise<void>, readonly peers: readonly string[] }>): AsyncIterable<ProviderInfo> {
  return (async function * () {
    for (const { gate, peers } of batches) {
      await gate
      for (const p of peers) yield provider(p)
    }
  })()
}

/** Records the calls; dials resolve when the test says so (reachable or not). */
function syncTwin () {
  const dials = new Map<string, Deferred<string | undefined>>()
  const calls: string[] = []
  return {
    calls,
    dialOf (peer: string): Deferred<string | undefined> {
      let d = dials.get(peer)
      if (d == null) { d = deferred<string | undefined>(); dials.set(peer, d) }
      return d
    },
    components (providers: AsyncIterable<ProviderInfo>) {
      return {
        providers,
        dial: async (p: ProviderInfo) => {
          calls.push(`dial ${p.peerId}`)
          return this.dialOf(p.peerId).promise
        },
        syncAll: (peers: readonly string[]) => { calls.push(`syncAll ${peers.join(',')}`); return Promise.resolve(peers) },
        syncOne: (peer: string) => { calls.push(`syncOne ${peer}`); return Promise.resolve(true) }
      }
    }
  }
}

describe('discoverRound', () => {
  it('dials and syncs the first provider while the lookup is still running', async () => {
    const lookupEnds = deferred()
    const twin = syncTwin()
    const synced = deferred()
    const components = twin.components(lookupTwin([{ gate: Promise.resolve(), peers: ['a'] }, { gate: lookupEnds.promise, peers: [] }]))
    const round = discoverRound({ ...components, syncAll: async (peers) => { const r = await components.syncAll(peers); synced.resolve(); return r } })
    twin.dialOf('a').resolve('a')
    await synced.promise
    expect(twin.calls).toEqual(['dial a', 'syncAll a'])
    lookupEnds.resolve()
    expect(await round).toEqual({ found: 1, synced: ['a'] })
  })

  it('syncs providers found together in one plan, once every dial of the group settles', async () => {
    const twin = syncTwin()
    const round = discoverRound(twin.components(lookupTwin([{ gate: Promise.resolve(), peers: ['a', 'b', 'c'] }])))
    twin.dialOf('a').resolve('a')
    twin.dialOf('c').resolve(undefined)
    twin.dialOf('b').resolve('b')
    expect(await round).toEqual({ found: 3, synced: ['a', 'b'] })
    expect(twin.calls).toEqual(['dial a', 'dial b', 'dial c', 'syncAll a,b'])
  })

  it('syncs a provider found after the first group settled on its own', async () => {
    const twin = syncTwin()
    const late = deferred()
    const groupSynced = deferred()
    const components = twin.components(lookupTwin([{ gate: Promise.resolve(), peers: ['a'] }, { gate: late.promise, peers: ['d'] }]))
    const round = discoverRound({ ...components, syncAll: async (peers) => { const r = await components.syncAll(peers); groupSynced.resolve(); return r } })
    twin.dialOf('a').resolve('a')
    await groupSynced.promise
    late.resolve()
    twin.dialOf('d').resolve('d')
    const result = await round
    expect(result.found).toBe(2)
    expect([...result.synced].sort()).toEqual(['a', 'd'])
    expect(twin.calls).toContain('syncOne d')
    expect(twin.calls.filter((c) => c.startsWith('syncAll'))).toEqual(['syncAll a'])
  })

  it('finds nothing and syncs nothing when the lookup names no provider', async () => {
    const twin = syncTwin()
    expect(await discoverRound(twin.components(lookupTwin([{ gate: Promise.resolve(), peers: [] }])))).toEqual({ found: 0, synced: [] })
    expect(twin.calls).toEqual([])
  })
})
