import { lazy, Suspense, useEffect, useState } from 'react'
import { Capability, type RoomClient } from '../../client/api.ts'
import type { ChannelId } from '../../core/types.ts'
import { useRoomSnapshot } from '../hooks.ts'
import { firstTime, useNavigation } from '../navigation.ts'
import { ChannelList } from './channel-list.tsx'
import { ChannelView } from './channel-view.tsx'
import { Icon } from './icons.tsx'
import { MemberList } from './member-list.tsx'
import { StatusBar } from './status-bar.tsx'
import { UserPanel } from './user-panel.tsx'

const InviteDialog = lazy(async () => ({ default: (await import('./invite-dialog.tsx')).InviteDialog }))
const RoomSettings = lazy(async () => ({ default: (await import('./room-settings.tsx')).RoomSettings }))
const CreateChannelDialog = lazy(async () => ({ default: (await import('./create-channel-dialog.tsx')).CreateChannelDialog }))
const ConnectivityPanel = lazy(async () => ({ default: (await import('./connectivity-panel.tsx')).ConnectivityPanel }))

const Panel = { None: 'none', Invite: 'invite', Settings: 'settings', Connectivity: 'connectivity', NewChannel: 'new-channel' } as const
type Panel = typeof Panel[keyof typeof Panel]

const channelKey = (room: string): string => `peer-rooms:channel:${room}`

/** One room: channels and the user on the left, the conversation in the middle, members on the right. */
export function RoomView ({ room, onJoin }: { room: RoomClient, onJoin: () => void }) {
  const snapshot = useRoomSnapshot(room)
  const [channelId, setChannelId] = useState<ChannelId | undefined>(() => (localStorage.getItem(channelKey(room.id)) ?? undefined) as ChannelId | undefined)
  const [panel, setPanel] = useState<Panel>(Panel.None)
  // On a phone the member list is a drawer over the chat: closed until asked for.
  const [showMembers, setShowMembers] = useState(() => matchMedia('(min-width: 1000px)').matches)
  const [showSidebar, setShowSidebar] = useState(false)
  const target = useNavigation()
  useEffect(() => {
    if (target?.room === room.id && target.channel != null && firstTime(target, 'channel')) {
      setChannelId(target.channel)
      localStorage.setItem(channelKey(room.id), target.channel)
    }
  }, [target, room.id])
  if (snapshot == null) return null
  const open = snapshot.channels.filter((c) => !c.archived)
  const channel = snapshot.channels.find((c) => c.id === channelId) ?? open[0] ?? snapshot.channels[0]
  const selectChannel = (id: ChannelId) => {
    setChannelId(id)
    setShowSidebar(false)
    localStorage.setItem(channelKey(room.id), id)
  }
  const canInvite = snapshot.myCapabilities.has(Capability.Invite) || snapshot.policy === 'open'

  return (
    <div className={`room-view${showMembers ? ' with-members' : ''}${showSidebar ? ' sidebar-open' : ''}`}>
      <aside className='sidebar' aria-label={`${snapshot.name} channels`}>
        <header className='room-head'>
          <h2 className='room-name' title={snapshot.description}>{snapshot.name}</h2>
          <button type='button' className='icon-button' aria-label='Room settings' title='Room settings' onClick={() => setPanel(Panel.Settings)}><Icon name='settings' /></button>
        </header>
        {canInvite && <button type='button' className='invite-button' onClick={() => setPanel(Panel.Invite)}>Invite people</button>}
        {!snapshot.complete && <p className='hint warn' role='status'>Some moderation entries are still arriving.</p>}
        <ChannelList
          channels={snapshot.channels} selected={channel?.id} onSelect={selectChannel}
          onCreate={snapshot.myCapabilities.has(Capability.ManageChannels) ? () => setPanel(Panel.NewChannel) : undefined}
        />
        <UserPanel />
      </aside>
      {channel != null
        ? (
          <ChannelView
            key={channel.id} room={room} snapshot={snapshot} channel={channel}
            membersShown={showMembers} onToggleMembers={() => setShowMembers((v) => !v)} onToggleSidebar={() => setShowSidebar((v) => !v)} onJoin={onJoin}
          />)
        : <main className='chat'><p className='empty'>This room has no channels yet.</p></main>}
      {showMembers && <MemberList room={room} snapshot={snapshot} onClose={() => setShowMembers(false)} />}
      <StatusBar room={room} onOpenConnectivity={() => setPanel(Panel.Connectivity)} />
      <Suspense fallback={null}>
        {panel === Panel.Invite && <InviteDialog room={room} snapshot={snapshot} onClose={() => setPanel(Panel.None)} />}
        {panel === Panel.Settings && <RoomSettings room={room} snapshot={snapshot} onClose={() => setPanel(Panel.None)} />}
        {panel === Panel.NewChannel && <CreateChannelDialog room={room} onClose={() => setPanel(Panel.None)} onCreated={(id) => { setPanel(Panel.None); selectChannel(id) }} />}
        {panel === Panel.Connectivity && <ConnectivityPanel room={room} onClose={() => setPanel(Panel.None)} />}
      </Suspense>
    </div>
  )
}
