import { useId, useMemo, useState, type KeyboardEvent } from 'react'
import type { ChannelId, RoomId } from '../../core/types.ts'
import { useClient } from '../client-context.ts'
import { useEventVersion } from '../hooks.ts'
import { navigate } from '../navigation.ts'
import { Dialog } from './dialog.tsx'

interface Place { readonly room: RoomId, readonly channel?: ChannelId, readonly label: string, readonly key: string }

const SHOWN = 12

/** Ctrl+K: type part of a room or channel name, arrows to choose, Enter to go there. */
export function QuickSwitcher ({ onClose }: { onClose: () => void }) {
  const client = useClient()
  const rooms = useEventVersion('rooms')
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const listId = useId()

  const places = useMemo<Place[]>(() => client.rooms().flatMap((r) => {
    const channels = client.room(r.id)?.snapshot().channels.filter((c) => !c.archived) ?? []
    return [
      { room: r.id, label: r.name, key: r.id },
      ...channels.map((c) => ({ room: r.id, channel: c.id, label: `${r.name} › #${c.name}`, key: `${r.id}/${c.id}` }))
    ]
  }), [client, rooms])
  const q = query.trim().toLowerCase()
  const shown = places.filter((p) => q === '' || p.label.toLowerCase().includes(q)).slice(0, SHOWN)
  const current = Math.min(active, Math.max(0, shown.length - 1))

  const go = (p: Place | undefined) => {
    if (p == null) return
    navigate(p.channel != null ? { room: p.room, channel: p.channel } : { room: p.room })
    onClose()
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      if (shown.length > 0) setActive((current + (e.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length)
    } else if (e.key === 'Enter') {
      e.preventDefault()
      go(shown[current])
    }
  }

  return (
    <Dialog title='Go to a room or channel' onClose={onClose}>
      <input
        type='text' role='combobox' aria-label='Room or channel' aria-expanded='true' aria-controls={listId} autoFocus
        aria-activedescendant={shown.length > 0 ? `${listId}-${current}` : undefined}
        placeholder='Where to?' value={query} onChange={(e) => { setQuery(e.target.value); setActive(0) }} onKeyDown={onKeyDown}
      />
      <ul className='switcher-list' id={listId} role='listbox' aria-label='Rooms and channels'>
        {shown.map((p, i) => (
          <li key={p.key} id={`${listId}-${i}`} role='option' aria-selected={i === current} onMouseDown={(e) => { e.preventDefault(); go(p) }}>{p.label}</li>
        ))}
      </ul>
      {shown.length === 0 && <p className='hint' role='status'>No room or channel matches “{query.trim()}”.</p>}
    </Dialog>
  )
}

export default QuickSwitcher
