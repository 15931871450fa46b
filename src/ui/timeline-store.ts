import type { MessageSnapshot, RoomClient } from '../client/api.ts'
import type { ChannelId, EntryHash } from '../core/types.ts'

/**
 * The UI's window onto one channel's timeline: a bounded cache of fixed-size pages fetched from
 * {@link RoomClient.timeline}, so a virtualised list over 100,000 messages holds only the pages
 * around what is on screen. A timeline event marks every page stale; the visible ones are
 * re-fetched (coalesced) so late messages slot in at their place in display order.
 */
export interface TimelineWindow {
  readonly subscribe: (onChange: () => void) => () => void
  /** Moves on every change; React reads it with useSyncExternalStore. */
  readonly version: () => number
  /** Messages stored for the channel, undefined until the first page arrives. */
  total (): number | undefined
  at (index: number): MessageSnapshot | undefined
  find (hash: EntryHash): MessageSnapshot | undefined
  /** Position in display order of a loaded message (for jumping to a reply's original). */
  indexOf (hash: EntryHash): number | undefined
  /** Makes sure [start, end) is loaded; called with the rendered range of the list. */
  request (start: number, end: number): void
  /** The channel changed: re-fetch what is on screen. */
  invalidate (): void
  dispose (): void
}

export interface TimelineWindowInit {
  readonly pageSize?: number
  /** Pages kept on either side of the requested range before they are dropped. */
  readonly keepAround?: number
  /** How long timeline events are coalesced before a re-fetch. */
  readonly coalesceMs?: number
}

interface Page { readonly offset: number, readonly messages: readonly MessageSnapshot[], readonly generation: number }

export function createTimelineWindow (room: RoomClient, channel: ChannelId, init: TimelineWindowInit = {}): TimelineWindow {
  const pageSize = init.pageSize ?? 50
  const keepAround = init.keepAround ?? 4
  const coalesceMs = init.coalesceMs ?? 80
  const pages = new Map<number, Page>()
  const inFlight = new Set<number>()
  const listeners = new Set<() => void>()
  let total: number | undefined
  let version = 0
  let generation = 0
  let wanted: { first: number, last: number } | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let disposed = false

  const changed = (): void => {
    version++
    for (const l of listeners) l()
  }

  const fetchPage = (page: number): void => {
    inFlight.add(page)
    const requestedIn = generation
    room.timeline(channel, { offset: page * pageSize, limit: pageSize }).then((w) => {
      inFlight.delete(page)
      if (disposed) return
      pages.set(page, { offset: w.offset, messages: w.messages, generation: requestedIn })
      total = w.total
      changed()
      pump()
    }, () => {
      inFlight.delete(page)
    })
  }

  /** Fetches the pages of the wanted range that are missing or stale; before the first answer, only the total. */
  const pump = (): void => {
    if (disposed) return
    if (total === undefined) {
      if (inFlight.size === 0) fetchPage(0)
      return
    }
    if (wanted === undefined) {
      const last = Math.max(0, Math.ceil(total / pageSize) - 1)
      wanted = { first: Math.max(0, last - 1), last }
    }
    for (let p = wanted.first; p <= wanted.last; p++) {
      const page = pages.get(p)
      if (inFlight.has(p)) continue
      if (page === undefined || page.generation !== generation) fetchPage(p)
    }
  }

  return {
    subscribe (onChange) {
      listeners.add(onChange)
      if (total === undefined) pump()
      return () => { listeners.delete(onChange) }
    },
    version: () => version,
    total: () => total,
    at (index) {
      const page = pages.get(Math.floor(index / pageSize))
      return page?.messages[index - page.offset]
    },
    find (hash) {
      for (const page of pages.values()) {
        const found = page.messages.find((m) => m.hash === hash)
        if (found !== undefined) return found
      }
      return undefined
    },
    indexOf (hash) {
      for (const page of pages.values()) {
        const i = page.messages.findIndex((m) => m.hash === hash)
        if (i >= 0) return page.offset + i
      }
      return undefined
    },
    request (start, end) {
      const first = Math.max(0, Math.floor(start / pageSize))
      const last = Math.max(first, Math.floor(Math.max(start, end - 1) / pageSize))
      if (wanted?.first === first && wanted.last === last) return
      wanted = { first, last }
      for (const p of [...pages.keys()]) {
        if (p < first - keepAround || p > last + keepAround) pages.delete(p)
      }
      pump()
    },
    invalidate () {
      generation++
      if (timer !== undefined) return
      timer = setTimeout(() => {
        timer = undefined
        pump()
      }, coalesceMs)
    },
    dispose () {
      disposed = true
      if (timer !== undefined) clearTimeout(timer)
      listeners.clear()
      pages.clear()
    }
  }
}
