import { StorageError } from '../core/errors.ts'
import type { FeedHead, ForkProof, OrderKey, StoredAuthorityEntry, StoredFeedEntry } from '../core/storage.ts'

/**
 * Shared by every backend, so they refuse the same records and store the same bytes. Storage
 * receives validated entries only: a record that fails these checks is a bug in our own code,
 * so it throws (StorageError) and the whole batch is refused.
 */

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const isCount = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min

/**
 * A Uint8Array view is structured-cloned with its whole underlying buffer; a view into a 1 MiB
 * sync message would store the megabyte. Copy views so only their own bytes are kept.
 */
export function compactBytes (bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
}

export function storableFeedEntry (e: StoredFeedEntry): StoredFeedEntry {
  if (e == null || !isId(e.hash) || !isId(e.room) || !isId(e.channel) || !isId(e.author) ||
    !isCount(e.seq, 1) || !isCount(e.lamport, 0) || !(e.bytes instanceof Uint8Array) ||
    !(e.payload === null || e.payload instanceof Uint8Array) || !Number.isFinite(e.receivedAt)) {
    throw new StorageError(`not a storable feed entry: ${describe(e)}`)
  }
  return {
    hash: e.hash, room: e.room, channel: e.channel, author: e.author, seq: e.seq, lamport: e.lamport,
    bytes: compactBytes(e.bytes), payload: e.payload === null ? null : compactBytes(e.payload), receivedAt: e.receivedAt
  }
}

export function storableAuthorityEntry (e: StoredAuthorityEntry): StoredAuthorityEntry {
  if (e == null || !isId(e.hash) || !isId(e.room) || !(e.bytes instanceof Uint8Array) || !Number.isFinite(e.receivedAt)) {
    throw new StorageError(`not a storable authority entry: ${describe(e)}`)
  }
  return { hash: e.hash, room: e.room, bytes: compactBytes(e.bytes), receivedAt: e.receivedAt }
}

export function storableForkProof (p: ForkProof): ForkProof {
  if (p == null || !isId(p.room) || !isId(p.channel) || !isId(p.author) || !isCount(p.seq, 1) ||
    !Array.isArray(p.entries) || p.entries.length !== 2 || !p.entries.every((b) => b instanceof Uint8Array) ||
    !Number.isFinite(p.detectedAt)) {
    throw new StorageError(`not a storable fork proof: ${describe(p)}`)
  }
  return { room: p.room, channel: p.channel, author: p.author, seq: p.seq, entries: [compactBytes(p.entries[0]), compactBytes(p.entries[1])], detectedAt: p.detectedAt }
}

export function checkMetaKey (key: string): void {
  if (typeof key !== 'string') throw new StorageError('meta keys are strings')
}

/** Display order: (lamport, author, seq); author ids compare as strings, as IndexedDB compares them. */
export function compareOrder (a: OrderKey, b: OrderKey): number {
  if (a.lamport !== b.lamport) return a.lamport - b.lamport
  if (a.author !== b.author) return a.author < b.author ? -1 : 1
  return a.seq - b.seq
}

export const headOf = (e: StoredFeedEntry): FeedHead => ({ author: e.author, seq: e.seq, hash: e.hash, lamport: e.lamport })

/** Whether a page query is valid: a non-negative integer limit. */
export function checkLimit (limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new StorageError(`page limit must be a non-negative integer, got ${String(limit)}`)
}

function describe (v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `<${x.byteLength} bytes>` : x))?.slice(0, 200) ?? String(v)
  } catch {
    return String(v)
  }
}
