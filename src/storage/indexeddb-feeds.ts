import type { IDBPCursor, IDBPObjectStore } from 'idb'
import { StorageError } from '../core/errors.ts'
import type { FeedStore, StoredFeedEntry } from '../core/storage.ts'
import { type ChunkLimits, type FeedChunk, chunkRangeOf, chunksOf, entriesOfChunk, entryAt, entryOfChunk, pageOfChunks } from './feed-chunks.ts'
import type { Names, Schema, StoredHead, Transact, Tx } from './indexeddb-schema.ts'
import { createIdleWork } from './idle-work.ts'
import { checkLimit, compactBytes, headOf, storableFeedEntry } from './records.ts'

type ChunkStore = IDBPObjectStore<Schema, Names[], 'feedChunks', IDBTransactionMode>

/** Every key of one channel (or feed): arrays sort after numbers and strings, so [c, []] is above [c, anything]. */
const under = (first: string): IDBKeyRange => IDBKeyRange.bound([first], [first, []])

/** The chunks of one feed that may hold seqs from..to: the one starting at or before `from`, and those starting inside. */
async function chunksOverlapping (store: ChunkStore, channel: string, author: string, from: number, to: number): Promise<FeedChunk[]> {
  const [first, inside] = await Promise.all([
    store.openCursor(IDBKeyRange.bound([channel, author], [channel, author, from]), 'prev'),
    // (from, to]: a range open at one end must not be empty, so a single seq reads only the first.
    from < to ? store.getAll(IDBKeyRange.bound([channel, author, from], [channel, author, to], true, false)) : []
  ])
  return first === null ? inside : [first.value, ...inside]
}

/**
 * Replaces the chunks of a feed's loose tail (seqs `from` to head.seq) with full-size chunks of
 * those entries followed by `after`, read back in the same transaction.
 */
async function rewriteLooseTail (chunks: IDBPObjectStore<Schema, ['feedChunks', 'feedHeads'], 'feedChunks', 'readwrite'>, head: StoredHead, from: number, after: readonly StoredFeedEntry[], limits: ChunkLimits): Promise<void> {
  const range = IDBKeyRange.bound([head.channel, head.author, from], [head.channel, head.author, head.seq])
  const merged = chunksOf([...(await chunks.getAll(range)).flatMap(entriesOfChunk), ...after], limits)
  await chunks.delete(range)
  await Promise.all(merged.map(async (c) => chunks.add(c)))
}

/** The chunk that holds seq, if any: the one with the highest firstSeq at or below it. */
async function chunkHolding (store: ChunkStore, channel: string, author: string, seq: number): Promise<FeedChunk | undefined> {
  return (await store.openCursor(IDBKeyRange.bound([channel, author], [channel, author, seq]), 'prev'))?.value
}

/** Feeds whose last written head is remembered; past this, the memory starts over. */
const KNOWN_HEADS_LIMIT = 10_000
/** Feeds whose loose tail is remembered (at most compactAfter entries each); past this, the memory starts over. */
const LOOSE_TAILS_LIMIT = 64
const headKey = (channel: string, author: string): string => JSON.stringify([channel, author])

/** Whether a write appends a few entries right after `head` (a message sent or gossiped). */
const smallAppend = (feed: readonly StoredFeedEntry[], head: StoredHead, limits: ChunkLimits): boolean =>
  feed[0]!.seq === head.seq + 1 && feed.length < limits.compactAfter

/** Whether such a write is the one that merges the feed's loose tail into one chunk. */
const mergesTail = (feed: readonly StoredFeedEntry[], head: StoredHead, limits: ChunkLimits): boolean =>
  smallAppend(feed, head, limits) && head.loose !== undefined && head.loose.chunks + 1 >= limits.compactAfter

/** The feed's head after `feed` (sorted, not yet stored) is written on top of `head`. */
function nextHead (feed: readonly StoredFeedEntry[], head: StoredHead | undefined, loose: StoredHead['loose']): StoredHead {
  const top = feed[feed.length - 1]!
  const newest = head === undefined || top.seq > head.seq ? { ...headOf(top), channel: top.channel } : head
  return { author: newest.author, seq: newest.seq, hash: newest.hash, lamport: newest.lamport, channel: newest.channel, count: (head?.count ?? 0) + feed.length, ...(loose === undefined ? {} : { loose }) }
}

