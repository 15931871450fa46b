import { lazy, Suspense, useEffect, useState } from 'react'
import type { RoomId } from '../../core/types.ts'
import { useClient } from '../client-context.ts'
import { useIdentity, useRoomClient, useRooms } from '../hooks.ts'
import { clearJoinFragment, joinLinkFromLocation } from '../join-link.ts'
import { useDesktopNotifications } from '../notifications.ts'
import { firstTime, useNavigation } from '../navigation.ts'
import { searchOf } from '../../workers/search-client.ts'
import { RoomsRail } from './rooms-rail.tsx'
import { RoomView } from './room-view.tsx'
import { ErrorText, messageOf } from './dialog.tsx'

const CreateRoomDialog = lazy(async () => ({ default: (await import('./create-room-dialog.tsx')).CreateRoomDialog }))
const QuickSwitcher = lazy(() => import('./quick-switcher.tsx'))
const JoinDialog = lazy(async () => ({ default: (await import('./join-dialog.tsx')).JoinDialog }))

const lastRoomKey = 'peer-rooms:last-room'
const Open = { None: 'none', Create: 'create', Join: 'join', Switcher: 'switcher' } as const
type Open = typeof Open[keyof typeof Open]

/** The signed-in app: rooms rail on the left, the selected room beside it. */
export function Workspace () {
  const client = useClient()
  const rooms = useRooms()
  const [selected, setSelected] = useState<RoomId | undefined>(() => (localStorage.getItem(lastRoomKey) ?? undefined) as RoomId | undefined)
  const [open, setOpen] = useState<Open>(Open.None)
  const [joining, setJoining] = useState<string>()
  const [joinError, setJoinError] = useState<string>()
  const current = rooms.find((r) => r.id === selected) ?? rooms[0]
  const room = useRoomClient(current?.id)

  const select = (id: RoomId) => {
    setSelected(id)
    localStorage.setItem(lastRoomKey, id)
  }
  useDesktopNotifications(select)

  // The message index builds from the start, so search has results when first opened.
  useEffect(() => { searchOf(client) }, [client])
  const target = useNavigation()
  useEffect(() => { if (target != null && firstTime(target, 'room')) select(target.room) }, [target])
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'k') { e.preventDefault(); setOpen(Open.Switcher) }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  // Opening an invite link (#/join/...) joins the room it names.
  useEffect(() => {
    const joinFromLocation = () => {
      const link = joinLinkFromLocation(location)
      if (link == null) return
      clearJoinFragment()
      setJoining(link)
      setJoinError(undefined)
      client.joinByLink(link).then((id) => { setJoining(undefined); select(id) }, (err: unknown) => {
        setJoining(undefined)
        setJoinError(messageOf(err))
      })
    }
    joinFromLocation()
    window.addEventListener('hashchange', joinFromLocation)
    return () => window.removeEventListener('hashchange', joinFromLocation)
  }, [client])

  return (
    <div className='workspace'>
      <RoomsRail rooms={rooms} selected={current?.id} onSelect={select} onCreate={() => setOpen(Open.Create)} onJoin={() => setOpen(Open.Join)} />
      {joining != null && <p className='banner' role='status'>Joining the room from your invite link…</p>}
      {joinError != null && <div className='banner'><ErrorText error={`Could not join: ${joinError}`} /></div>}
      {room != null
        ? <RoomView key={room.id} room={room} />
        : <Welcome onCreate={() => setOpen(Open.Create)} onJoin={() => setOpen(Open.Join)} />}
      <Suspense fallback={null}>
        {open === Open.Create && <CreateRoomDialog onClose={() => setOpen(Open.None)} onCreated={(id) => { setOpen(Open.None); select(id) }} />}
        {open === Open.Switcher && <QuickSwitcher onClose={() => setOpen(Open.None)} />}
        {open === Open.Join && <JoinDialog onClose={() => setOpen(Open.None)} onJoined={(id) => { setOpen(Open.None); select(id) }} />}
      </Suspense>
    </div>
  )
}

function Welcome ({ onCreate, onJoin }: { onCreate: () => void, onJoin: () => void }) {
  const me = useIdentity()
  return (
    <main className='welcome'>
      <h1>Welcome to Peer Rooms</h1>
      {me != null && <p>You are <strong>{me.name}</strong> · key fingerprint <span className='fingerprint'>{me.fingerprint}</span></p>}
      <p>Create a room and invite people with a link or a QR code, or join one you were invited to.</p>
      <div className='row'>
        <button type='button' className='primary' onClick={onCreate}>Create a room</button>
        <button type='button' onClick={onJoin}>Join a room</button>
      </div>
    </main>
  )
}
