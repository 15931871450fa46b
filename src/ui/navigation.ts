import { useSyncExternalStore } from 'react'
import type { ChannelId, EntryHash, RoomId } from '../core/types.ts'

/** Where the user asked to go: a room, maybe a channel in it, maybe a message in that channel. */
export interface NavigationTarget {
  readonly room: RoomId
  readonly channel?: ChannelId
  readonly message?: EntryHash
}

let current: NavigationTarget | undefined
const listeners = new Set<() => void>()

/**
 * Jumps that cross components (a search result, a pin, the quick switcher): the workspace picks
 * the room, the room view the channel, the message list scrolls to the message. Each call is a
 * new object, so going to the same place twice jumps again.
 */
export function navigate (target: NavigationTarget): void {
  current = { ...target }
  for (const l of listeners) l()
}

const done = new WeakMap<NavigationTarget, Set<string>>()

/**
 * True the first time a part of the app acts on a target: a view mounted later (the user came
 * back to that room or channel) must not jump again to where a search once went.
 */
export function firstTime (target: NavigationTarget, part: 'room' | 'channel' | 'message'): boolean {
  let parts = done.get(target)
  if (parts == null) done.set(target, parts = new Set())
  if (parts.has(part)) return false
  parts.add(part)
  return true
}

const subscribe = (l: () => void): () => void => {
  listeners.add(l)
  return () => { listeners.delete(l) }
}

/** The latest navigation, for effects that act on it. */
export function useNavigation (): NavigationTarget | undefined {
  return useSyncExternalStore(subscribe, () => current)
}
