import { ConnectionBudgetExhaustedError } from './errors.ts'

/**
 * Chrome lets a tab create about 500 RTCPeerConnections over its whole lifetime (closed ones still
 * count; js-libp2p#2591). Every WebRTC dial and every accepted WebRTC offer takes one from this
 * budget; once it is spent we stop dialling WebRTC addresses and stop serving the WebRTC signalling
 * protocol (so a remote's offer fails at once, not at its dial timeout), and the tab degrades to the
 * connections it has and relayed circuits instead of hitting the browser's hard failure.
 *
 * Inbound offers are decided by {@link ConnectionBudget.admit} before any RTCPeerConnection is
 * made. Anyone who knows a peer id can send offers, so those from peers that are not known room
 * members ("outsiders") are rationed apart: together they never take more than `outsiderLimit`,
 * which leaves the rest for members and our own dials; an outsider admitted once waits a growing
 * ban time before it is admitted again; and a peer that misbehaved ({@link ConnectionBudget.offence})
 * is refused, member or not, for a growing time.
 */
export interface ConnectionBudget {
  readonly limit: number
  readonly used: number
  readonly exhausted: boolean
  /** The most that outsiders' offers may ever take of `limit`. */
  readonly outsiderLimit: number
  /** Taken by outsiders that are still not known as members. */
  readonly outsidersUsed: number
  /**
   * Takes one RTCPeerConnection from the budget (the WebRTC transport calls it for every peer
   * connection it makes); throws ConnectionBudgetExhaustedError when none is left. The one an
   * admitted offer reserved is taken first.
   */
  take (): void
  /**
   * Decides an inbound WebRTC offer from `peer`; when admitted, one connection is reserved for it
   * (the next {@link take}), from the outsiders' share unless the peer is a member.
   */
  admit (peer: string, now?: number): Admission
  /** `peer` sent what no honest peer sends: refuse its offers for a growing time (from 1 min). */
  offence (peer: string, now?: number): void
}

export const Refusal = {
  /** Banned for misbehaving, or an outsider offering again before its ban time is over. */
  Banned: 'banned',
  /** Outsiders have taken their whole share. */
  OutsidersSpent: 'outsiders-spent',
  Exhausted: 'exhausted'
} as const
export type Refusal = typeof Refusal[keyof typeof Refusal]

export type Admission =
  | { readonly ok: true, readonly outsider: boolean }
  | { readonly ok: false, readonly reason: Refusal, readonly until?: number }

export interface ConnectionBudgetInit {
  /** Default {@link DEFAULT_RTC_CONNECTION_BUDGET}. */
  readonly limit?: number
  /** Default {@link DEFAULT_OUTSIDER_BUDGET}, at most `limit`. */
  readonly outsiderLimit?: number
  /** Whether a peer id is known to belong to a room member (or a contact); default: every peer is. */
  readonly isMember?: (peer: string) => boolean
  /** Runs once, when the last connection is taken. */
  readonly onExhausted?: () => void
  /** The clock ban times are measured on; default Date.now. */
  readonly now?: () => number
}

/** Default budget: headroom below Chrome's ~500 for pages that also use WebRTC for media. */
export const DEFAULT_RTC_CONNECTION_BUDGET = 400
/**
 * Outsiders' share. Each tab is a fresh peer id, so a member who reloads, and a newcomer, first
 * offers as an outsider; their share is given back when their presence shows they are members.
 */
export const DEFAULT_OUTSIDER_BUDGET = 32
/** An outsider's ban after its first admission; it doubles with each admission after. */
const OUTSIDER_BAN_MS = 5_000
/** A misbehaving peer's first ban; it doubles with each offence. */
const OFFENCE_BAN_MS = 60_000
const MAX_BAN_MS = 3_600_000
/** Peers remembered for bans; past this the oldest is forgotten (outsiders are fewer: one per unit). */
const TRACKED_LIMIT = 1_024

interface Record {
  /** Units this peer took as an outsider and not yet given back. */
  units: number
  admissions: number
  offences: number
  bannedUntil: number
}

export function createConnectionBudget (init: ConnectionBudgetInit = {}): ConnectionBudget {
  const limit = init.limit ?? DEFAULT_RTC_CONNECTION_BUDGET
  const outsiderLimit = Math.min(limit, init.outsiderLimit ?? DEFAULT_OUTSIDER_BUDGET)
  const isMember = init.isMember ?? (() => true)
  const clock = init.now ?? Date.now
  let used = 0
  let outsidersUsed = 0
  let reserved = 0
  const peers = new Map<string, Record>()

  const count = (): void => {
    used++
    if (used === limit) init.onExhausted?.()
  }
  const recordOf = (peer: string): Record => {
    let r = peers.get(peer)
    if (r == null) {
      if (peers.size >= TRACKED_LIMIT) peers.delete(peers.keys().next().value!)
      r = { units: 0, admissions: 0, offences: 0, bannedUntil: 0 }
      peers.set(peer, r)
    }
    return r
  }
  /** Outsiders that have since shown they are members give their share back. */
  const reclaim = (): void => {
    for (const [peer, r] of peers) {
      if (r.units > 0 && isMember(peer)) { outsidersUsed -= r.units; r.units = 0 }
    }
  }
  const ban = (base: number, times: number): number => Math.min(MAX_BAN_MS, base * 2 ** Math.min(times - 1, 30))

  return {
    limit,
    outsiderLimit,
    get used () { return used },
    get exhausted () { return used >= limit },
    get outsidersUsed () { return outsidersUsed },
    take () {
      if (reserved > 0) { reserved--; return }
      if (used >= limit) throw new ConnectionBudgetExhaustedError(limit)
      count()
    },
    admit (peer, now = clock()) {
      const r = peers.get(peer)
      if (r != null && r.bannedUntil > now) return { ok: false, reason: Refusal.Banned, until: r.bannedUntil }
      if (used >= limit) return { ok: false, reason: Refusal.Exhausted }
      const member = isMember(peer)
      if (!member) {
        if (outsidersUsed >= outsiderLimit) reclaim()
        if (outsidersUsed >= outsiderLimit) return { ok: false, reason: Refusal.OutsidersSpent }
        const rec = recordOf(peer)
        rec.units++
        rec.admissions++
        rec.bannedUntil = now + ban(OUTSIDER_BAN_MS, rec.admissions)
        outsidersUsed++
      }
      count()
      reserved++
      return { ok: true, outsider: !member }
    },
    offence (peer, now = clock()) {
      const r = recordOf(peer)
      r.offences++
      r.bannedUntil = Math.max(r.bannedUntil, now + ban(OFFENCE_BAN_MS, r.offences))
    }
  }
}
