import type { OrderKey, StoredFeedEntry } from '../core/storage.ts'
import type { AuthorId, ChannelId, EntryHash, RoomId } from '../core/types.ts'
import { compareOrder } from './records.ts'

/**
 * A run of consecutive entries of one feed (channel, author), stored as ONE IndexedDB record.
 *
 * Why: IndexedDB's cost is per record, not per byte. Measured in Chromium on this project's
 * 2-core machine, 10,000 entries as one record each (with the hash and display-order indexes) cost
 * ~2.3 s of CPU across the page and the browser process, the same bytes as chunks of 100 cost
 * ~0.15 s. One record per entry capped ingest near 3,500 entries/s; chunks remove that ceiling.
 *
 * What replaces the per-entry display-order index: chunks are indexed by (channel, minLamport)
 * and by (channel, maxLamport), and a chunk's lamports span at most `span`. So an entry with
 * lamport L can only be in a chunk whose minLamport is in [L - span, L] (and maxLamport in
 * [L, L + span]), which is what lets {@link pageOfChunks} read a window of the display order from
 * the few chunks around it.
 */
export interface FeedChunk {
  readonly room: RoomId
  readonly channel: ChannelId
  readonly author: AuthorId
  readonly firstSeq: number
  readonly lastSeq: number
  readonly minLamport: number
  readonly maxLamport: number
  /** Every entry's hash: a unique multi-entry index, for getByHash and to refuse a hash at two positions. */
  readonly hashes: readonly EntryHash[]
  /** Entries with seq firstSeq..lastSeq, one per seq, ascending. */
  readonly entries: readonly ChunkEntry[]
}

/** A stored entry without what its chunk already says (room, channel, author). */
export interface ChunkEntry {
  readonly hash: EntryHash
  readonly seq: number
  readonly lamport: number
  readonly bytes: Uint8Array
  readonly payload: Uint8Array | null
  readonly receivedAt: number
}

export interface ChunkLimits {
  /** Most entries in one chunk. */
  readonly entries: number
  /** Largest lamport minus smallest lamport within one chunk: the reach of a display-order read. */
  readonly span: number
  /**
   * Batches smaller than this that continue a feed are written as their own (small) chunks, the
   * cheapest write; when a feed's tail holds this many such chunks, the next one merges them all
   * into one chunk. A pause in writes merges a tail of a quarter as many first (IndexedDB backend),
   * so entries that come one at a time (sent, gossiped) end up in chunks of a few dozen, each
   * rewritten once, away from the writes when the room pauses at all.
   */
  readonly compactAfter: number
}

/**
 * 256 entries keep one chunk around 200 KB; a span of 512 lamports keeps a display-order read to
 * the chunks within 512 lamports of the window, while a busy channel's interleaved feeds (20 authors
 * writing in turn: ~25 entries of each per 512 lamports) still batch a few dozen entries per record.
 * A gossip write stays one small record (rewriting a growing chunk on every message cost the
 * browser process about a third more CPU in a 10-page room). Loose tails of 16 or more are merged
 * in the next pause in writes; the write path merges only a tail of 64, in a room busy without a
 * pause: a merge in the write path stalled the appends queued behind it (see IdleWork).
 */
export const DEFAULT_CHUNK_LIMITS: ChunkLimits = { entries: 256, span: 512, compactAfter: 64 }

export const entryOfChunk = (chunk: FeedChunk, e: ChunkEntry): StoredFeedEntry => ({
  hash: e.hash, room: chunk.room, channel: chunk.channel, author: chunk.author, seq: e.seq, lamport: e.lamport, bytes: e.bytes, payload: e.payload, receivedAt: e.receivedAt
})

export const entriesOfChunk = (chunk: FeedChunk): StoredFeedEntry[] => chunk.entries.map((e) => entryOfChunk(chunk, e))

/** The entry at seq, if this chunk holds it (chunks hold consecutive seqs). */
export function entryAt (chunk: FeedChunk | undefined, seq: number): StoredFeedEntry | undefined {
  if (chunk === undefined || seq < chunk.firstSeq || seq > chunk.lastSeq) return undefined
  const e = chunk.entries[seq - chunk.firstSeq]
  return e === undefined ? undefined : entryOfChunk(chunk, e)
}

