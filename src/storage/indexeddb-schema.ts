import { type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames, unwrap } from 'idb'
import type { FeedHead, ForkProof, StoredAuthorityEntry, StoredFeedEntry } from '../core/storage.ts'
import type { ChannelId } from '../core/types.ts'
import { type ChunkLimits, type FeedChunk, chunksOf } from './feed-chunks.ts'

export type FeedChunkKey = [string, string, number]
/**
 * A feed's head record: its newest entry, how many entries it holds, and its loose tail (the small
 * chunks written since the last merge, from `from` to the head) when it has one.
 */
export type StoredHead = FeedHead & {
  readonly channel: ChannelId
  readonly count: number
  readonly loose?: { readonly from: number, readonly chunks: number }
}

export interface Schema extends DBSchema {
  /** Runs of consecutive feed entries by (channel, author, firstSeq): see FeedChunk for why. */
  feedChunks: { key: FeedChunkKey, value: FeedChunk, indexes: { minLamport: [string, number], maxLamport: [string, number], hash: string } }
  /** Each author's highest entry per channel with its count, written in the same transaction as the entries. */
  feedHeads: { key: [string, string], value: StoredHead }
  forkProofs: { key: [string, string, string, number], value: ForkProof }
  authority: { key: [string, string], value: StoredAuthorityEntry, indexes: { hash: string } }
  meta: { key: string, value: unknown }
}

export type Names = StoreNames<Schema>
export type Tx<S extends Names[], M extends IDBTransactionMode> = IDBPTransaction<Schema, S, M>

/** 1: one record per feed entry. 2: feed entries in chunks, counted in their feed's head; migrated from 1 on open. */
export const SCHEMA_VERSION = 2

/** Creates what a version lacks; from version 1, moves the feed entries into chunks in the same upgrade. */
export function upgradeSchema (db: IDBPDatabase<Schema>, oldVersion: number, tx: IDBPTransaction<Schema, Names[], 'versionchange'>, limits: ChunkLimits): void {
  if (oldVersion < 1) {
    db.createObjectStore('feedHeads', { keyPath: ['channel', 'author'] })
    db.createObjectStore('forkProofs', { keyPath: ['room', 'channel', 'author', 'seq'] })
    db.createObjectStore('authority', { keyPath: ['room', 'hash'] }).createIndex('hash', 'hash', { unique: true })
    db.createObjectStore('meta')
  }
  if (oldVersion < 2) {
    const chunks = db.createObjectStore('feedChunks', { keyPath: ['channel', 'author', 'firstSeq'] })
    chunks.createIndex('minLamport', ['channel', 'minLamport'])
    chunks.createIndex('maxLamport', ['channel', 'maxLamport'])
    chunks.createIndex('hash', 'hashes', { unique: true, multiEntry: true })
    if (oldVersion === 1) migrateEntryRecords(tx, limits)
  }
}

/**
 * Version 1 kept one record per entry in a 'feed' store keyed (channel, author, seq). Reads them in
 * key order, a thousand at a time, writes them as chunks and each feed's head with its count, then
 * drops the old store.
 * Any failure aborts the upgrade, which leaves version 1 untouched for the next attempt.
 */
function migrateEntryRecords (tx: IDBPTransaction<Schema, Names[], 'versionchange'>, limits: ChunkLimits): void {
  const raw = unwrap(tx)
  const old = raw.objectStore('feed')
  const chunkStore = raw.objectStore('feedChunks')
  const heads = new Map<string, StoredHead>()
  const request = <T>(r: IDBRequest<T>): Promise<T> => new Promise((resolve, reject) => { r.onsuccess = () => { resolve(r.result) }; r.onerror = () => { reject(r.error ?? new Error('request failed')) } })
  const move = async (): Promise<void> => {
    let from: IDBValidKey | undefined
    let feed: StoredFeedEntry[] = []
    const flush = (): void => {
      for (const c of chunksOf(feed, limits)) chunkStore.add(c)
      feed = []
    }
    for (;;) {
      const batch = await request(old.getAll(from === undefined ? null : IDBKeyRange.lowerBound(from, true), 1000)) as StoredFeedEntry[]
      if (batch.length === 0) break
      for (const e of batch) {
        const last = feed[feed.length - 1]
        if (last !== undefined && (last.channel !== e.channel || last.author !== e.author)) flush()
        feed.push(e)
        const key = JSON.stringify([e.channel, e.author])
        // In key order, each feed's entries come by rising seq: the last one read is its head.
        heads.set(key, { author: e.author, seq: e.seq, hash: e.hash, lamport: e.lamport, channel: e.channel, count: (heads.get(key)?.count ?? 0) + 1 })
      }
      const last = batch[batch.length - 1]!
      from = [last.channel, last.author, last.seq]
    }
    flush()
    const headStore = raw.objectStore('feedHeads')
    for (const head of heads.values()) headStore.put(head)
    raw.db.deleteObjectStore('feed')
  }
  move().catch(() => { try { raw.abort() } catch { /* already finished */ } })
}

/** One transaction over the named stores: resolves once it commits, rejects (StorageError) on any failure. */
export type Transact = <S extends Names[], M extends IDBTransactionMode, T>(what: string, stores: S, mode: M, body: (tx: Tx<S, M>) => Promise<T>) => Promise<T>
