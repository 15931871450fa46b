import type { FeedEnvelope } from '../feed/entry.ts'
import type { Storage, StoredFeedEntry } from '../storage.ts'
import type { ChannelId, RoomId } from '../types.ts'
import { authorityGraph } from './authority-graph.ts'
import { type ChannelClock, channelClock } from './clock.ts'
import { type AuthorityEntries, type Done, type Entries, type Hello, SYNC_BATCH_MAX, SYNC_MESSAGE_MAX_BYTES, type SyncError, SyncErrorCode, type SyncRequest } from './messages.ts'

export interface SyncResponderComponents {
  readonly storage: Pick<Storage, 'feeds' | 'authority'>
}

export interface SyncResponderInit {
  readonly room: RoomId
  /** Most entries in one Entries message; default 500. */
  readonly batchEntries?: number
  /** Most entries served for one range request, whatever it asks; default 5,000 (the requester re-plans for the rest). */
  readonly maxEntriesPerRequest?: number
}

export type SyncAnswer = Entries | AuthorityEntries | Done | SyncError

export interface SyncResponder {
  /** Our Hello for the room: authority heads and the clocks of the given channels. */
  hello (channels: readonly ChannelId[]): Promise<Hello>
  /**
   * Answers one request from storage in bounded batches, ending with Done (or SyncError). Never
   * throws; stops early when `signal` aborts (the stream closed).
   */
  respond (request: SyncRequest, signal?: AbortSignal): AsyncGenerator<SyncAnswer>
}

/** Bytes budget per message: the limit less room for the message's own framing. */
const BATCH_BYTES = SYNC_MESSAGE_MAX_BYTES - 8 * 1024
const ENVELOPE_OVERHEAD = 32

/** Splits items into runs under both a count and a byte budget. */
function * chunked<T> (items: readonly T[], size: (item: T) => number, maxCount: number): Generator<T[]> {
  let run: T[] = []
  let bytes = 0
  for (const item of items) {
    const n = size(item) + ENVELOPE_OVERHEAD
    if (run.length > 0 && (run.length >= maxCount || bytes + n > BATCH_BYTES)) {
      yield run
      run = []
      bytes = 0
    }
    run.push(item)
    bytes += n
  }
  if (run.length > 0) yield run
}

const isAborted = (signal?: AbortSignal): boolean => signal?.aborted === true
const envelopeOf = (e: StoredFeedEntry): FeedEnvelope => ({ entry: e.bytes, payload: e.payload })
const envelopeSize = (e: FeedEnvelope): number => e.entry.byteLength + (e.payload?.byteLength ?? 0)

export function createSyncResponder (components: SyncResponderComponents, init: SyncResponderInit): SyncResponder {
  const { feeds, authority } = components.storage
  const batchEntries = Math.min(init.batchEntries ?? 500, SYNC_BATCH_MAX)
  const maxPerRequest = init.maxEntriesPerRequest ?? 5_000

  async function * range (request: Extract<SyncRequest, { t: 'range' }>, signal?: AbortSignal): AsyncGenerator<SyncAnswer> {
    const last = Math.min(request.toSeq, request.fromSeq + maxPerRequest - 1)
    let next = request.fromSeq
    while (next <= last && !isAborted(signal)) {
      const upTo = Math.min(last, next + batchEntries - 1)
      const stored = await feeds.getRange(request.channel, request.author, next, upTo)
      for (const run of chunked(stored.map(envelopeOf), envelopeSize, batchEntries)) {
        if (isAborted(signal)) return
        yield { t: 'entries', id: request.id, entries: run }
      }
      // A short read means we hold no more of this feed: stop instead of scanning an empty range.
      if (stored.length < upTo - next + 1) break
      next = upTo + 1
    }
  }

  async function * authorityAnswer (request: Extract<SyncRequest, { t: 'auth-by-hash' | 'auth-after' }>, signal?: AbortSignal): AsyncGenerator<SyncAnswer> {
    const graph = authorityGraph(await authority.list(init.room))
    const entries = request.t === 'auth-after'
      ? graph.after(request.heads)
      : request.hashes.map((h) => graph.get(h)).filter((e) => e != null)
    for (const run of chunked(entries.map((e) => e.bytes), (b) => b.byteLength, batchEntries)) {
      if (isAborted(signal)) return
      yield { t: 'auth-entries', id: request.id, entries: run }
    }
  }

  return {
    async hello (channels) {
      const graph = authorityGraph(await authority.list(init.room))
      const clocks = new Map<ChannelId, ChannelClock>()
      for (const channel of channels) clocks.set(channel, await channelClock(feeds, channel))
      return { t: 'hello', room: init.room, authorityHeads: graph.heads(), clocks }
    },
    async * respond (request, signal) {
      try {
        yield * (request.t === 'range' ? range(request, signal) : authorityAnswer(request, signal))
        if (!isAborted(signal)) yield { t: 'done', id: request.id }
      } catch (err) {
        yield { t: 'error', id: request.id, code: SyncErrorCode.Internal, message: String((err as Error)?.message ?? err).slice(0, 200) }
      }
    }
  }
}
