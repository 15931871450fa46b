import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { ChannelClock } from '../../src/core/sync/clock.ts'
import { type LocalSyncState, type RangeAssignment, createSyncPlanner } from '../../src/core/sync/planner.ts'
import { type AuthorId, type ChannelId, asEntryHash } from '../../src/core/types.ts'
import { author, channel, channelNamed } from '../feed/helpers.ts'

const channels = [channel, channelNamed('random')]
const authors = [0, 1, 2].map((n) => author(n).id)
const seqs = fc.nat({ max: 30 })

/** A clock per channel, as a peer announces it or as we hold it. */
const clocks = fc.tuple(...channels.map(() => fc.tuple(...authors.map(() => seqs))))
  .map((perChannel) => new Map<ChannelId, ChannelClock>(perChannel.map((perAuthor, c) =>
    [channels[c]!, new Map(perAuthor.flatMap((seq, a) => (seq > 0 ? [[authors[a]!, seq] as const] : [])))])))

const scenario = fc.record({
  local: clocks,
  peers: fc.array(clocks, { minLength: 1, maxLength: 4 }),
  batchSize: fc.integer({ min: 1, max: 7 })
})

const localState = (local: ReadonlyMap<ChannelId, ChannelClock>): LocalSyncState => ({ clocks: local, authorityHeads: [], hasAuthority: () => true })
const seqOf = (clocks: ReadonlyMap<ChannelId, ChannelClock>, c: ChannelId, a: AuthorId): number => clocks.get(c)?.get(a) ?? 0

/** Every (channel, author, seq) the ranges name, counted. */
function coverage (ranges: readonly RangeAssignment[]): Map<string, number> {
  const seen = new Map<string, number>()
  for (const r of ranges) for (let s = r.fromSeq; s <= r.toSeq; s++) seen.set(`${r.channel}|${r.author}|${s}`, (seen.get(`${r.channel}|${r.author}|${s}`) ?? 0) + 1)
  return seen
}

/** Every (channel, author, seq) above the local clock that at least one of the peers holds. */
function missing (local: ReadonlyMap<ChannelId, ChannelClock>, peers: ReadonlyArray<ReadonlyMap<ChannelId, ChannelClock>>): Set<string> {
  const out = new Set<string>()
  for (const c of channels) {
    for (const a of authors) {
      const most = Math.max(0, ...peers.map((p) => seqOf(p, c, a)))
      for (let s = seqOf(local, c, a) + 1; s <= most; s++) out.add(`${c}|${a}|${s}`)
    }
  }
  return out
}

