import type { AuthorId, ChannelId, EntryHash } from '../types.ts'
import { type ChannelClock, type FeedRange, mergeClocks, missingRanges } from './clock.ts'
import type { Hello } from './messages.ts'

/** Whatever the network layer names a peer by (a PeerId string). */
export type PeerKey = string

export interface SyncPlannerInit {
  /** Most entries asked of one peer in one range request; default 500. */
  readonly batchSize?: number
  /** Most requests outstanding at one peer; default 4. */
  readonly maxInFlightPerPeer?: number
}

/** What we hold now: read from storage before each plan. */
export interface LocalSyncState {
  readonly clocks: ReadonlyMap<ChannelId, ChannelClock>
  readonly authorityHeads: readonly EntryHash[]
  hasAuthority (hash: EntryHash): boolean
}

export interface RangeAssignment extends FeedRange { readonly kind: 'range', readonly peer: PeerKey }
/** Send RequestAuthorityAfter with these (our) heads to the peer. */
export interface AuthorityAssignment { readonly kind: 'authority', readonly peer: PeerKey, readonly heads: readonly EntryHash[] }
export type Assignment = RangeAssignment | AuthorityAssignment

export type SyncPlan =
  /** Authority first: feed entries are checked against the ACL it builds. `requests` is empty while one is in flight. */
  | { readonly phase: 'authority', readonly requests: readonly AuthorityAssignment[] }
  /** New range requests to send (may be empty while others are in flight or peers are at capacity). */
  | { readonly phase: 'feeds', readonly ranges: readonly RangeAssignment[] }
  /** Nothing missing that a usable peer announced, and nothing in flight. */
  | { readonly phase: 'done' }

/**
 * Splits what we lack into requests spread over the peers that have it (a per-channel swarm).
 * Resumable: it remembers what is in flight, so planning again after a peer drops, or after some
 * answers arrived, asks only for what is still missing and not already asked for.
 */
export interface SyncPlanner {
  /** Records (or replaces) a peer's Hello. */
  addPeer (peer: PeerKey, hello: Pick<Hello, 'authorityHeads' | 'clocks'>): void
  /** The peer went away: what it was asked for is planned again elsewhere. */
  removePeer (peer: PeerKey): void
  /** The peer sent invalid data: never plan with it again (until the planner is rebuilt). */
  reportInvalid (peer: PeerKey): void
  isUsable (peer: PeerKey): boolean
  plan (local: LocalSyncState): SyncPlan
  /**
   * The request was answered (Done), failed or timed out: it is no longer in flight. The peer is
   * not asked for that range again until its next Hello (see addPeer), so entries our ingest
   * refuses are not fetched in a loop; a peer that failed should be removed instead.
   */
  settle (assignment: Assignment): void
  readonly inFlight: readonly Assignment[]
}

interface PeerState {
  readonly hello: Pick<Hello, 'authorityHeads' | 'clocks'>
  /** Its announced authority heads were already asked for once: do not loop on heads we cannot validate. */
  authorityAsked: boolean
  /**
   * Ranges already answered by this peer since its Hello, per feed (channel/author). What is still
   * missing inside them was refused by our ingest (a ban, a channel our ACL does not know yet):
   * asking the same peer again would loop, so only a new Hello makes them askable again.
   */
  readonly answered: Map<string, Array<readonly [number, number]>>
}

const keyOf = (a: Assignment): string =>
  a.kind === 'authority' ? `authority|${a.peer}` : `range|${a.peer}|${a.channel}|${a.author}|${a.fromSeq}|${a.toSeq}`

/** [from, to] minus the given intervals, as ascending disjoint intervals. */
function subtract (from: number, to: number, taken: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = []
  let cur = from
  for (const [a, b] of [...taken].sort((x, y) => x[0] - y[0])) {
    if (b < cur) continue
    if (a > to) break
    if (a > cur) out.push([cur, a - 1])
    cur = Math.max(cur, b + 1)
  }
  if (cur <= to) out.push([cur, to])
  return out
}

