import { useCallback, useMemo, useRef, useSyncExternalStore } from 'react'
import type {
  ClientEventMap, ConnectivitySnapshot, IdentitySnapshot, PeerSnapshot, ProfileSnapshot, RoomClient,
  RoomSnapshot, RoomSummary, SyncProgressSnapshot
} from '../client/api.ts'
import type { AuthorId, ChannelId, RoomId } from '../core/types.ts'
import { useClient } from './client-context.ts'
import { type RoomStatus, roomStatus } from './connectivity.ts'

/**
 * A counter that moves on every matching client event. Snapshots are then read once per change
 * (useMemo on the counter), so React never re-reads the client in a loop even if a getter were to
 * return a fresh object each call, and never keeps a stale copy of its own.
 */
export function useEventVersion<K extends keyof ClientEventMap> (
  type: K, matches: (detail: ClientEventMap[K]) => boolean = () => true, key = ''
): number {
  const client = useClient()
  const version = useRef(0)
  const matchesRef = useRef(matches)
  matchesRef.current = matches
  const subscribe = useCallback((onChange: () => void) => client.events.on(type, (detail) => {
    if (!matchesRef.current(detail)) return
    version.current++
    onChange()
  }), [client, type, key])
  return useSyncExternalStore(subscribe, () => version.current)
}

export function useIdentity (): IdentitySnapshot | undefined {
  const client = useClient()
  const v = useEventVersion('identity')
  return useMemo(() => client.identity(), [client, v])
}

export function useRooms (): readonly RoomSummary[] {
  const client = useClient()
  const v = useEventVersion('rooms')
  return useMemo(() => client.rooms(), [client, v])
}

export function useRoomClient (room: RoomId | undefined): RoomClient | undefined {
  const client = useClient()
  const v = useEventVersion('rooms')
  return useMemo(() => room == null ? undefined : client.room(room), [client, room, v])
}

export function useRoomSnapshot (room: RoomClient | undefined): RoomSnapshot | undefined {
  const v = useEventVersion('room', (d) => d.room === room?.id, room?.id)
  return useMemo(() => room?.snapshot(), [room, v])
}

export function useRoomPeers (room: RoomClient | undefined): readonly PeerSnapshot[] {
  const v = useEventVersion('peers', (d) => d.room === room?.id, room?.id)
  return useMemo(() => room?.peers() ?? [], [room, v])
}

export function useSyncProgress (room: RoomClient | undefined): SyncProgressSnapshot | undefined {
  const v = useEventVersion('sync', (d) => d.room === room?.id, room?.id)
  return useMemo(() => room?.sync(), [room, v])
}

export function useTypers (room: RoomClient, channel: ChannelId): readonly AuthorId[] {
  const v = useEventVersion('typing', (d) => d.room === room.id && d.channel === channel, `${room.id}/${channel}`)
  return useMemo(() => room.typers(channel), [room, channel, v])
}

export function useConnectivity (): ConnectivitySnapshot {
  const client = useClient()
  const v = useEventVersion('connectivity')
  return useMemo(() => client.connectivity(), [client, v])
}

export function useProfile (author: AuthorId): ProfileSnapshot | undefined {
  const client = useClient()
  const v = useEventVersion('profile', (d) => d.author === author, author)
  return useMemo(() => client.profile(author), [client, author, v])
}

/**
 * The one status every view of a room shows (status bar, member list, connectivity panel): derived
 * from the network state, the room's peers, its sync and its members together, re-read whenever any
 * of them changes (a connection opening or closing included), so no view shows a stale part.
 */
export function useRoomStatus (room: RoomClient): RoomStatus {
  const client = useClient()
  const matches = (d: { room: RoomId }): boolean => d.room === room.id
  const net = useEventVersion('connectivity')
  const peers = useEventVersion('peers', matches, room.id)
  const sync = useEventVersion('sync', matches, room.id)
  const members = useEventVersion('room', matches, room.id)
  const me = useIdentity()?.id
  return useMemo(() => roomStatus(client.connectivity(), room.peers(), room.sync(), room.snapshot().members, me), [client, room, me, net, peers, sync, members])
}