describe('sync planner', () => {
  it('covers exactly the missing ranges, without overlap, in batches the assigned peer holds', () => {
    fc.assert(fc.property(scenario, ({ local, peers, batchSize }) => {
      const planner = createSyncPlanner({ batchSize, maxInFlightPerPeer: Infinity })
      peers.forEach((clocks, i) => planner.addPeer(`p${i}`, { authorityHeads: [], clocks }))
      const plan = planner.plan(localState(local))
      const want = missing(local, peers)
      if (want.size === 0) { expect(plan.phase).toBe('done'); return }
      expect(plan.phase).toBe('feeds')
      if (plan.phase !== 'feeds') return
      const seen = coverage(plan.ranges)
      expect([...seen.keys()].sort()).toEqual([...want].sort())
      expect([...seen.values()].every((n) => n === 1)).toBe(true)
      for (const r of plan.ranges) {
        expect(r.toSeq - r.fromSeq + 1).toBeLessThanOrEqual(batchSize)
        expect(seqOf(peers[Number(r.peer.slice(1))]!, r.channel, r.author)).toBeGreaterThanOrEqual(r.toSeq)
      }
    }), { numRuns: 300 })
  })

  it('after a peer drops and some answers arrive, asks only for what is still missing and not in flight', () => {
    fc.assert(fc.property(scenario, fc.nat(), fc.array(fc.boolean(), { maxLength: 200 }), ({ local, peers, batchSize }, dropIndex, answered) => {
      const planner = createSyncPlanner({ batchSize, maxInFlightPerPeer: Infinity })
      peers.forEach((clocks, i) => planner.addPeer(`p${i}`, { authorityHeads: [], clocks }))
      const first = planner.plan(localState(local))
      if (first.phase !== 'feeds') return
      const dropped = `p${dropIndex % peers.length}`
      planner.removePeer(dropped)
      // Answered requests advance our clock (contiguously: a gap stops it) and are settled.
      const received = new Set<string>()
      first.ranges.forEach((r, i) => {
        if (r.peer === dropped || answered[i] !== true) return
        for (let s = r.fromSeq; s <= r.toSeq; s++) received.add(`${r.channel}|${r.author}|${s}`)
        planner.settle(r)
      })
      const now = new Map(channels.map((c) => [c, new Map(authors.map((a) => {
        let seq = seqOf(local, c, a)
        while (received.has(`${c}|${a}|${seq + 1}`)) seq++
        return [a, seq] as const
      }))]))
      const second = planner.plan(localState(now))
      const fresh = second.phase === 'feeds' ? second.ranges : []
      expect(fresh.some((r) => r.peer === dropped)).toBe(false)
      const stillAsked = planner.inFlight.filter((a): a is RangeAssignment => a.kind === 'range')
      const seen = coverage(stillAsked)
      const want = missing(now, peers.filter((_, i) => `p${i}` !== dropped))
      // Answered entries above a gap wait in the pending buffer: asking again is allowed, not required.
      for (const key of want) {
        if (received.has(key)) expect(seen.get(key) ?? 0).toBeLessThanOrEqual(1)
        else expect(seen.get(key)).toBe(1)
      }
      const newOnly = coverage(fresh)
      for (const [key] of newOnly) expect(want.has(key)).toBe(true)
    }), { numRuns: 300 })
  })

  it('spreads batches over the peers that have them, within the per-peer limit, until done', () => {
    const full = new Map([[channel, new Map([[authors[0]!, 2000]])]])
    const planner = createSyncPlanner({ batchSize: 500, maxInFlightPerPeer: 1 })
    planner.addPeer('a', { authorityHeads: [], clocks: full })
    planner.addPeer('b', { authorityHeads: [], clocks: full })
    let have = 0
    const asked: string[] = []
    for (let round = 0; round < 10; round++) {
      const plan = planner.plan(localState(new Map([[channel, new Map([[authors[0]!, have]])]])))
      if (plan.phase === 'done') break
      expect(plan.phase).toBe('feeds')
      if (plan.phase !== 'feeds') break
      expect(new Set(plan.ranges.map((r) => r.peer)).size).toBe(plan.ranges.length)
      for (const r of plan.ranges) {
        asked.push(`${r.peer}:${r.fromSeq}-${r.toSeq}`)
        planner.settle(r)
        have = Math.max(have, r.toSeq)
      }
    }
    expect(have).toBe(2000)
    expect(asked).toEqual(['a:1-500', 'b:501-1000', 'a:1001-1500', 'b:1501-2000'])
  })

  it('does not ask a peer again for a range it answered whose entries our ingest refused, until its next Hello', () => {
    const clocks = new Map([[channel, new Map([[authors[0]!, 10]])]])
    const planner = createSyncPlanner({ batchSize: 500 })
    planner.addPeer('a', { authorityHeads: [], clocks })
    const nothingStored = localState(new Map())
    const first = planner.plan(nothingStored)
    expect(first).toMatchObject({ phase: 'feeds', ranges: [{ peer: 'a', fromSeq: 1, toSeq: 10 }] })
    if (first.phase === 'feeds') planner.settle(first.ranges[0]!)
    expect(planner.plan(nothingStored)).toEqual({ phase: 'done' })
    planner.addPeer('b', { authorityHeads: [], clocks })
    const fromB = planner.plan(nothingStored)
    expect(fromB).toMatchObject({ phase: 'feeds', ranges: [{ peer: 'b', fromSeq: 1, toSeq: 10 }] })
    if (fromB.phase === 'feeds') planner.settle(fromB.ranges[0]!)
    expect(planner.plan(nothingStored)).toEqual({ phase: 'done' })
    planner.addPeer('a', { authorityHeads: [], clocks })
    expect(planner.plan(nothingStored)).toMatchObject({ phase: 'feeds', ranges: [{ peer: 'a', fromSeq: 1, toSeq: 10 }] })
  })

  it('stops using a peer reported for invalid data, for good', () => {
    const clocks = new Map([[channel, new Map([[authors[0]!, 10]])]])
    const planner = createSyncPlanner({ batchSize: 5 })
    planner.addPeer('bad', { authorityHeads: [], clocks })
    planner.addPeer('good', { authorityHeads: [], clocks })
    const first = planner.plan(localState(new Map()))
    expect(first.phase === 'feeds' && first.ranges.map((r) => r.peer).sort()).toEqual(['bad', 'good'])
    planner.reportInvalid('bad')
    planner.addPeer('bad', { authorityHeads: [], clocks })
    expect(planner.isUsable('bad')).toBe(false)
    const second = planner.plan(localState(new Map()))
    expect(second.phase === 'feeds' && second.ranges.map((r) => [r.peer, r.fromSeq, r.toSeq])).toEqual([['good', 1, 5]])
  })

  it('fetches authority entries before any feed range', () => {
    const head = asEntryHash('bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')
    const planner = createSyncPlanner()
    planner.addPeer('a', { authorityHeads: [head], clocks: new Map([[channel, new Map([[authors[0]!, 3]])]]) })
    const local: LocalSyncState = { clocks: new Map(), authorityHeads: [], hasAuthority: () => false }
    const first = planner.plan(local)
    expect(first).toEqual({ phase: 'authority', requests: [{ kind: 'authority', peer: 'a', heads: [] }] })
    expect(planner.plan(local)).toEqual({ phase: 'authority', requests: [] })
    if (first.phase === 'authority') planner.settle(first.requests[0]!)
    // Asked once; the heads stayed unknown (e.g. the peer's entries did not validate): go on with feeds.
    expect(planner.plan(local)).toMatchObject({ phase: 'feeds', ranges: [{ peer: 'a', fromSeq: 1, toSeq: 3 }] })
  })
})