export function createSyncPlanner (init: SyncPlannerInit = {}): SyncPlanner {
  const batchSize = Math.max(1, init.batchSize ?? 500)
  const maxInFlight = init.maxInFlightPerPeer ?? 4
  const peers = new Map<PeerKey, PeerState>()
  const invalid = new Set<PeerKey>()
  const inFlight = new Map<string, Assignment>()

  const load = (peer: PeerKey): number => [...inFlight.values()].filter((a) => a.peer === peer).length
  const dropInFlightOf = (peer: PeerKey): void => {
    for (const [key, a] of inFlight) if (a.peer === peer) inFlight.delete(key)
  }
  const remember = <A extends Assignment>(a: A): A => {
    inFlight.set(keyOf(a), a)
    return a
  }

  function planAuthority (local: LocalSyncState): SyncPlan | undefined {
    if ([...inFlight.values()].some((a) => a.kind === 'authority')) return { phase: 'authority', requests: [] }
    for (const [peer, state] of peers) {
      if (state.authorityAsked || !state.hello.authorityHeads.some((h) => !local.hasAuthority(h))) continue
      state.authorityAsked = true
      return { phase: 'authority', requests: [remember({ kind: 'authority', peer, heads: [...local.authorityHeads] })] }
    }
    return undefined
  }

  /** The highest seq from `cur` on that `peer` may still be asked for, given what it has and has already answered; below `cur` if none. */
  function askable (peer: PeerKey, feed: string, cur: number, has: number): number {
    let upTo = has
    for (const [from, to] of peers.get(peer)?.answered.get(feed) ?? []) {
      if (from <= cur && cur <= to) return cur - 1
      if (from > cur) upTo = Math.min(upTo, from - 1)
    }
    return upTo
  }

  /** The end of the range `peer` answered that holds `cur`, if any. */
  function answeredEnd (peer: PeerKey, feed: string, cur: number): number | undefined {
    return peers.get(peer)?.answered.get(feed)?.find(([from, to]) => from <= cur && cur <= to)?.[1]
  }

  function planFeeds (local: LocalSyncState): SyncPlan {
    const loads = new Map([...peers.keys()].map((p) => [p, load(p)]))
    const ranges: RangeAssignment[] = []
    let blocked = false
    const channels = new Set([...peers.values()].flatMap((s) => [...s.hello.clocks.keys()]))
    for (const channel of channels) {
      const holders = [...peers].map(([peer, s]) => ({ peer, clock: s.hello.clocks.get(channel) ?? new Map<AuthorId, number>() }))
      const wanted = mergeClocks(holders.map((h) => h.clock))
      for (const need of missingRanges(channel, local.clocks.get(channel) ?? new Map(), wanted)) {
        const feed = `${channel}/${need.author}`
        const taken = [...inFlight.values()]
          .filter((a): a is RangeAssignment => a.kind === 'range' && a.channel === channel && a.author === need.author)
          .map((a) => [a.fromSeq, a.toSeq] as const)
        for (const [from, to] of subtract(need.fromSeq, need.toSeq, taken)) {
          let cur = from
          while (cur <= to) {
            const candidates = holders
              .map(({ peer, clock }) => ({ peer, seq: askable(peer, feed, cur, clock.get(need.author) ?? 0), load: loads.get(peer) ?? 0 }))
              .filter((c) => c.seq >= cur && c.load < maxInFlight)
            if (candidates.length === 0) {
              // Peers at capacity will be asked later; peers that already answered `cur` will not,
              // but may still be asked for what lies beyond their answers.
              blocked ||= holders.some(({ peer, clock }) => askable(peer, feed, cur, clock.get(need.author) ?? 0) >= cur)
              const beyond = holders.map(({ peer }) => answeredEnd(peer, feed, cur)).filter((n) => n != null)
              if (beyond.length === 0) break
              cur = Math.min(...beyond) + 1
              continue
            }
            const end = Math.min(cur + batchSize - 1, to)
            const covering = candidates.filter((c) => c.seq >= end)
            const pick = (covering.length > 0 ? covering : candidates)
              .sort((a, b) => (covering.length > 0 ? 0 : b.seq - a.seq) || a.load - b.load)[0]!
            const upTo = Math.min(end, pick.seq)
            ranges.push(remember({ kind: 'range', peer: pick.peer, channel, author: need.author, fromSeq: cur, toSeq: upTo }))
            loads.set(pick.peer, pick.load + 1)
            cur = upTo + 1
          }
        }
      }
    }
    if (ranges.length === 0 && !blocked && inFlight.size === 0) return { phase: 'done' }
    return { phase: 'feeds', ranges }
  }

  return {
    addPeer (peer, hello) {
      if (invalid.has(peer)) return
      peers.set(peer, { hello, authorityAsked: false, answered: new Map() })
    },
    removePeer (peer) {
      peers.delete(peer)
      dropInFlightOf(peer)
    },
    reportInvalid (peer) {
      invalid.add(peer)
      peers.delete(peer)
      dropInFlightOf(peer)
    },
    isUsable: (peer) => peers.has(peer),
    plan: (local) => planAuthority(local) ?? planFeeds(local),
    settle (assignment) {
      if (!inFlight.delete(keyOf(assignment)) || assignment.kind !== 'range') return
      const feed = `${assignment.channel}/${assignment.author}`
      const answered = peers.get(assignment.peer)?.answered
      answered?.set(feed, [...(answered.get(feed) ?? []), [assignment.fromSeq, assignment.toSeq]])
    },
    get inFlight () { return [...inFlight.values()] }
  }
}
