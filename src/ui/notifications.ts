import { useEffect, useRef } from 'react'
import type { RoomId } from '../core/types.ts'
import { useClient } from './client-context.ts'

/**
 * Shows a desktop notification for mentions and messages in other channels, only while the tab is
 * hidden (a visible tab shows badges instead) and only once the user has allowed it.
 */
export function useDesktopNotifications (onOpen: (room: RoomId) => void): void {
  const client = useClient()
  const onOpenRef = useRef(onOpen)
  onOpenRef.current = onOpen
  useEffect(() => client.events.on('notify', ({ room, message: messageOf, mention }) => {
    if (!document.hidden || !('Notification' in window) || Notification.permission !== 'granted') return
    const message = messageOf()
    if (message == null) return
    const roomName = client.rooms().find((r) => r.id === room)?.name ?? 'Peer Rooms'
    const author = client.profile(message.author)?.name ?? 'Someone'
    const notification = new Notification(mention ? `${author} mentioned you in ${roomName}` : roomName, {
      body: message.text ?? 'New message',
      tag: message.hash
    })
    notification.onclick = () => {
      window.focus()
      onOpenRef.current(room)
      notification.close()
    }
  }), [client])
}

/** Asks once, from a click: browsers ignore permission requests that no gesture started. */
export async function enableDesktopNotifications (): Promise<NotificationPermission> {
  if (!('Notification' in window)) return 'denied'
  return await Notification.requestPermission()
}
