import type { AuthorId, ChannelId, EntryHash } from '../types.ts'
import type { ParsedEntry } from './entry.ts'

/**
 * Entries that passed every check but the chain because their predecessor has not arrived yet
 * (gossip outran sync, or a sync batch came out of order). Bounded: when full, the oldest entry
 * is dropped; sync will ask for it again, since the clock never counts past a gap.
 */
export interface PendingBuffer {
  readonly size: number
  add (parsed: ParsedEntry): void
  has (hash: EntryHash): boolean
  /** A held entry that lacks its payload takes this copy's; returns whether it did. */
  fillPayload (parsed: ParsedEntry): boolean
  /** Removes and returns every waiting entry of one author's feed in one channel. */
  take (channel: ChannelId, author: AuthorId): ParsedEntry[]
}

const feedKey = (channel: ChannelId, author: AuthorId): string => `${channel}/${author}`

export function createPendingBuffer (limit: number): PendingBuffer {
  const byFeed = new Map<string, Map<EntryHash, ParsedEntry>>()
  /** Insertion order over all feeds, for eviction. */
  const order = new Map<EntryHash, string>()

  const remove = (hash: EntryHash, key: string): void => {
    order.delete(hash)
    const feed = byFeed.get(key)
    feed?.delete(hash)
    if (feed?.size === 0) byFeed.delete(key)
  }

  return {
    get size () { return order.size },
    has: (hash) => order.has(hash),
    fillPayload (parsed) {
      const feed = byFeed.get(feedKey(parsed.entry.channel, parsed.entry.author))
      const held = feed?.get(parsed.hash)
      if (feed == null || held == null || held.payload != null || parsed.payload == null) return false
      feed.set(parsed.hash, parsed)
      return true
    },
    add (parsed) {
      if (limit <= 0 || order.has(parsed.hash)) return
      while (order.size >= limit) {
        const [oldest, key] = order.entries().next().value as [EntryHash, string]
        remove(oldest, key)
      }
      const key = feedKey(parsed.entry.channel, parsed.entry.author)
      let feed = byFeed.get(key)
      if (feed == null) byFeed.set(key, feed = new Map<EntryHash, ParsedEntry>())
      feed.set(parsed.hash, parsed)
      order.set(parsed.hash, key)
    },
    take (channel, author) {
      const key = feedKey(channel, author)
      const feed = byFeed.get(key)
      if (feed == null) return []
      byFeed.delete(key)
      for (const hash of feed.keys()) order.delete(hash)
      return [...feed.values()]
    }
  }
}
