import type { AuthorId, ChannelId } from '../core/types.ts'

/** How long a typing notice stays shown without a fresh one. */
export const TYPING_TTL_MS = 6_000
/** The least time between two typing notices we send for one channel. */
export const TYPING_SEND_INTERVAL_MS = 3_000
/** Typers shown per channel at most: more fit no indicator, and each holds a timer. */
export const TYPING_MAX_PER_CHANNEL = 16

export interface TypingTrackerInit {
  readonly ttlMs?: number
  /** Default {@link TYPING_MAX_PER_CHANNEL}; a new typer beyond it is not noted until one expires. */
  readonly maxPerChannel?: number
  /** Called when a channel's set of typers changes, expiries included. */
  readonly onChange: (channel: ChannelId) => void
}

/** Who is typing where: ephemeral, never stored, forgotten after a TTL. */
export interface TypingTracker {
  note (channel: ChannelId, author: AuthorId): void
  /** Someone who sent a message stopped typing. */
  clear (channel: ChannelId, author: AuthorId): void
  typers (channel: ChannelId): readonly AuthorId[]
  stop (): void
}

/** One timer per (channel, author) while shown; nothing runs while nobody types. */
export function createTypingTracker (init: TypingTrackerInit): TypingTracker {
  const ttl = init.ttlMs ?? TYPING_TTL_MS
  const max = init.maxPerChannel ?? TYPING_MAX_PER_CHANNEL
  const byChannel = new Map<ChannelId, Map<AuthorId, ReturnType<typeof setTimeout>>>()
  const snapshots = new Map<ChannelId, readonly AuthorId[]>()

  const changed = (channel: ChannelId): void => {
    snapshots.delete(channel)
    init.onChange(channel)
  }
  const clear = (channel: ChannelId, author: AuthorId): void => {
    const authors = byChannel.get(channel)
    const timer = authors?.get(author)
    if (authors == null || timer == null) return
    clearTimeout(timer)
    authors.delete(author)
    if (authors.size === 0) byChannel.delete(channel)
    changed(channel)
  }
  return {
    note (channel, author) {
      let authors = byChannel.get(channel)
      if (authors == null) { authors = new Map(); byChannel.set(channel, authors) }
      const known = authors.get(author)
      if (known == null && authors.size >= max) return
      if (known != null) clearTimeout(known)
      authors.set(author, setTimeout(() => { clear(channel, author) }, ttl))
      if (known == null) changed(channel)
    },
    clear,
    typers (channel) {
      let list = snapshots.get(channel)
      if (list == null) {
        list = [...(byChannel.get(channel)?.keys() ?? [])].sort()
        snapshots.set(channel, list)
      }
      return list
    },
    stop () {
      for (const authors of byChannel.values()) for (const timer of authors.values()) clearTimeout(timer)
      byChannel.clear()
      snapshots.clear()
    }
  }
}
