import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import type { Libp2p } from 'libp2p'

/**
 * What the operator allows one relay to give away. Reservations are cheap to ask for and a peer id
 * costs nothing to make, so every cap is keyed by something a flood cannot mint freely: the remote
 * IP (an IPv6 /64 counts as one address, as a home connection gets a whole /64).
 */
export interface RelayLimits {
  /** Reservations held at once, all clients together. */
  readonly maxReservations: number
  /** Reservations held at once by clients on one IP; 0 turns the cap off. */
  readonly maxReservationsPerIp: number
  /** Open connections from one IP; 0 turns the cap off. */
  readonly maxConnectionsPerIp: number
  /** New connections one IP may open per second (libp2p's inboundConnectionThreshold). */
  readonly maxConnectionRatePerIp: number
  /** Circuits (hop streams) one connection may have open or opening at once. */
  readonly maxCircuitsPerPeer: number
  /** How long a reservation lasts unless refreshed (ms); it is freed at once when its peer disconnects. */
  readonly reservationTtlMs: number
  /** A relayed circuit is cut after this long (ms)... */
  readonly circuitDurationMs: number
  /** ...or after this many bytes in either direction. */
  readonly circuitDataBytes: bigint
}

/**
 * Defaults for the open network. A circuit carries WebRTC signalling (a few KB) and, for a peer no
 * direct link reaches, that peer's room (join, history, chat) until the page dials it again: a few
 * MiB for ten minutes serves a chat, and the per-IP and per-peer caps bound what a flood can take.
 */
export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxReservations: 1024,
  maxReservationsPerIp: 8,
  maxConnectionsPerIp: 32,
  maxConnectionRatePerIp: 5,
  maxCircuitsPerPeer: 16,
  reservationTtlMs: 30 * 60_000,
  circuitDurationMs: 10 * 60_000,
  circuitDataBytes: 4n << 20n
}

/**
 * The key a per-IP cap counts under: the IPv4 address, or the first 64 bits of an IPv6 one.
 * Undefined for an address without an IP (a circuit), which no per-IP cap applies to.
 */
export function ipKeyOf (addr: Multiaddr): string | undefined {
  const first = addr.getComponents()[0]
  if (first?.value == null) return undefined
  if (first.name === 'ip4') return first.value
  if (first.name === 'ip6') return expandIp6(first.value).slice(0, 4).join(':') + '::/64'
  return undefined
}

function expandIp6 (ip: string): string[] {
  const [head = '', tail] = ip.split('::')
  const h = head === '' ? [] : head.split(':')
  const t = tail == null || tail === '' ? [] : tail.split(':')
  const groups = tail == null ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t]
  return groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
}

type GuardedNode = Libp2p<{ relay: CircuitRelayService }>

/** The relay's guard: a connection gater to pass to libp2p, then attach() once the node exists. */
export interface RelayGuard {
  readonly gater: Pick<ConnectionGater, 'denyInboundConnection' | 'denyInboundRelayReservation'>
  /** Starts freeing reservations on disconnect; the gater allows everything until this is called. */
  attach (node: GuardedNode): void
}

/** Builds the guard that enforces the per-IP caps and frees a reservation when its peer leaves. */
export function relayGuard (limits: RelayLimits): RelayGuard {
  let node: GuardedNode | undefined
  const countIp = (key: string, addrs: Iterable<Multiaddr>): number => {
    let n = 0
    for (const a of addrs) if (ipKeyOf(a) === key) n++
    return n
  }
  return {
    gater: {
      denyInboundConnection: (maConn) => {
        const key = ipKeyOf(maConn.remoteAddr)
        if (node == null || key == null || limits.maxConnectionsPerIp === 0) return false
        return countIp(key, node.getConnections().map((c) => c.remoteAddr)) >= limits.maxConnectionsPerIp
      },
      denyInboundRelayReservation: (peer: PeerId) => {
        if (node == null || limits.maxReservationsPerIp === 0) return false
        const direct = node.getConnections(peer).find((c) => ipKeyOf(c.remoteAddr) != null)
        const key = direct == null ? undefined : ipKeyOf(direct.remoteAddr)
        if (key == null) return false
        const others: Multiaddr[] = []
        for (const [holder, r] of node.services.relay.reservations) if (!holder.equals(peer)) others.push(r.addr)
        return countIp(key, others) >= limits.maxReservationsPerIp
      }
    },
    attach (n) {
      node = n
      // libp2p keeps a reservation for its whole TTL after the peer has gone, so a stream of throwaway
      // identities would fill the store; nobody can be reached through a peer that is not connected
      n.addEventListener('peer:disconnect', (evt) => {
        const reservations = n.services.relay.reservations
        const r = reservations.get(evt.detail)
        if (r == null) return
        // clear first: the expiry timer would otherwise delete a later reservation of the same peer
        r.signal.clear()
        reservations.delete(evt.detail)
      })
    }
  }
}
