import { StorageError } from '../core/errors.ts'
import type {
  AuthorityStore, FeedHead, FeedStore, ForkProof, MetaStore, Storage, StoredAuthorityEntry, StoredFeedEntry
} from '../core/storage.ts'
import type { AuthorId, ChannelId, EntryHash, RoomId } from '../core/types.ts'
import { checkLimit, checkMetaKey, compareOrder, headOf, storableAuthorityEntry, storableFeedEntry, storableForkProof } from './records.ts'

const feedKey = (channel: string, author: string, seq: number): string => `${channel}\u0000${author}\u0000${seq}`
const forkKey = (p: ForkProof): string => `${p.room}\u0000${p.channel}\u0000${p.author}\u0000${p.seq}`

/**
 * The in-memory twin of the IndexedDB backend, for unit tests: it passes the same contract suite
 * (tests/storage/contract.ts). Values are structured-cloned on the way in and out, as IndexedDB
 * does, so callers cannot alias stored records and uncloneable values fail the same way. Data
 * survives stop()/start() on the same instance; calls while stopped reject with StorageError.
 */
export function createMemoryStorage (): Storage {
  const feed = new Map<string, StoredFeedEntry>()
  const byHash = new Map<EntryHash, string>()
  const heads = new Map<ChannelId, Map<AuthorId, FeedHead>>()
  const forks = new Map<string, ForkProof>()
  const authority = new Map<EntryHash, StoredAuthorityEntry>()
  const meta = new Map<string, unknown>()
  let started = false

  /** Runs a call the way an IndexedDB transaction would: asynchronously, and only while started. */
  const run = async <T>(body: () => T): Promise<T> => {
    await Promise.resolve()
    if (!started) throw new StorageError('storage is not started')
    try {
      return body()
    } catch (err) {
      throw err instanceof StorageError ? err : new StorageError(`memory storage: ${(err as Error).message}`, err)
    }
  }
  const clone = <T>(v: T): T => structuredClone(v)
  const channelEntries = (channel: ChannelId): StoredFeedEntry[] =>
    [...feed.values()].filter((e) => e.channel === channel).sort(compareOrder)

  const feeds: FeedStore = {
    putEntries: (entries) => run(() => {
      // Check and clone the whole batch before touching state: all or nothing.
      const fresh = new Map<string, StoredFeedEntry>()
      const freshHashes = new Set<EntryHash>()
      for (const e of entries.map(storableFeedEntry)) {
        const key = feedKey(e.channel, e.author, e.seq)
        if (feed.has(key) || fresh.has(key)) continue
        if (byHash.has(e.hash) || freshHashes.has(e.hash)) throw new StorageError(`hash ${e.hash} is already stored at another position`)
        fresh.set(key, clone(e))
        freshHashes.add(e.hash)
      }
      for (const [key, e] of fresh) {
        feed.set(key, e)
        byHash.set(e.hash, key)
        const channelHeads = heads.get(e.channel) ?? new Map<AuthorId, FeedHead>()
        heads.set(e.channel, channelHeads)
        const head = channelHeads.get(e.author)
        if (head === undefined || e.seq > head.seq) channelHeads.set(e.author, headOf(e))
      }
    }),
    getEntry: (channel, author, seq) => run(() => clone(feed.get(feedKey(channel, author, seq)))),
    getByHash: (hash) => run(() => {
      const key = byHash.get(hash)
      return key === undefined ? undefined : clone(feed.get(key))
    }),
    getRange: (channel, author, fromSeq, toSeq) => run(() =>
      [...feed.values()].filter((e) => e.channel === channel && e.author === author && e.seq >= fromSeq && e.seq <= toSeq)
        .sort((a, b) => a.seq - b.seq).map(clone)),
    heads: (channel) => run(() => [...(heads.get(channel)?.values() ?? [])].sort((a, b) => (a.author < b.author ? -1 : 1)).map(clone)),
    page: (channel, { after, before, limit }) => run(() => {
      checkLimit(limit)
      const inRange = channelEntries(channel).filter((e) =>
        (after === undefined || compareOrder(e, after) > 0) && (before === undefined || before === 'end' || compareOrder(e, before) < 0))
      const picked = before === undefined ? inRange.slice(0, limit) : inRange.slice(Math.max(0, inRange.length - limit))
      return picked.map(clone)
    }),
    count: (channel) => run(() => channelEntries(channel).length),
    setPayload: (channel, author, seq, payload) => run(() => {
      const key = feedKey(channel, author, seq)
      const e = feed.get(key)
      if (e !== undefined) feed.set(key, storableFeedEntry({ ...e, payload: payload === null ? null : clone(payload) }))
    }),
    putForkProof: (proof) => run(() => {
      const p = clone(storableForkProof(proof))
      if (!forks.has(forkKey(p))) forks.set(forkKey(p), p)
    }),
    forkProofs: (room: RoomId) => run(() => [...forks.entries()].filter(([, p]) => p.room === room)
      .sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => clone(p)))
  }

  const authorityStore: AuthorityStore = {
    putEntries: (entries) => run(() => {
      const fresh = entries.map(storableAuthorityEntry).filter((e) => !authority.has(e.hash)).map(clone)
      for (const e of fresh) authority.set(e.hash, e)
    }),
    list: (room) => run(() => [...authority.values()].filter((e) => e.room === room).sort((a, b) => (a.hash < b.hash ? -1 : 1)).map(clone)),
    has: (hash) => run(() => authority.has(hash))
  }

  const metaStore: MetaStore = {
    get: <T>(key: string) => run(() => { checkMetaKey(key); return clone(meta.get(key)) as T | undefined }),
    put: (key, value) => run(() => { checkMetaKey(key); meta.set(key, clone(value)) }),
    delete: (key) => run(() => { checkMetaKey(key); meta.delete(key) }),
    list: <T>(prefix: string) => run(() => [...meta.entries()].filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]): [string, T] => [k, clone(v) as T]))
  }

  return {
    feeds,
    authority: authorityStore,
    meta: metaStore,
    start: () => { started = true; return Promise.resolve() },
    stop: () => { started = false; return Promise.resolve() }
  }
}
