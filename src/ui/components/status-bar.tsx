import type { RoomClient } from '../../client/api.ts'
import { othersOnlineText, stateText } from '../connectivity.ts'
import { formatCount } from '../format.ts'
import { useRoomStatus } from '../hooks.ts'

/** One line at the bottom: the room's state in words, who else is online, and history sync progress. */
export function StatusBar ({ room, onOpenConnectivity }: { room: RoomClient, onOpenConnectivity: () => void }) {
  const status = useRoomStatus(room)
  const text = stateText[status.state]
  return (
    <footer className='status-bar'>
      <button type='button' className={`net-state ${status.state}`} onClick={onOpenConnectivity} title={text.help} aria-label={`Connectivity: ${text.label}. ${text.help} Open details`}>
        <span className='dot' aria-hidden='true' />{text.label}
      </button>
      <span role='status' className='peer-count'>{othersOnlineText(status.othersOnline)}</span>
      {status.syncing != null && <SyncProgress received={status.syncing.received} expected={status.syncing.expected} />}
    </footer>
  )
}

export function SyncProgress ({ received, expected }: { received: number, expected: number }) {
  const label = `${formatCount(received)} of ${formatCount(expected)} messages`
  return (
    <span className='sync-progress'>
      <span>Fetching history</span>
      <progress max={expected} value={received} aria-label={`History sync: ${label}`} />
      <span className='sync-count'>{label}</span>
    </span>
  )
}
