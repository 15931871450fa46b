import type { FeedStore } from '../core/storage.ts'
import type { AuthorId, ChannelId, EntryHash, RoomId } from '../core/types.ts'
import type { SearchIndex } from './search-index.ts'

/**
 * Keeps a SearchIndex level with storage, one channel at a time: each channel's vector clock
 * (author -> highest seq, feeds are gap-free) says which entries are new since the last read, so
 * a catch-up reads only those. Channels marked while one is being read are read after it, once.
 */
export interface SearchFeeder {
  /** The channels to index; others are forgotten and their messages dropped. */
  scope (rooms: ReadonlyArray<{ readonly room: RoomId, readonly channels: readonly ChannelId[] }>): void
  /** The channel has new entries; resolves once they (and anything marked before) are indexed. */
  changed (channel: ChannelId): Promise<void>
  /** Resolves when no channel waits to be read. */
  idle (): Promise<void>
  busy (): boolean
}

/** Entries read per storage call: bounded, so one huge feed never holds everything in memory. */
const RANGE = 2_000
/** Others' deletes whose target still has its payload, per channel, asked again on each read. */
const RECHECK_LIMIT = 1_000

export function createSearchFeeder (feeds: Pick<FeedStore, 'heads' | 'getRange' | 'getByHash'>, index: SearchIndex, onProgress: () => void): SearchFeeder {
  const read = new Map<ChannelId, Map<AuthorId, number>>()
  const inScope = new Set<ChannelId>()
  let rooms = new Set<RoomId>()
  const dirty = new Set<ChannelId>()
  const recheck = new Map<ChannelId, Set<EntryHash>>()
  let running: Promise<void> | undefined

  const catchUp = async (channel: ChannelId): Promise<void> => {
    let clock = read.get(channel)
    if (clock == null) read.set(channel, clock = new Map<AuthorId, number>())
    let pending = recheck.get(channel)
    if (pending == null) recheck.set(channel, pending = new Set<EntryHash>())
    for (const head of await feeds.heads(channel)) {
      let from = (clock.get(head.author) ?? 0) + 1
      while (from <= head.seq) {
        const to = Math.min(head.seq, from + RANGE - 1)
        for (const target of index.add(await feeds.getRange(channel, head.author, from, to))) {
          if (pending.size >= RECHECK_LIMIT) pending.delete(pending.values().next().value!)
          pending.add(target)
        }
        clock.set(head.author, to)
        from = to + 1
      }
    }
    // The client drops a payload once its ACL allows the delete, which may land after the delete entry.
    for (const target of pending) {
      const stored = await feeds.getByHash(target)
      if (stored != null && stored.payload == null) { index.deleted(target); pending.delete(target) }
    }
  }

  const run = async (): Promise<void> => {
    while (dirty.size > 0) {
      const channel = dirty.values().next().value!
      dirty.delete(channel)
      if (inScope.has(channel)) await catchUp(channel)
      onProgress()
    }
  }

  const pump = (): Promise<void> => {
    running ??= run().finally(() => { running = undefined })
    return running
  }

  return {
    scope (list) {
      inScope.clear()
      for (const { channels } of list) for (const c of channels) inScope.add(c)
      for (const c of read.keys()) if (!inScope.has(c)) { read.delete(c); recheck.delete(c) }
      const now = new Set(list.map((r) => r.room))
      // Dropping walks every indexed message: only when a room is gone, not on each room event.
      if ([...rooms].some((r) => !now.has(r))) index.keepRooms(now)
      rooms = now
      for (const c of inScope) if (!read.has(c)) dirty.add(c)
      void pump().catch(() => {})
    },
    async changed (channel) {
      dirty.add(channel)
      // A catch-up under way may already be past this channel: wait for it, then read again.
      while (dirty.has(channel) || running != null) await pump()
    },
    async idle () { while (running != null) await running },
    busy: () => running != null || dirty.size > 0
  }
}