/**
 * A write that does not merge the loose tail: the entries cut into chunks, and the new head. A small
 * append extends the loose tail; a bulk append (full-size chunks) stops tracking it; a write that
 * does not reach the end leaves it as it was.
 */
function plainWrite (feed: readonly StoredFeedEntry[], head: StoredHead | undefined, limits: ChunkLimits): { chunks: FeedChunk[], head: StoredHead } {
  const appends = head === undefined || feed[0]!.seq === head.seq + 1
  const small = appends && feed.length < limits.compactAfter
  const loose = head?.loose
  const cut = chunksOf(feed, limits)
  const tail = small ? { from: loose?.from ?? cut[0]!.firstSeq, chunks: (loose?.chunks ?? 0) + cut.length } : appends ? undefined : loose
  return { chunks: cut, head: nextHead(feed, head, tail) }
}

/** A hash at two new positions; a hash stored at another position is refused by the unique index. */
function refuseRepeatedHashes (feeds: ReadonlyArray<readonly StoredFeedEntry[]>): void {
  const hashes = new Set<string>()
  for (const e of feeds.flat()) {
    if (hashes.has(e.hash)) throw new StorageError(`putEntries: hash ${e.hash} is in the batch at two positions`)
    hashes.add(e.hash)
  }
}

const sameHead = (a: StoredHead | undefined, b: StoredHead): boolean =>
  a !== undefined && a.seq === b.seq && a.hash === b.hash && a.lamport === b.lamport && a.count === b.count &&
  a.loose?.from === b.loose?.from && a.loose?.chunks === b.loose?.chunks

export interface IndexedDbFeedsOptions {
  readonly singleWriter: boolean
  /** Pause in writes (ms) after which loose tails are merged (see IdleWork); false: only through compactLooseTails. Default 250. */
  readonly idleCompactionMs?: number | false
}

export interface IndexedDbFeeds extends Omit<FeedStore, 'putForkProof' | 'forkProofs'> {
  /** Merges the loose tails of the feeds this connection wrote, one feed per transaction, until a write comes; resolves to how many it merged. */
  readonly compactLooseTails: () => Promise<number>
  /** No idle merging until the next write (the database is closing). */
  readonly pauseCompaction: () => void
}

/**
 * Loose chunks a tail must have before a pause merges it: a quarter of the write path's
 * compactAfter, so merged chunks still hold a few dozen messages rather than whatever came
 * between two pauses, and paging reads a handful of records.
 */
const idleMergeFrom = (limits: ChunkLimits): number => Math.max(2, Math.ceil(limits.compactAfter / 4))
/** The pause in writes, in ms, after which loose tails are merged. */
const IDLE_COMPACTION_MS = 250

/**
 * Feed entries on IndexedDB, stored as chunks (see FeedChunk): a batch becomes one record per run
 * of consecutive entries of a feed, in one transaction with the feed's head (which also counts the
 * feed's entries). Entries that come a few at a time (sent, gossiped) are each written as a small
 * chunk, the cheapest write. Once writes pause, each feed's loose tail is merged into one chunk, so
 * paging does not read a record per message; a tail that reaches `compactAfter` chunks without a
 * pause (a room busy without a break) is merged by the write that gets it there.
 */
