import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react'
import type { RoomId } from '../../core/types.ts'
import { useClient } from '../client-context.ts'
import { useIdentity, useRoomClient, useRoomSnapshot, useRooms } from '../hooks.ts'
import { clearJoinFragment, joinLinkFromLocation } from '../join-link.ts'
import { badLinkText } from '../join-text.ts'
import { useDesktopNotifications } from '../notifications.ts'
import { firstTime, useNavigation } from '../navigation.ts'
import { searchOf } from '../../workers/search-client.ts'
import { RoomsRail } from './rooms-rail.tsx'
import { RoomView } from './room-view.tsx'
import { messageOf } from './dialog.tsx'
import { Toast } from './toast.tsx'
import { UNNAMED_ROOM, WaitingRoom } from './waiting-room.tsx'

const CreateRoomDialog = lazy(async () => ({ default: (await import('./create-room-dialog.tsx')).CreateRoomDialog }))
const QuickSwitcher = lazy(() => import('./quick-switcher.tsx'))
const JoinDialog = lazy(async () => ({ default: (await import('./join-dialog.tsx')).JoinDialog }))

const lastRoomKey = 'peer-rooms:last-room'
const Open = { None: 'none', Create: 'create', Join: 'join', Switcher: 'switcher' } as const
type Open = typeof Open[keyof typeof Open]

interface Notice { readonly kind: 'error' | 'info', readonly text: string }

/** The signed-in app: rooms rail on the left, the selected room beside it. */
export function Workspace () {
  const client = useClient()
  const rooms = useRooms()
  const [selected, setSelected] = useState<RoomId | undefined>(() => (localStorage.getItem(lastRoomKey) ?? undefined) as RoomId | undefined)
  const [open, setOpen] = useState<Open>(Open.None)
  const [notice, setNotice] = useState<Notice>()
  /** Joins under way, by room: their lookups can be cancelled. */
  const joins = useRef(new Map<RoomId, AbortController>())
  const [joining, setJoining] = useState<ReadonlySet<RoomId>>(new Set())
  const current = rooms.find((r) => r.id === selected) ?? rooms[0]
  const room = useRoomClient(current?.id)
  const snapshot = useRoomSnapshot(room)

  const select = useCallback((id: RoomId) => {
    setSelected(id)
    localStorage.setItem(lastRoomKey, id)
  }, [])
  useDesktopNotifications(select)
  const dismiss = useCallback(() => setNotice(undefined), [])

  /** Joins the room a link names, showing it at once (with the link's name) while peers are looked for. */
  const startJoin = useCallback((link: string): boolean => {
    const described = client.describeLink(link)
    if (!described.ok) {
      setNotice({ kind: 'error', text: badLinkText(described.problem) })
      return false
    }
    const id = described.room
    select(id)
    if (joins.current.has(id)) return true
    const controller = new AbortController()
    joins.current.set(id, controller)
    setJoining(new Set(joins.current.keys()))
    const settle = () => {
      joins.current.delete(id)
      setJoining(new Set(joins.current.keys()))
    }
    client.joinByLink(link, controller.signal).then(settle, (err: unknown) => {
      settle()
      if (!controller.signal.aborted) setNotice({ kind: 'error', text: `Could not join ${described.name ?? UNNAMED_ROOM}: ${messageOf(err)}` })
    })
    return true
  }, [client, select])

  /** Gives up on a room nobody has served: stops looking and removes it from this browser. */
  const cancelJoin = useCallback((id: RoomId) => {
    joins.current.get(id)?.abort()
    client.leaveRoom(id).catch((err: unknown) => { setNotice({ kind: 'error', text: `Could not remove the room: ${messageOf(err)}` }) })
  }, [client])

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
      startJoin(link)
    }
    joinFromLocation()
    window.addEventListener('hashchange', joinFromLocation)
    return () => window.removeEventListener('hashchange', joinFromLocation)
  }, [startJoin])

  return (
    <div className='workspace'>
      <RoomsRail rooms={rooms} selected={current?.id} onSelect={select} onCreate={() => setOpen(Open.Create)} onJoin={() => setOpen(Open.Join)} />
      {notice != null && <Toast kind={notice.kind} onClose={dismiss}><p>{notice.text}</p></Toast>}
      {room != null && snapshot != null
        ? snapshot.found
          ? <RoomView key={room.id} room={room} onJoin={() => setOpen(Open.Join)} />
          : <WaitingRoom key={room.id} room={room} snapshot={snapshot} looking={joining.has(room.id)} onCancel={() => cancelJoin(room.id)} />
        : <Welcome onCreate={() => setOpen(Open.Create)} onJoin={() => setOpen(Open.Join)} />}
      <Suspense fallback={null}>
        {open === Open.Create && <CreateRoomDialog onClose={() => setOpen(Open.None)} onCreated={(id) => { setOpen(Open.None); select(id) }} />}
        {open === Open.Switcher && <QuickSwitcher onClose={() => setOpen(Open.None)} />}
        {open === Open.Join && <JoinDialog onClose={() => setOpen(Open.None)} onJoin={(link) => { setOpen(Open.None); startJoin(link) }} />}
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
