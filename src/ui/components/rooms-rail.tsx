import type { RoomSummary } from '../../client/api.ts'
import type { RoomId } from '../../core/types.ts'
import { hueOf } from '../format.ts'
import { Icon } from './icons.tsx'

/** The far-left column of room icons with unread dots and mention badges, as in Discord. */
export function RoomsRail ({ rooms, selected, onSelect, onCreate, onJoin }: {
  rooms: readonly RoomSummary[]
  selected: RoomId | undefined
  onSelect: (id: RoomId) => void
  onCreate: () => void
  onJoin: () => void
}) {
  return (
    <nav className='rooms-rail' aria-label='Rooms'>
      <ul>
        {rooms.map((r) => {
          const name = r.name !== '' ? r.name : 'Room not found yet'
          const label = `${name}${r.mentions > 0 ? `, ${r.mentions} mentions` : ''}${r.unread > 0 ? `, ${r.unread} unread` : ''}`
          return (
            <li key={r.id} className={r.id === selected ? 'selected' : ''}>
              {r.unread > 0 && <span className='unread-pip' aria-hidden='true' />}
              <button
                type='button' className='room-icon' aria-label={label} title={name} aria-current={r.id === selected ? 'page' : undefined}
                style={{ backgroundColor: `hsl(${hueOf(r.id)} 40% 34%)` }} onClick={() => onSelect(r.id)}
              >
                {r.name !== '' ? initials(r.name) : '?'}
              </button>
              {r.mentions > 0 && <span className='badge' aria-hidden='true'>{r.mentions}</span>}
            </li>
          )
        })}
      </ul>
      <button type='button' className='room-icon action' aria-label='Create a room' title='Create a room' onClick={onCreate}><Icon name='plus' size={22} /></button>
      <button type='button' className='room-icon action' aria-label='Join a room' title='Join a room' onClick={onJoin}><Icon name='join' size={20} /></button>
    </nav>
  )
}

const initials = (name: string): string => name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]?.toUpperCase()).join('')
