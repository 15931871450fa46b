import type { RoomClient } from '../../client/api.ts'
import { roomNetworkState, stateText } from '../connectivity.ts'
import { formatCount } from '../format.ts'
import { useConnectivity, useRoomPeers, useSyncProgress } from '../hooks.ts'

/** One line at the bottom: network state in words, peers here, and history sync progress. */
export function StatusBar ({ room, onOpenConnectivity }: { room: RoomClient, onOpenConnectivity: () => void }) {
  const connectivity = useConnectivity()
  const peers = useRoomPeers(room)
  const sync = useSyncProgress(room)
  const state = roomNetworkState(connectivity, peers)
  const text = stateText[state]
  return (
    <footer className='status-bar'>
      <button type='button' className={`net-state ${state}`} onClick={onOpenConnectivity} title={text.help} aria-label={`Connectivity: ${text.label}. ${text.help} Open details`}>
        <span className='dot' aria-hidden='true' />{text.label}
      </button>
      <span role='status' className='peer-count'>{peers.length} {peers.length === 1 ? 'peer' : 'peers'} in this room</span>
      {sync?.active === true && <SyncProgress received={sync.received} expected={sync.expected} />}
    </footer>
  )
}

export function SyncProgress ({ received, expected }: { received: number, expected: number }) {
  const label = `${formatCount(received)} / ${formatCount(expected)}`
  return (
    <span className='sync-progress'>
      <span>Syncing history</span>
      <progress max={Math.max(expected, 1)} value={Math.min(received, expected)} aria-label={`History sync ${label}`} />
      <span className='sync-count'>{label}</span>
    </span>
  )
}
