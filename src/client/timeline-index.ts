import type { FeedStore, OrderKey, StoredFeedEntry } from '../core/storage.ts'
import type { ChannelId } from '../core/types.ts'

/** One remembered position: the row at display index `index` has order key `key`. */
interface Checkpoint { readonly key: OrderKey, index: number }

export interface TimelineIndexInit {
  readonly feeds: FeedStore
  readonly channel: ChannelId
  /** Whether a stored entry is a row of the timeline (a message), not an operation on one. */
  readonly isRow: (entry: StoredFeedEntry) => boolean
  /** How many stored entries of the channel are not rows. */
  readonly nonRows: () => number
  /** Distance between remembered positions: memory is rows / every keys. */
  readonly checkpointEvery?: number
  /** Entries read per storage page. */
  readonly pageSize?: number
}

/** Display order of a channel: (lamport, author hex, seq). */
export function compareOrder (a: OrderKey, b: OrderKey): number {
  if (a.lamport !== b.lamport) return a.lamport - b.lamport
  if (a.author !== b.author) return a.author < b.author ? -1 : 1
  return a.seq - b.seq
}

export const orderKeyOf = (e: OrderKey): OrderKey => ({ lamport: e.lamport, author: e.author, seq: e.seq })

/**
 * Random access by row index over a channel that storage pages only by key, without holding the
 * channel in memory: the newest rows (what a chat shows first) are read backwards from the end;
 * for windows further up we remember every Nth row's key (built lazily by one scan, the first time
 * such a window is asked for) and page forward from the nearest one. Inserts keep the checkpoints
 * exact by shifting those after the new key.
 */
export interface TimelineIndex {
  total (): Promise<number>
  /** Rows [offset, offset + limit) in display order. */
  window (offset: number, limit: number): Promise<StoredFeedEntry[]>
  /** Records a newly stored entry; returns true for a row that lands before the newest one (a late arrival). */
  inserted (key: OrderKey, row: boolean): boolean
  /** Display index of the row at `key`; undefined if no row of the channel is stored there. */
  indexOf (key: OrderKey): Promise<number | undefined>
}

export function createTimelineIndex (init: TimelineIndexInit): TimelineIndex {
  const { feeds, channel, isRow } = init
  const every = init.checkpointEvery ?? 512
  const pageSize = init.pageSize ?? 1_000
  let stored: number | undefined
  let newest: OrderKey | undefined
  let checkpoints: Checkpoint[] | undefined
  let building: Promise<Checkpoint[]> | undefined

  const total = async (): Promise<number> => {
    if (stored == null) {
      const [n, last] = await Promise.all([feeds.count(channel), feeds.page(channel, { before: 'end', limit: 1 })])
      stored ??= n
      const tail = last[0]
      if (tail != null && (newest == null || compareOrder(tail, newest) > 0)) newest = orderKeyOf(tail)
    }
    return Math.max(0, stored - init.nonRows())
  }

  /** Rows going backwards from the end until `count` are found (or the channel starts). */
  const lastRows = async (count: number): Promise<StoredFeedEntry[]> => {
    const found: StoredFeedEntry[][] = []
    let got = 0
    let before: OrderKey | 'end' = 'end'
    while (got < count) {
      const limit = Math.min(pageSize, count - got + 16)
      const page = await feeds.page(channel, { before, limit })
      const rows = page.filter(isRow)
      found.unshift(rows)
      got += rows.length
      const first = page[0]
      if (first == null || page.length < limit) break
      before = orderKeyOf(first)
    }
    const all = found.flat()
    return all.slice(Math.max(0, all.length - count))
  }

  /** `count` rows forward from the row at `from` (inclusive), skipping the first `skip` rows. */
  const rowsFrom = async (from: OrderKey | undefined, skip: number, count: number): Promise<StoredFeedEntry[]> => {
    const out: StoredFeedEntry[] = []
    let toSkip = skip
    let after: OrderKey | undefined
    if (from != null) {
      const first = await feeds.getEntry(channel, from.author, from.seq)
      if (first != null && isRow(first)) {
        if (toSkip > 0) toSkip--
        else out.push(first)
      }
      after = from
    }
    while (out.length < count) {
      const limit = Math.min(pageSize, toSkip + count - out.length + 16)
      const page = await feeds.page(channel, after == null ? { limit } : { after, limit })
      for (const e of page) {
        if (!isRow(e)) continue
        if (toSkip > 0) { toSkip--; continue }
        if (out.length < count) out.push(e)
      }
      const last = page.at(-1)
      if (last == null || page.length < limit) break
      after = orderKeyOf(last)
    }
    return out
  }

  const build = async (): Promise<Checkpoint[]> => {
    const found: Checkpoint[] = []
    let after: OrderKey | undefined
    let index = 0
    for (;;) {
      const page = await feeds.page(channel, after == null ? { limit: pageSize } : { after, limit: pageSize })
      for (const e of page) {
        if (!isRow(e)) continue
        if (index % every === 0) found.push({ key: orderKeyOf(e), index })
        index++
      }
      const last = page.at(-1)
      if (last == null || page.length < pageSize) break
      after = orderKeyOf(last)
    }
    return found
  }

  const ensureCheckpoints = async (): Promise<Checkpoint[]> => {
    if (checkpoints != null) return checkpoints
    building ??= build()
    const built = await building
    building = undefined
    checkpoints ??= built
    return checkpoints
  }

  return {
    total,
    async window (offset, limit) {
      const n = await total()
      const start = Math.max(0, Math.min(offset, n))
      const end = Math.min(n, start + Math.max(0, limit))
      if (end <= start) return []
      if (n - end < every) return (await lastRows(n - start)).slice(0, end - start)
      let best: Checkpoint | undefined
      for (const cp of await ensureCheckpoints()) { if (cp.index <= start) best = cp; else break }
      return rowsFrom(best?.key, start - (best?.index ?? 0), end - start)
    },
    inserted (key, row) {
      if (stored != null) stored++
      if (!row) return false
      const late = newest != null && compareOrder(key, newest) < 0
      if (!late) newest = key
      if (checkpoints != null) {
        for (const cp of checkpoints) if (compareOrder(key, cp.key) < 0) cp.index++
      }
      return late
    },
    async indexOf (key) {
      // From the nearest checkpoint at or before the key, count rows forward until it.
      let best: Checkpoint | undefined
      for (const cp of await ensureCheckpoints()) { if (compareOrder(cp.key, key) <= 0) best = cp; else break }
      if (best != null && compareOrder(best.key, key) === 0) return best.index
      let index = best == null ? 0 : best.index + 1
      let after = best?.key
      for (;;) {
        const page = await feeds.page(channel, after == null ? { limit: pageSize } : { after, limit: pageSize })
        for (const e of page) {
          const order = compareOrder(e, key)
          if (order === 0) return isRow(e) ? index : undefined
          if (order > 0) return undefined
          if (isRow(e)) index++
        }
        const last = page.at(-1)
        if (last == null || page.length < pageSize) return undefined
        after = orderKeyOf(last)
      }
    }
  }
}
