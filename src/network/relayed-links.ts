/**
 * Peers this tab reaches only through a relay (a symmetric NAT, UDP blocked, no TURN). Two jobs:
 * try a direct WebRTC link again now and then, since the reason it failed may pass (the other side
 * moved networks, a TURN server was configured); and dial the relay again when the relayed link is
 * cut (relays end circuits after a time or a number of bytes), so the room keeps going.
 * Only peers we chose to dial are kept here: a peer that merely opened a circuit to us never makes
 * us spend an RTCPeerConnection on it.
 */
export interface RelayedLinksComponents {
  /** One direct (WebRTC) attempt; resolves with whether a direct link now exists. Must not reject. */
  readonly tryDirect: (peer: string) => Promise<boolean>
  /** Opens a relayed link again; resolves with whether the peer is reachable now. Must not reject. */
  readonly redial: (peer: string) => Promise<boolean>
  /** Whether any open connection (direct or relayed) to the peer exists. */
  readonly connected: (peer: string) => boolean
}

export interface RelayedLinksInit {
  /** Wait before each direct attempt after the first failed one; the last repeats. */
  readonly upgradeDelaysMs?: readonly number[]
  /** Wait before dialling again after a relayed link was cut, then doubling up to a minute. */
  readonly redialDelayMs?: number
  /** Redials before a peer that stays unreachable is dropped from the list. */
  readonly maxRedials?: number
}

export interface RelayedLinks {
  /** We reach `peer` through a relay now. */
  add (peer: string): void
  /** A direct link to `peer` is up: nothing more to do for it. */
  direct (peer: string): void
  /** A connection to `peer` closed; redial if it was the last one. */
  closed (peer: string): void
  /** Whether `peer` is one we reach only through a relay. */
  has (peer: string): boolean
  readonly stats: { upgradesTried: number, upgradesSucceeded: number, redials: number }
  stop (): void
}

const DEFAULT_UPGRADE_DELAYS_MS = [30_000, 120_000, 600_000]

export function createRelayedLinks (components: RelayedLinksComponents, init: RelayedLinksInit = {}): RelayedLinks {
  const upgradeDelays = init.upgradeDelaysMs ?? DEFAULT_UPGRADE_DELAYS_MS
  const redialBase = init.redialDelayMs ?? 1_000
  const maxRedials = init.maxRedials ?? 8
  const peers = new Map<string, { upgrades: number, redials: number, upgradeTimer?: ReturnType<typeof setTimeout>, redialTimer?: ReturnType<typeof setTimeout> }>()
  const stats = { upgradesTried: 0, upgradesSucceeded: 0, redials: 0 }
  let stopped = false

  const forget = (peer: string): void => {
    const p = peers.get(peer)
    if (p == null) return
    clearTimeout(p.upgradeTimer)
    clearTimeout(p.redialTimer)
    peers.delete(peer)
  }

  const scheduleUpgrade = (peer: string): void => {
    const p = peers.get(peer)
    if (p == null || stopped) return
    clearTimeout(p.upgradeTimer)
    const delay = upgradeDelays[Math.min(p.upgrades, upgradeDelays.length - 1)]!
    p.upgradeTimer = setTimeout(() => {
      if (peers.get(peer) !== p) return
      p.upgrades++
      stats.upgradesTried++
      void components.tryDirect(peer).then((ok) => {
        if (peers.get(peer) !== p) return
        if (ok) { stats.upgradesSucceeded++; forget(peer) } else scheduleUpgrade(peer)
      })
    }, delay)
  }

  const scheduleRedial = (peer: string): void => {
    const p = peers.get(peer)
    if (p == null || stopped) return
    if (p.redials >= maxRedials) { forget(peer); return }
    clearTimeout(p.redialTimer)
    const delay = Math.min(redialBase * 2 ** p.redials, 60_000)
    p.redialTimer = setTimeout(() => {
      if (peers.get(peer) !== p || components.connected(peer)) return
      p.redials++
      stats.redials++
      void components.redial(peer).then((ok) => {
        if (peers.get(peer) !== p) return
        if (ok) p.redials = 0
        else scheduleRedial(peer)
      })
    }, delay)
  }

  return {
    add (peer) {
      if (stopped || peers.has(peer)) return
      peers.set(peer, { upgrades: 0, redials: 0 })
      scheduleUpgrade(peer)
    },
    direct: forget,
    closed (peer) {
      if (peers.has(peer) && !components.connected(peer)) scheduleRedial(peer)
    },
    has: (peer) => peers.has(peer),
    stats,
    stop () {
      stopped = true
      for (const peer of [...peers.keys()]) forget(peer)
    }
  }
}