/**
 * Cuts entries of ONE feed (ascending seq, none stored yet) into chunks: a new chunk starts at a
 * gap in seq, a change of room, or when the entry would break the entry or lamport-span limit.
 */
export function chunksOf (entries: readonly StoredFeedEntry[], limits: ChunkLimits): FeedChunk[] {
  const chunks: FeedChunk[] = []
  let run: StoredFeedEntry[] = []
  let min = 0
  let max = 0
  const close = (): void => {
    if (run.length === 0) return
    const first = run[0]!
    chunks.push({
      room: first.room,
      channel: first.channel,
      author: first.author,
      firstSeq: first.seq,
      lastSeq: run[run.length - 1]!.seq,
      minLamport: min,
      maxLamport: max,
      hashes: run.map((e) => e.hash),
      entries: run.map((e) => ({ hash: e.hash, seq: e.seq, lamport: e.lamport, bytes: e.bytes, payload: e.payload, receivedAt: e.receivedAt }))
    })
    run = []
  }
  for (const e of entries) {
    const last = run[run.length - 1]
    const fits = last !== undefined && e.seq === last.seq + 1 && e.room === last.room && run.length < limits.entries &&
      Math.max(max, e.lamport) - Math.min(min, e.lamport) <= limits.span
    if (!fits) {
      close()
      min = max = e.lamport
    }
    run.push(e)
    min = Math.min(min, e.lamport)
    max = Math.max(max, e.lamport)
  }
  close()
  return chunks
}

export interface PageQuery {
  readonly after?: OrderKey
  /** undefined: no upper bound; the page is the first `limit` after `after`. */
  readonly before?: OrderKey | 'end'
  readonly limit: number
}

/**
 * Which chunks can hold entries of a page, and in which order to read them: a first-`limit` page
 * (no `before`) reads by minLamport upwards from `after` - span; a last-`limit` page reads by
 * maxLamport downwards from `before` + span, down to `after`.
 */
export function chunkRangeOf (query: PageQuery, span: number): { readonly by: 'minLamport' | 'maxLamport', readonly lowest?: number, readonly highest?: number } {
  const { after, before } = query
  if (before === undefined) return { by: 'minLamport', ...(after === undefined ? {} : { lowest: after.lamport - span }) }
  return {
    by: 'maxLamport',
    ...(after === undefined ? {} : { lowest: after.lamport }),
    ...(before === 'end' ? {} : { highest: before.lamport + span })
  }
}

/** Chunks in the order a page reads them: the next one's bound (its minLamport going up, maxLamport going down) before its entries. */
export interface ChunkCursor {
  /** The next chunk's minLamport (ascending) or maxLamport (descending); undefined when there is none. */
  bound (): Promise<number | undefined>
  /** The chunk whose bound was just given; then moves on. */
  take (): Promise<FeedChunk>
}

/**
 * One page of a channel in display order. Reads only until the page is certain: ascending, once
 * `limit` collected entries lie below the next chunk's minLamport (no chunk after it holds
 * anything lower); descending, once they lie above the next chunk's maxLamport.
 */
export async function pageOfChunks (chunks: ChunkCursor, query: PageQuery): Promise<StoredFeedEntry[]> {
  const { after, before, limit } = query
  const descending = before !== undefined
  const upper = before === undefined || before === 'end' ? undefined : before
  const collected: StoredFeedEntry[] = []
  const settled = (bound: number): number => collected.reduce((n, e) => n + ((descending ? e.lamport > bound : e.lamport < bound) ? 1 : 0), 0)
  for (let bound = await chunks.bound(); bound !== undefined; bound = await chunks.bound()) {
    if (settled(bound) >= limit) break
    for (const e of entriesOfChunk(await chunks.take())) {
      if ((after === undefined || compareOrder(e, after) > 0) && (upper === undefined || compareOrder(e, upper) < 0)) collected.push(e)
    }
  }
  collected.sort(compareOrder)
  return descending ? collected.slice(Math.max(0, collected.length - limit)) : collected.slice(0, limit)
}
