import { lazy, Suspense, useState } from 'react'
import { Capability, type MemberSnapshot, type RoomClient, type RoomSnapshot } from '../../client/api.ts'
import { useIdentity } from '../hooks.ts'
import { Avatar } from './avatar.tsx'

const MemberDialog = lazy(async () => ({ default: (await import('./member-dialog.tsx')).MemberDialog }))

/** Members grouped by role (highest rank first), online before offline, banned ones last. */
export function MemberList ({ room, snapshot }: { room: RoomClient, snapshot: RoomSnapshot }) {
  const me = useIdentity()
  const [selected, setSelected] = useState<MemberSnapshot>()
  const caps = snapshot.myCapabilities
  const moderates = caps.has(Capability.Ban) || caps.has(Capability.ManageRoles)
  const active = snapshot.members.filter((m) => !m.banned)
  const groups = new Map<string, MemberSnapshot[]>()
  for (const m of [...active].sort((a, b) => b.rank - a.rank || Number(b.online) - Number(a.online) || a.name.localeCompare(b.name))) {
    const key = m.online ? m.role : 'offline'
    groups.set(key, [...(groups.get(key) ?? []), m])
  }
  const offline = groups.get('offline')
  groups.delete('offline')
  if (offline != null) groups.set('offline', offline)
  const banned = snapshot.members.filter((m) => m.banned)
  if (banned.length > 0) groups.set('banned', banned)

  return (
    <aside className='members' aria-label='Members'>
      {[...groups].map(([group, members]) => (
        <section key={group}>
          <h2 className='section-title'>{group} — {members.length}</h2>
          <ul>
            {members.map((m) => (
              <li key={m.id}>
                <button
                  type='button' className={`member${m.online ? '' : ' offline'}`} disabled={!moderates || m.id === me?.id}
                  aria-label={`${m.name}, ${m.role}, ${m.banned ? 'banned' : m.online ? 'online' : 'offline'}`} onClick={() => setSelected(m)}
                >
                  <span className='member-avatar'>
                    <Avatar author={m.id} name={m.name} size={32} />
                    <span className={`presence${m.online ? ' online' : ''}`} aria-hidden='true' />
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
        {selected != null && <MemberDialog room={room} snapshot={snapshot} member={selected} onClose={() => setSelected(undefined)} />}
      </Suspense>
    </aside>
  )
}
