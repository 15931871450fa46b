import { NetworkState, type ConnectivitySnapshot, type MemberSnapshot, type PeerSnapshot, type SyncProgressSnapshot } from '../client/api.ts'
import type { AuthorId } from '../core/types.ts'

/**
 * What the status bar, the member list and the connectivity panel all show about one room, derived
 * in one place so they can never disagree ("No peers online" beside "1 peer in this room" came from
 * each reading a different source at a different moment).
 */
export interface RoomStatus {
  readonly state: NetworkState
  /** Libp2p peers we exchange this room's messages with right now. */
  readonly peers: number
  /** Members shown online: ourselves, plus those whose presence we heard while a peer of the room is connected. */
  readonly online: ReadonlySet<AuthorId>
  /** Online members other than ourselves. */
  readonly othersOnline: number
  /** History sync with something to fetch; undefined when there is nothing to show. */
  readonly syncing?: { readonly received: number, readonly expected: number }
}

/**
 * The room's story from the client's snapshots. A connected peer of the room means "connected",
 * whatever the browser's online flag says (peers on a LAN keep talking). Without one, nobody's
 * presence can reach us, so only we are online, and the state says why: offline, no relay, still
 * connecting, or on the network with nobody here.
 */
export function roomStatus (connectivity: ConnectivitySnapshot, peers: readonly PeerSnapshot[], sync: SyncProgressSnapshot | undefined,
  members: readonly MemberSnapshot[], me: AuthorId | undefined): RoomStatus {
  const state = peers.length > 0
    ? NetworkState.Connected
    : connectivity.state === NetworkState.Connected ? NetworkState.NoPeers : connectivity.state
  const online = new Set<AuthorId>()
  for (const m of members) {
    if (m.banned) continue
    if (m.id === me || (state === NetworkState.Connected && m.online)) online.add(m.id)
  }
  const othersOnline = online.size - (me != null && online.has(me) ? 1 : 0)
  const syncing = sync?.active === true && sync.expected > 0 ? { received: Math.min(sync.received, sync.expected), expected: sync.expected } : undefined
  return { state, peers: peers.length, online, othersOnline, ...(syncing != null ? { syncing } : {}) }
}

/** Words for each state, so "no internet", "no relay" and "nobody here" never look alike, each with what to do next. */
export const stateText: Record<NetworkState, { label: string, help: string }> = {
  [NetworkState.Starting]: { label: 'Connecting…', help: 'Looking for the relay and for people in this room.' },
  [NetworkState.Offline]: { label: 'Offline', help: 'Your device has no network. What you write is kept here and sent when you are back online.' },
  [NetworkState.BootstrapUnreachable]: { label: 'Relay unreachable', help: 'You are online, but the relay that helps peers meet does not answer. Retrying; what you write is kept here.' },
  [NetworkState.NoPeers]: { label: 'Nobody else online', help: 'You are on the network, but nobody else in this room is online right now. Messages wait here until someone comes.' },
  [NetworkState.Connected]: { label: 'Connected', help: 'Talking to people in this room.' }
}

/** "2 others online", "nobody else online": the count the member list shows, in words. */
export function othersOnlineText (n: number): string {
  if (n === 0) return 'nobody else online'
  return `${n} ${n === 1 ? 'other' : 'others'} online`
}
