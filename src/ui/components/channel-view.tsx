import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react'
import { Capability, type ChannelSnapshot, type MessageSnapshot, type RoomClient, type RoomSnapshot } from '../../client/api.ts'
import type { AuthorId } from '../../core/types.ts'
import { useClient } from '../client-context.ts'
import { useIdentity } from '../hooks.ts'
import { shortId } from '../format.ts'
import { createTimelineWindow } from '../timeline-store.ts'
import { BlockedNotice } from './blocked-notice.tsx'
import { AttachmentRoom } from './attachment.tsx'
import { Composer } from './composer.tsx'
import { Icon } from './icons.tsx'
import { Dialog, ErrorText, messageOf } from './dialog.tsx'
import { MessageList, type MessageActions } from './message-list.tsx'
import { TypingIndicator } from './typing-indicator.tsx'

const SearchPanel = lazy(() => import('./search-panel.tsx'))
const PinsPanel = lazy(() => import('./pins-panel.tsx'))
const Panel = { None: 'none', Search: 'search', Pins: 'pins' } as const
type Panel = typeof Panel[keyof typeof Panel]

/** How far back from the newest message Up looks for one of ours to edit. */
const editLastLookBack = 200

/** The conversation of one channel: header, the virtualised history, who is typing, the composer. */
export function ChannelView ({ room, snapshot, channel, membersShown, onToggleMembers, onToggleSidebar, onJoin }: {
  room: RoomClient
  snapshot: RoomSnapshot
  channel: ChannelSnapshot
  membersShown: boolean
  onToggleMembers: () => void
  onToggleSidebar: () => void
  /** Opens the join dialog: on a phone the rooms rail is hidden, so the header offers it. */
  onJoin: () => void
}) {
  const client = useClient()
  const me = useIdentity()
  const timeline = useMemo(() => createTimelineWindow(room, channel.id), [room, channel.id])
  useEffect(() => {
    const off = client.events.on('timeline', (d) => { if (d.room === room.id && d.channel === channel.id) timeline.invalidate() })
    return () => { off(); timeline.dispose() }
  }, [client, room, channel.id, timeline])

  const [replyTo, setReplyTo] = useState<MessageSnapshot>()
  const [editing, setEditing] = useState<MessageSnapshot>()
  const [deleting, setDeleting] = useState<MessageSnapshot>()
  const [error, setError] = useState<string>()
  const [panel, setPanel] = useState<Panel>(Panel.None)
  const names = useMemo(() => new Map<AuthorId, string>(snapshot.members.map((m) => [m.id, m.name])), [snapshot.members])
  const caps = snapshot.myCapabilities
  const canWrite = caps.has(Capability.Post) && !channel.archived
  const nameOf = useCallback((id: AuthorId): string => names.get(id) ?? client.profile(id)?.name ?? shortId(id), [names, client])
  const fail = useCallback((err: unknown) => setError(messageOf(err)), [])

  // Stable while nothing it depends on changes, so memoised rows skip re-rendering on scroll.
  const actions = useMemo<MessageActions>(() => ({
    me: me?.id,
    nameOf,
    canDeleteOthers: caps.has(Capability.Delete),
    canPin: caps.has(Capability.Pin),
    canWrite,
    editing: editing?.hash,
    reply: (m) => setReplyTo(m),
    startEdit: (m) => setEditing(m),
    cancelEdit: () => setEditing(undefined),
    saveEdit: (m, text) => { setEditing(undefined); room.edit(channel.id, m.hash, text).catch(fail) },
    askDelete: (m) => setDeleting(m),
    react: (m, emoji, on) => { room.react(channel.id, m.hash, emoji, on).catch(fail) },
    pin: (m, on) => { room.pin(channel.id, m.hash, on).catch(fail) }
  }), [me?.id, nameOf, caps, canWrite, editing?.hash, room, channel.id, fail])

  // Up in an empty composer: the newest loaded message of ours that can still be edited.
  const editLast = useCallback((): boolean => {
    const n = timeline.total() ?? 0
    for (let i = n - 1; i >= Math.max(0, n - editLastLookBack); i--) {
      const m = timeline.at(i)
      if (m != null && m.author === me?.id && m.supported && !m.deleted) { setEditing(m); return true }
    }
    return false
  }, [timeline, me?.id])

  return (
    <main className='chat' aria-label={`#${channel.name}`}>
      <header className='chat-head'>
        <button type='button' className='icon-button menu-button' aria-label='Show channels' onClick={onToggleSidebar}><Icon name='menu' /></button>
        <h1 className='channel-title'><span aria-hidden='true'>#</span>{channel.name}</h1>
        {channel.topic !== '' && <p className='topic'>{channel.topic}</p>}
        {channel.archived && <span className='tag'>archived</span>}
        <button type='button' className='icon-button phone-only' aria-label='Join a room' title='Join a room' onClick={onJoin}><Icon name='join' /></button>
        <button type='button' className='icon-button' aria-label='Search messages' title='Search messages' onClick={() => setPanel(Panel.Search)}><Icon name='search' /></button>
        <button type='button' className='icon-button' aria-label='Pinned messages' title='Pinned messages' onClick={() => setPanel(Panel.Pins)}><Icon name='pin' /></button>
        <button type='button' className='icon-button' aria-pressed={membersShown} aria-label='Member list' title='Member list' onClick={onToggleMembers}><Icon name='members' /></button>
      </header>
      <ErrorText error={error} />
      <AttachmentRoom.Provider value={room}><MessageList room={room} channel={channel} timeline={timeline} actions={actions} /></AttachmentRoom.Provider>
      <TypingIndicator room={room} channel={channel.id} nameOf={nameOf} me={me?.id} />
      {canWrite
        ? (
          <Composer
            room={room} channel={channel} members={snapshot.members} canPost={canWrite}
            replyTo={replyTo} replyName={replyTo != null ? nameOf(replyTo.author) : undefined} onCancelReply={() => setReplyTo(undefined)}
            onSent={() => setReplyTo(undefined)} onEditLast={editLast}
          />)
        : <BlockedNotice snapshot={snapshot} channel={channel} me={me?.id} nameOf={nameOf} />}
      <Suspense fallback={null}>
        {panel === Panel.Search && <SearchPanel onClose={() => setPanel(Panel.None)} />}
        {panel === Panel.Pins && <PinsPanel room={room} channel={channel} nameOf={nameOf} onClose={() => setPanel(Panel.None)} />}
      </Suspense>
      {deleting != null && (
        <Dialog title='Delete message' onClose={() => setDeleting(undefined)}>
          <p>Delete this message for everyone? Peers drop its text; the signed entry stays as a tombstone.</p>
          <blockquote className='quote'>{deleting.text}</blockquote>
          <div className='row end'>
            <button type='button' onClick={() => setDeleting(undefined)}>Cancel</button>
            <button
              type='button' className='danger' onClick={() => {
                const target = deleting
                setDeleting(undefined)
                room.delete(channel.id, target.hash).catch(fail)
              }}
            >Delete
            </button>
          </div>
        </Dialog>
      )}
    </main>
  )
}
