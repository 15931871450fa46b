import type { RoomClient, RoomSnapshot } from '../../client/api.ts'
import { stateText } from '../connectivity.ts'
import { useRoomStatus } from '../hooks.ts'

/** What to call a room whose log has not arrived and whose link gave no name. */
export const UNNAMED_ROOM = 'this room'

/**
 * A room joined by link that no peer has served yet: says which room, that we keep looking, what the
 * network looks like from here, and offers to give up, instead of a blank room with no channels.
 */
export function WaitingRoom ({ room, snapshot, looking, onCancel }: { room: RoomClient, snapshot: RoomSnapshot, looking: boolean, onCancel: () => void }) {
  const status = useRoomStatus(room)
  const name = snapshot.name !== '' ? snapshot.name : UNNAMED_ROOM
  const net = stateText[status.state]
  return (
    <main className='welcome waiting' aria-label={`Joining ${name}`}>
      <h1>{looking ? `Looking for ${name}…` : `Waiting for someone from ${name} to come online`}</h1>
      <p role='status'>
        {looking
          ? 'Finding people in this room and fetching its history. This can take a little while.'
          : 'Nobody who has this room is online right now. Rooms live in their members’ browsers, so one of them has to be online for you to get in. We keep trying every 20 seconds; you can leave this page open.'}
      </p>
      <p className='hint'>Network: {net.label}. {net.help}</p>
      <div className='row'>
        <button type='button' onClick={onCancel}>{looking ? 'Cancel' : 'Stop waiting and remove'}</button>
      </div>
    </main>
  )
}
