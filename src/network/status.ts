/**
 * Connectivity states a user can tell apart (other P2P chats show one "connecting..." for all of
 * them). The room layer adds 'no-peers' on top: connected to the network, nobody in the room.
 */
export const NetworkState = {
  Starting: 'starting',
  /** The browser reports no network at all. */
  Offline: 'offline',
  /** Online, but no bootstrap/relay node and no cached peer answers. */
  BootstrapUnreachable: 'bootstrap-unreachable',
  Connected: 'connected'
} as const
export type NetworkState = typeof NetworkState[keyof typeof NetworkState]

/**
 * How a link reaches a peer: 'direct' (WebRTC host-to-host or through NATs, or a WebSocket),
 * 'turn' (WebRTC through a TURN server) or 'relayed' (a libp2p circuit through a relay node or a
 * mutual peer, limited in time and bytes by that relay).
 */
export type LinkPath = 'direct' | 'turn' | 'relayed'

export interface ConnectionInfo {
  readonly peerId: string
  /** 'relayed': a limited circuit through a relay; 'direct': anything else (a TURN path included). */
  readonly kind: 'direct' | 'relayed'
  readonly path: LinkPath
  /** The relay's peer id, on a relayed link. */
  readonly via?: string
  readonly transport: 'webrtc' | 'websockets' | 'circuit' | 'other'
  /** Round trip measured by libp2p's connection monitor, once known. */
  readonly rttMs?: number
}

/** An immutable snapshot: a change produces a new object. */
export interface NetworkStatus {
  readonly state: NetworkState
  readonly peerId: string
  /** Where other peers can reach this one (relay circuits, WebRTC over them); shareable. */
  readonly addresses: readonly string[]
  readonly relays: readonly { readonly address: string, readonly connected: boolean }[]
  readonly dht: { readonly routingTableSize: number, readonly mode: 'client' | 'server' }
  readonly connections: readonly ConnectionInfo[]
  /** RTCPeerConnections this tab has created so far (see connection-budget.ts). */
  readonly rtcConnectionsUsed: number
  readonly lastError?: string
}

/** Equality that ignores round-trip times, so RTT jitter alone does not re-render the UI. */
export function sameStatus (a: NetworkStatus, b: NetworkStatus): boolean {
  const strip = (s: NetworkStatus): string => JSON.stringify({ ...s, connections: s.connections.map(({ rttMs: _rtt, ...c }) => c) })
  return strip(a) === strip(b)
}
