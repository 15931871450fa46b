import { lazy, Suspense, useState } from 'react'
import type { MemberSnapshot, RoomClient, RoomSnapshot } from '../../client/api.ts'
import type { AuthorId } from '../../core/types.ts'
import { useIdentity, useRoomStatus } from '../hooks.ts'
import { Avatar } from './avatar.tsx'
import { Icon } from './icons.tsx'

const MemberDialog = lazy(async () => ({ default: (await import('./member-dialog.tsx')).MemberDialog }))

/** How a member is read out: "Bob, member, online"; a banned one is only "Bob, banned". */
export const memberLabel = (m: MemberSnapshot, online: boolean): string =>
  m.banned ? `${m.name}, banned` : `${m.name}, ${m.role}, ${online ? 'online' : 'offline'}`

/**
 * Members grouped by role (highest rank first), online before offline, banned ones last. Who is
 * online comes from the room's one status (useRoomStatus), the same the status bar counts.
 * On a phone it is a drawer over the chat, with a backdrop and a close button.
 */
export function MemberList ({ room, snapshot, onClose }: { room: RoomClient, snapshot: RoomSnapshot, onClose: () => void }) {
  const me = useIdentity()
  const status = useRoomStatus(room)
  const [selected, setSelected] = useState<AuthorId>()
  const isOnline = (m: MemberSnapshot): boolean => status.online.has(m.id)
  const active = snapshot.members.filter((m) => !m.banned)
  const groups = new Map<string, MemberSnapshot[]>()
  for (const m of [...active].sort((a, b) => b.rank - a.rank || Number(isOnline(b)) - Number(isOnline(a)) || a.name.localeCompare(b.name))) {
    const key = isOnline(m) ? m.role : 'offline'
    groups.set(key, [...(groups.get(key) ?? []), m])
  }
  const offline = groups.get('offline')
  groups.delete('offline')
  if (offline != null) groups.set('offline', offline)
  const banned = snapshot.members.filter((m) => m.banned)
  if (banned.length > 0) groups.set('banned', banned)
  const member = snapshot.members.find((m) => m.id === selected)

  return (
    <>
      <button type='button' className='drawer-backdrop' aria-label='Close the member list' tabIndex={-1} onClick={onClose} />
      <aside className='members' aria-label='Members'>
        <div className='drawer-head'>
          <h2 className='section-title'>Members</h2>
          <button type='button' className='icon-button' aria-label='Close the member list' onClick={onClose}><Icon name='close' size={16} /></button>
        </div>
        {[...groups].map(([group, members]) => (
          <section key={group}>
            <h2 className='section-title'>{group} — {members.length}</h2>
            <ul>
              {members.map((m) => (
                <li key={m.id}>
                  <button
                    type='button' className={`member${isOnline(m) ? '' : ' offline'}`}
                    aria-label={memberLabel(m, isOnline(m))} onClick={() => setSelected(m.id)}
                  >
                    <span className='member-avatar'>
                      <Avatar author={m.id} name={m.name} size={32} />
                      <span className={`presence${isOnline(m) ? ' online' : ''}`} aria-hidden='true' />
                    </span>
                    <span className='member-name'>{m.name}</span>
                    {m.id === me?.id && <span className='hint'>you</span>}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
        <Suspense fallback={null}>
          {member != null && <MemberDialog room={room} snapshot={snapshot} member={member} online={isOnline(member)} onClose={() => setSelected(undefined)} />}
        </Suspense>
      </aside>
    </>
  )
}
