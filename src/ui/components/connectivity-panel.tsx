import type { PeerSnapshot, RoomClient } from '../../client/api.ts'
import { stateText } from '../connectivity.ts'
import { useConnectivity, useRoomPeers, useRoomSnapshot, useRoomStatus } from '../hooks.ts'
import { Dialog } from './dialog.tsx'
import { SyncProgress } from './status-bar.tsx'

/** Everything about the connection in one place: relays, the DHT, this room's peers and sync. */
export function ConnectivityPanel ({ room, onClose }: { room: RoomClient, onClose: () => void }) {
  const c = useConnectivity()
  const peers = useRoomPeers(room)
  const status = useRoomStatus(room)
  const members = useRoomSnapshot(room)?.members
  // A peer's member is known once its presence notice (signed by the member's key) has come.
  const nameOf = (author: string | undefined): string | undefined => author == null ? undefined : members?.find((m) => m.id === author)?.name
  const state = status.state
  // A relay is named by its address's host when it is a configured relay, else as the member it is.
  const relayName = (via: string | undefined): string => {
    if (via == null) return 'a relay'
    const relay = c.relays.find((r) => r.address.endsWith(`/p2p/${via}`))
    if (relay != null) return /^\/dns[46]?\/([^/]+)/.exec(relay.address)?.[1] ?? /^\/ip[46]\/([^/]+)/.exec(relay.address)?.[1] ?? 'a relay'
    return nameOf(peers.find((p) => p.peerId === via)?.author) ?? `peer ${via.slice(-8)}`
  }
  const linkText = (p: PeerSnapshot): string =>
    p.link === 'direct' ? 'direct (WebRTC)' : p.link === 'turn' ? 'via TURN (WebRTC)' : `relayed by ${relayName(p.via)}`
  return (
    <Dialog title='Connectivity' onClose={onClose} wide>
      <p className={`net-state ${state}`}><span className='dot' aria-hidden='true' /><strong>{stateText[state].label}</strong> — {stateText[state].help}</p>
      {c.lastError != null && <p className='hint'>Last error: {c.lastError}</p>}
      <dl className='facts'>
        <dt>Your peer id</dt><dd className='mono'>{c.peerId ?? '—'}</dd>
        <dt>Open connections</dt><dd>{c.connections}</dd>
        <dt>DHT</dt><dd>{c.dht.mode} mode, {c.dht.routingTableSize} peers in the routing table</dd>
      </dl>
      <h3>Relays</h3>
      {c.relays.length === 0
        ? <p className='hint'>No relay configured.</p>
        : (
          <ul className='plain'>
            {c.relays.map((r) => <li key={r.address}><span className={r.connected ? 'ok' : 'bad'}>{r.connected ? 'connected' : 'unreachable'}</span> <span className='mono'>{r.address}</span></li>)}
          </ul>)}
      <h3>Peers in this room</h3>
      {peers.length === 0
        ? <p className='hint'>Nobody else in this room is online.</p>
        : (
          <table className='peers'>
            <thead><tr><th scope='col'>Peer</th><th scope='col'>Link</th><th scope='col'>Round trip</th></tr></thead>
            <tbody>
              {peers.map((p) => (
                <tr key={p.peerId}>
                  <td>{nameOf(p.author) ?? 'unknown member'} <span className='mono hint'>{p.peerId.slice(-12)}</span></td>
                  <td>{linkText(p)}</td>
                  <td>{p.rttMs != null ? `${Math.round(p.rttMs)} ms` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>)}
      <h3>History sync</h3>
      {status.syncing != null ? <SyncProgress received={status.syncing.received} expected={status.syncing.expected} /> : <p className='hint'>Up to date with the peers we know.</p>}
    </Dialog>
  )
}
