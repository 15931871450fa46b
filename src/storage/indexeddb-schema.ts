import { type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames, unwrap } from 'idb'
import type { FeedHead, ForkProof, StoredAuthorityEntry, StoredFeedEntry } from '../core/storage.ts'
import type { ChannelId } from '../core/types.ts'
import { type ChunkLimits, type FeedChunk, chunksOf } from './feed-chunks.ts'

export type FeedChunkKey = [string, string, number]
export type StoredHead = FeedHead & { readonly channel: ChannelId }

export interface Schema extends DBSchema {
  /** Runs of consecutive feed entries by (channel, author, firstSeq): see FeedChunk for why. */
  feedChunks: { key: FeedChunkKey, value: FeedChunk, indexes: { minLamport: [string, number], maxLamport: [string, number], hash: string } }
  /** Each author's highest entry per channel, written in the same transaction as the entries. */
  feedHeads: { key: [string, string], value: StoredHead }
  /** Entries stored per channel, kept in the same transaction as the entries. */
  feedCounts: { key: string, value: number }
  forkProofs: { key: [string, string, string, number], value: ForkProof }
  authority: { key: [string, string], value: StoredAuthorityEntry, indexes: { hash: string } }
  meta: { key: string, value: unknown }
}

export type Names = StoreNames<Schema>
export type Tx<S extends Names[], M extends IDBTransactionMode> = IDBPTransaction<Schema, S, M>

/** 1: one record per feed entry. 2: feed entries in chunks, migrated from 1 on open. */
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
    db.createObjectStore('feedCounts')
    if (oldVersion === 1) migrateEntryRecords(tx, limits)
  }
}

/**
 * Version 1 kept one record per entry in a 'feed' store keyed (channel, author, seq). Reads them in
 * key order, a thousand at a time, writes them as chunks and counts, then drops the old store.
 * Any failure aborts the upgrade, which leaves version 1 untouched for the next attempt.
 */
function migrateEntryRecords (tx: IDBPTransaction<Schema, Names[], 'versionchange'>, limits: ChunkLimits): void {
  const raw = unwrap(tx)
  const old = raw.objectStore('feed')
  const chunkStore = raw.objectStore('feedChunks')
  const counts = new Map<string, number>()
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
        counts.set(e.channel, (counts.get(e.channel) ?? 0) + 1)
      }
      const last = batch[batch.length - 1]!
      from = [last.channel, last.author, last.seq]
    }
    flush()
    const countStore = raw.objectStore('feedCounts')
    for (const [channel, n] of counts) countStore.put(n, channel)
    raw.db.deleteObjectStore('feed')
  }
  move().catch(() => { try { raw.abort() } catch { /* already finished */ } })
}

/** One transaction over the named stores: resolves once it commits, rejects (StorageError) on any failure. */
export type Transact = <S extends Names[], M extends IDBTransactionMode, T>(what: string, stores: S, mode: M, body: (tx: Tx<S, M>) => Promise<T>) => Promise<T>
