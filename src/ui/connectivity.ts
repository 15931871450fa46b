import { NetworkState, type ConnectivitySnapshot, type PeerSnapshot } from '../client/api.ts'

/** The network state as this room sees it: connected to the network but alone here is its own state. */
export function roomNetworkState (connectivity: ConnectivitySnapshot, peers: readonly PeerSnapshot[]): NetworkState {
  if (connectivity.state === NetworkState.Connected && peers.length === 0) return NetworkState.NoPeers
  return connectivity.state
}

/** Words for each state, so "no internet", "no relay" and "nobody here" never look alike. */
export const stateText: Record<NetworkState, { label: string, help: string }> = {
  [NetworkState.Starting]: { label: 'Connecting…', help: 'Looking for the relay and for peers.' },
  [NetworkState.Offline]: { label: 'Offline', help: 'Your browser has no network. Messages you send are kept here and sync when you are back.' },
  [NetworkState.BootstrapUnreachable]: { label: 'Bootstrap unreachable', help: 'No relay node answers and no known peer is reachable. Peers you are already connected to keep working.' },
  [NetworkState.NoPeers]: { label: 'No peers online', help: 'You are on the network, but nobody else in this room is online right now. Messages wait here until someone comes.' },
  [NetworkState.Connected]: { label: 'Connected', help: 'Talking to peers in this room.' }
}
