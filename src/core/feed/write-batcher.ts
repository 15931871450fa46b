import type { FeedStore, StoredFeedEntry } from '../storage.ts'
import type { AuthorId, ChannelId } from '../types.ts'

export interface FeedWriteBatcherComponents {
  readonly feeds: Pick<FeedStore, 'putEntries'>
}

export interface FeedWriteBatcherInit {
  /**
   * How long the first queued entry waits for company before its batch is written; default 0: the
   * write starts after the current task's microtasks (no timer, which a hidden tab would throttle
   * to once a second), and entries queued while a write runs go in the next one.
   */
  readonly delayMs?: number
}

/**
 * Writes validated feed entries in small batches, so validation (and the GossipSub verdict) need
 * not wait on disk: many single-entry gossip arrivals become one transaction, and sync batches
 * that arrive while a write runs share the next one. Until their batch commits, queued entries are
 * visible through {@link FeedWriteBatcher.unflushed}, so chain checks see them at once.
 */
export interface FeedWriteBatcher {
  /**
   * Queues entries; resolves once they are committed. Rejects when their batch fails: then that
   * batch and everything queued behind it (which may build on it) is dropped from memory, while
   * what was stored before stays as it was (each batch is one all-or-nothing putEntries).
   */
  write (entries: readonly StoredFeedEntry[]): Promise<void>
  /** Queued, not yet committed entries of one feed, by seq. */
  unflushed (channel: ChannelId, author: AuthorId): ReadonlyMap<number, StoredFeedEntry> | undefined
}

interface Waiter { readonly resolve: () => void, readonly reject: (err: unknown) => void }

/** One transaction at a time: entries queued while one runs go in the next. */
export function createFeedWriteBatcher (components: FeedWriteBatcherComponents, init: FeedWriteBatcherInit = {}): FeedWriteBatcher {
  const { feeds } = components
  const delayMs = init.delayMs ?? 0
  const overlay = new Map<string, Map<number, StoredFeedEntry>>()
  let queued: StoredFeedEntry[] = []
  let waiters: Waiter[] = []
  let timer: ReturnType<typeof setTimeout> | 'microtask' | undefined
  let writing = false

  const keyOf = (channel: string, author: string): string => `${channel}/${author}`

  const forget = (entries: readonly StoredFeedEntry[]): void => {
    for (const e of entries) {
      const key = keyOf(e.channel, e.author)
      const feed = overlay.get(key)
      if (feed?.get(e.seq) !== e) continue
      feed.delete(e.seq)
      if (feed.size === 0) overlay.delete(key)
    }
  }

  const schedule = (): void => {
    if (timer != null || writing || queued.length === 0) return
    const run = (): void => { timer = undefined; void flush() }
    if (delayMs > 0) timer = setTimeout(run, delayMs)
    else { timer = 'microtask'; queueMicrotask(run) }
  }

  async function flush (): Promise<void> {
    const batch = queued
    const settle = waiters
    queued = []
    waiters = []
    writing = true
    try {
      await feeds.putEntries(batch)
      forget(batch)
      for (const w of settle) w.resolve()
    } catch (err) {
      // Entries queued behind the failed batch may link to it: drop them too, so storage never gets a gap.
      const behind = queued
      const behindWaiters = waiters
      queued = []
      waiters = []
      forget(batch)
      forget(behind)
      for (const w of [...settle, ...behindWaiters]) w.reject(err)
    } finally {
      writing = false
      // What queued during the write has waited long enough: write it now.
      if (queued.length > 0) void flush()
    }
  }

  return {
    write (entries) {
      if (entries.length === 0) return Promise.resolve()
      for (const e of entries) {
        const key = keyOf(e.channel, e.author)
        let feed = overlay.get(key)
        if (feed == null) { feed = new Map(); overlay.set(key, feed) }
        feed.set(e.seq, e)
        queued.push(e)
      }
      const done = new Promise<void>((resolve, reject) => { waiters.push({ resolve, reject }) })
      schedule()
      return done
    },
    unflushed: (channel, author) => overlay.get(keyOf(channel, author))
  }
}
