import type { AuthorId, ChannelId, EntryHash, RoomId } from './types.ts'

/**
 * The storage port: what the core needs persisted, and nothing about how. Backends live in
 * src/storage (IndexedDB in the browser, an in-memory twin for unit tests, later a Node backend
 * for archivers) and all pass one contract suite (tests/storage/contract.ts).
 *
 * Every method settles: an IndexedDB error or abort rejects with a StorageError, and a failed
 * write leaves what was stored before it untouched (each call is one transaction).
 */
export interface Storage {
  readonly feeds: FeedStore
  readonly authority: AuthorityStore
  readonly meta: MetaStore
  /** Opens the database; safe to call twice. */
  start (): Promise<void>
  /** Closes it; safe to call twice. */
  stop (): Promise<void>
}

/** A validated channel-feed entry as stored: its canonical bytes plus the fields we index by. */
export interface StoredFeedEntry {
  readonly hash: EntryHash
  readonly room: RoomId
  readonly channel: ChannelId
  readonly author: AuthorId
  readonly seq: number
  readonly lamport: number
  /** Canonical bytes of the signed entry: exactly what was hashed and what peers are sent. */
  readonly bytes: Uint8Array
  /** The payload, or null once deleted (the entry still verifies: it signs the payload's hash). */
  readonly payload: Uint8Array | null
  /** Local receive time (ms); shown to mark late arrivals, never used for ordering. */
  readonly receivedAt: number
}

/** Two valid entries by one author at one (channel, seq): kept both, as proof. */
export interface ForkProof {
  readonly room: RoomId
  readonly channel: ChannelId
  readonly author: AuthorId
  readonly seq: number
  /** Canonical bytes of the two conflicting signed entries. */
  readonly entries: readonly [Uint8Array, Uint8Array]
  readonly detectedAt: number
}

/** Highest stored entry of one author in one channel. Feeds are stored gap-free, so seq is also the count. */
export interface FeedHead {
  readonly author: AuthorId
  readonly seq: number
  readonly hash: EntryHash
  readonly lamport: number
}

/** Position in a channel's display order: (lamport, author, seq). */
export interface OrderKey {
  readonly lamport: number
  readonly author: AuthorId
  readonly seq: number
}

export interface FeedStore {
  /** Stores a batch in one transaction: all or nothing. An entry already stored at its (channel, author, seq) is left as it is. */
  putEntries (entries: readonly StoredFeedEntry[]): Promise<void>
  getEntry (channel: ChannelId, author: AuthorId, seq: number): Promise<StoredFeedEntry | undefined>
  getByHash (hash: EntryHash): Promise<StoredFeedEntry | undefined>
  /** Entries of one author in one channel with fromSeq <= seq <= toSeq, ascending. */
  getRange (channel: ChannelId, author: AuthorId, fromSeq: number, toSeq: number): Promise<StoredFeedEntry[]>
  /** Each author's highest stored entry in the channel: the channel's vector clock. */
  heads (channel: ChannelId): Promise<FeedHead[]>
  /**
   * A page in display order, ascending, of entries strictly between `after` (or the start) and
   * `before` (or the end): the first `limit` of them, or the last `limit` when `before` is given.
   * `before: 'end'` asks for the newest `limit` entries (a channel opens at its end).
   */
  page (channel: ChannelId, query: { readonly after?: OrderKey, readonly before?: OrderKey | 'end', readonly limit: number }): Promise<StoredFeedEntry[]>
  count (channel: ChannelId): Promise<number>
  /** Replaces or removes (null) the payload of a stored entry; a no-op if the entry is not stored. */
  setPayload (channel: ChannelId, author: AuthorId, seq: number, payload: Uint8Array | null): Promise<void>
  putForkProof (proof: ForkProof): Promise<void>
  forkProofs (room: RoomId): Promise<ForkProof[]>
}

/** A validated authority-log entry as stored. */
export interface StoredAuthorityEntry {
  readonly hash: EntryHash
  readonly room: RoomId
  readonly bytes: Uint8Array
  readonly receivedAt: number
}

export interface AuthorityStore {
  /** Stores a batch in one transaction; entries already stored (same hash) are left as they are. */
  putEntries (entries: readonly StoredAuthorityEntry[]): Promise<void>
  list (room: RoomId): Promise<StoredAuthorityEntry[]>
  has (hash: EntryHash): Promise<boolean>
}

/**
 * Small records keyed by string: the identity, profiles, joined rooms, cached peers, settings.
 * Values are structured-cloneable (a non-extractable CryptoKey included, in IndexedDB).
 */
export interface MetaStore {
  get<T> (key: string): Promise<T | undefined>
  put (key: string, value: unknown): Promise<void>
  delete (key: string): Promise<void>
  /** Every [key, value] whose key starts with prefix, in key order. */
  list<T> (prefix: string): Promise<Array<[string, T]>>
}