export function createIndexedDbFeeds (transact: Transact, limits: ChunkLimits, options: IndexedDbFeedsOptions): IndexedDbFeeds {
  /**
   * The head this connection last wrote for each feed. Another tab may write the same database, so
   * a remembered head is only a guess: a write that relies on it reads the stored head back in the
   * same transaction and aborts if the two differ (see appendAfterKnownHeads).
   */
  const known = new Map<string, StoredHead>()
  const remember = (written: ReadonlyArray<StoredHead | undefined>): void => {
    for (const head of written) {
      if (head === undefined) continue
      if (known.size >= KNOWN_HEADS_LIMIT) known.clear()
      known.set(headKey(head.channel, head.author), head)
    }
  }

  /**
   * With a single writer, each feed's loose tail as this connection wrote it: the write that merges
   * the tail into one chunk then needs nothing read back. It deletes the loose chunks and adds the
   * merged one blind, in the one round trip of any append, where reading them took four round trips
   * in a row, each waiting on a busy page (when the write path still merged every 16 small writes,
   * such merges took p50 112 ms under the 10-tab gossip load, and everything queued behind them
   * waited). Forgotten whenever a write or a payload change touches the feed some other way.
   */
  const looseTails = new Map<string, StoredFeedEntry[]>()
  /** The remembered loose tail of the feed at `head`, if it is exactly the one the head describes. */
  const looseTailOf = (head: StoredHead): StoredFeedEntry[] | undefined => {
    const tail = head.loose === undefined ? undefined : looseTails.get(headKey(head.channel, head.author))
    return tail !== undefined && tail[0]?.seq === head.loose?.from && tail[tail.length - 1]?.seq === head.seq ? tail : undefined
  }
  const rememberTail = (head: StoredHead, tail: StoredFeedEntry[]): void => {
    const key = headKey(head.channel, head.author)
    if (!looseTails.has(key) && looseTails.size >= LOOSE_TAILS_LIMIT) looseTails.clear()
    looseTails.set(key, tail)
  }
  /** Whether a small append can be written without reading: anything but a merge, or a merge whose tail is remembered. */
  const blindAppend = (feed: readonly StoredFeedEntry[], head: StoredHead): boolean =>
    smallAppend(feed, head, limits) && (!mergesTail(feed, head, limits) || (options.singleWriter && looseTailOf(head) !== undefined))

  /**
   * Appends to feeds whose heads are remembered in one round trip: every request goes out at once,
   * the stored heads are read before the writes (requests run in order), and a head that is not the
   * remembered one throws, which aborts the whole transaction. A live message so waits for one
   * round trip to the IndexedDB backend instead of two: one gossiped entry validated and stored on
   * an idle page took 1.0-1.1 ms instead of 1.5-1.6 (bench/ingest.bench.ts, ingest_gossip_one_p50_ms).
   */
  async function appendAfterKnownHeads (tx: Tx<['feedChunks', 'feedHeads'], 'readwrite'>, appends: ReadonlyArray<{ feed: StoredFeedEntry[], head: StoredHead }>): Promise<StoredHead[]> {
    const chunks = tx.objectStore('feedChunks')
    const heads = tx.objectStore('feedHeads')
    if (options.singleWriter) {
      // Nobody else moves our heads, so nothing needs reading back: the writes go out with an
      // explicit commit, and the backend commits as soon as they are done instead of when the page
      // has seen every result (an auto-commit). Under the 10-tab gossip load this took the receivers'
      // write from p50 29.3/22.6/19.6 to 22.6/19.4/14.5 ms in three A/B pairs (.scratch/pd.prof.ts).
      const plans = appends.map(({ feed, head }) => {
        // A tail starts with the write after a merge: one is remembered only from its start, so it never misses an entry.
        const tail = head.loose === undefined ? [] : looseTailOf(head)
        if (tail === undefined || !mergesTail(feed, head, limits)) return { ...plainWrite(feed, head, limits), replaces: undefined, tail: tail === undefined ? undefined : [...tail, ...feed] }
        // Requests run in order: the loose chunks go, then the merged one comes.
        const replaces = IDBKeyRange.bound([head.channel, head.author, head.loose!.from], [head.channel, head.author, head.seq])
        return { chunks: chunksOf([...tail, ...feed], limits), head: nextHead(feed, head, undefined), replaces, tail: undefined }
      })
      const written = Promise.all(plans.flatMap((p) => [
        ...(p.replaces === undefined ? [] : [chunks.delete(p.replaces)]),
        ...p.chunks.map(async (c) => chunks.add(c)),
        heads.put(p.head)
      ]))
      tx.commit()
      await written
      for (const p of plans) {
        if (p.tail !== undefined) rememberTail(p.head, p.tail)
        else looseTails.delete(headKey(p.head.channel, p.head.author))
      }
      return plans.map((p) => p.head)
    }
    const plans = appends.map(({ feed, head }) => plainWrite(feed, head, limits))
    const [stored] = await Promise.all([
      Promise.all(appends.map(async ({ head }) => heads.get([head.channel, head.author]))),
      Promise.all(plans.flatMap((p) => [...p.chunks.map(async (c) => chunks.add(c)), heads.put(p.head)]))
    ])
    appends.forEach(({ head }, i) => { if (!sameHead(stored[i], head)) throw new StorageError('putEntries: a feed head changed under this tab') })
    return plans.map((p) => p.head)
  }

  /** One feed's loose tail merged into one chunk, read back in the same transaction (idle time: round trips cost nothing here). */
  const mergeLooseTail = async (channel: string, author: string): Promise<boolean> => {
    const { head, merged } = await transact('compactLooseTails', ['feedChunks', 'feedHeads'], 'readwrite', async (tx) => {
      const chunks = tx.objectStore('feedChunks')
      const heads = tx.objectStore('feedHeads')
      const stored = await heads.get([channel, author])
      // Another tab may have merged it, or written on: then the stored head is the one to remember.
      if (stored?.loose === undefined || stored.loose.chunks < idleMergeFrom(limits)) return { head: stored, merged: false }
      await rewriteLooseTail(chunks, stored, stored.loose.from, [], limits)
      const { loose: _merged, ...next } = stored
      await heads.put(next)
      return { head: next, merged: true }
    })
    if (merged) looseTails.delete(headKey(channel, author))
    remember([head])
    return merged
  }

  let merges = 0
  const idle = createIdleWork(options.idleCompactionMs ?? IDLE_COMPACTION_MS, async (shouldYield) => {
    const due = [...known.values()].filter((h) => (h.loose?.chunks ?? 0) >= idleMergeFrom(limits))
    for (const head of due) {
      if (shouldYield()) return
      try {
        if (await mergeLooseTail(head.channel, head.author)) merges++
      } catch {
        // Left as it was (one transaction): the next pause, or the write that reaches compactAfter, merges it.
      }
    }
  })

  return {
    compactLooseTails: async () => {
      const before = merges
      await idle.runNow()
      return merges - before
    },
    pauseCompaction: () => { idle.pause() },
    putEntries: (entries) => idle.write(async () => {
      // Checked before the transaction opens; duplicates inside the batch keep the first.
      const feeds = new Map<string, Map<number, StoredFeedEntry>>()
      for (const e of entries.map(storableFeedEntry)) {
        const key = headKey(e.channel, e.author)
        let feed = feeds.get(key)
        if (feed === undefined) { feed = new Map(); feeds.set(key, feed) }
        if (!feed.has(e.seq)) feed.set(e.seq, e)
      }
      if (feeds.size === 0) return
      const sorted = [...feeds.values()].map((f) => [...f.values()].sort((a, b) => a.seq - b.seq))
      const appends = sorted.map((feed) => ({ feed, head: known.get(headKey(feed[0]!.channel, feed[0]!.author)) }))
      if (appends.every((a): a is { feed: StoredFeedEntry[], head: StoredHead } => a.head !== undefined && blindAppend(a.feed, a.head))) {
        refuseRepeatedHashes(sorted)
        try {
          remember(await transact('putEntries', ['feedChunks', 'feedHeads'], 'readwrite', async (tx) => appendAfterKnownHeads(tx, appends)))
          return
        } catch {
          // Another tab wrote one of these feeds (or the write failed): the careful path below decides.
          for (const { head } of appends) known.delete(headKey(head.channel, head.author))
        }
      }
      for (const feed of sorted) looseTails.delete(headKey(feed[0]!.channel, feed[0]!.author))
      remember(await transact('putEntries', ['feedChunks', 'feedHeads'], 'readwrite', async (tx) => {
        const chunks = tx.objectStore('feedChunks')
        const heads = tx.objectStore('feedHeads')
        // Per feed: its head, and, unless the whole batch lies past it, which of its seqs are stored already.
        const fresh = await Promise.all(sorted.map(async (feed): Promise<{ feed: StoredFeedEntry[], head?: StoredHead }> => {
          const { channel, author } = feed[0]!
          const head = await heads.get([channel, author])
          const from = feed[0]!.seq
          if (head === undefined || from > head.seq) return head === undefined ? { feed } : { feed, head }
          const stored = new Set<number>()
          for (const c of await chunksOverlapping(chunks, channel, author, from, feed[feed.length - 1]!.seq)) for (const e of c.entries) stored.add(e.seq)
          return { feed: feed.filter((e) => !stored.has(e.seq)), head }
        }))
        refuseRepeatedHashes(fresh.map((f) => f.feed))
        return await Promise.all(fresh.map(async ({ feed, head }): Promise<StoredHead | undefined> => {
          const top = feed[feed.length - 1]
          if (top === undefined) return head
          const loose = head?.loose
          if (head !== undefined && loose !== undefined && mergesTail(feed, head, limits)) {
            // Entries that came a few at a time: the feed's loose tail and these become one chunk.
            await rewriteLooseTail(chunks, head, loose.from, feed, limits)
            const next = nextHead(feed, head, undefined)
            await heads.put(next)
            return next
          }
          const plan = plainWrite(feed, head, limits)
          await Promise.all(plan.chunks.map(async (c) => chunks.add(c)))
          await heads.put(plan.head)
          return plan.head
        }))
      }))
    }),
    getEntry: (channel, author, seq) => transact('getEntry', ['feedChunks'], 'readonly', async (tx) =>
      entryAt(await chunkHolding(tx.objectStore('feedChunks'), channel, author, seq), seq)),
    getByHash: (hash) => transact('getByHash', ['feedChunks'], 'readonly', async (tx) => {
      const chunk = await tx.objectStore('feedChunks').index('hash').get(hash)
      const e = chunk?.entries.find((x) => x.hash === hash)
      return chunk === undefined || e === undefined ? undefined : entryOfChunk(chunk, e)
    }),
    getRange: (channel, author, fromSeq, toSeq) => fromSeq > toSeq
      ? Promise.resolve([])
      : transact('getRange', ['feedChunks'], 'readonly', async (tx) =>
        (await chunksOverlapping(tx.objectStore('feedChunks'), channel, author, fromSeq, toSeq)).flatMap(entriesOfChunk).filter((e) => e.seq >= fromSeq && e.seq <= toSeq)),
    heads: (channel) => transact('heads', ['feedHeads'], 'readonly', async (tx) =>
      (await tx.objectStore('feedHeads').getAll(under(channel))).map(({ author, seq, hash, lamport }) => ({ author, seq, hash, lamport }))),
    page: async (channel, query) => {
      checkLimit(query.limit)
      if (query.limit === 0) return []
      const { by, lowest, highest } = chunkRangeOf(query, limits.span)
      if (lowest !== undefined && highest !== undefined && lowest > highest) return []
      const range = IDBKeyRange.bound(lowest === undefined ? [channel] : [channel, lowest], highest === undefined ? [channel, []] : [channel, highest])
      return await transact('page', ['feedChunks'], 'readonly', async (tx) => {
        const store = tx.objectStore('feedChunks')
        // A key cursor: the next chunk's bound is read without loading the chunk, which is loaded only if the page needs it.
        let cursor: IDBPCursor<Schema, ['feedChunks'], 'feedChunks', 'minLamport' | 'maxLamport', 'readonly'> | null | undefined
        return await pageOfChunks({
          bound: async () => {
            cursor = cursor === undefined ? await store.index(by).openKeyCursor(range, by === 'minLamport' ? 'next' : 'prev') : await cursor?.continue() ?? null
            return cursor?.key[1]
          },
          take: async () => (await store.get(cursor!.primaryKey))!
        }, query)
      })
    },
    count: (channel) => transact('count', ['feedHeads'], 'readonly', async (tx) =>
      (await tx.objectStore('feedHeads').getAll(under(channel))).reduce((n, head) => n + head.count, 0)),
    setPayload: (channel, author, seq, payload) => {
      if (!(payload === null || payload instanceof Uint8Array)) return Promise.reject(new StorageError('setPayload: a payload is bytes or null'))
      // A remembered loose tail would put the old payload back at the next merge: forget it, before and after (a write in flight may remember it again).
      looseTails.delete(headKey(channel, author))
      return transact('setPayload', ['feedChunks'], 'readwrite', async (tx) => {
        const store = tx.objectStore('feedChunks')
        const chunk = await chunkHolding(store, channel, author, seq)
        if (chunk === undefined || entryAt(chunk, seq) === undefined) return
        const kept = payload === null ? null : compactBytes(payload)
        await store.put({ ...chunk, entries: chunk.entries.map((e) => (e.seq === seq ? { ...e, payload: kept } : e)) })
      }).finally(() => { looseTails.delete(headKey(channel, author)) })
    }
  }
}
