import MiniSearch from 'minisearch'
import { storedRecordOf } from '../core/feed/entry.ts'
import { ChatType, decodeChatPayload, isChatType } from '../core/messages/payloads.ts'
import type { StoredFeedEntry } from '../core/storage.ts'
import type { AuthorId, ChannelId, EntryHash, RoomId } from '../core/types.ts'

/** One message found by a search: where it is, who wrote it, its text now. */
export interface SearchHit {
  readonly hash: EntryHash
  readonly room: RoomId
  readonly channel: ChannelId
  readonly author: AuthorId
  readonly sentAt: number
  readonly text: string
}

interface Doc extends SearchHit {
  /** Display-order key of the text now indexed: an edit replaces it only if it comes later. */
  readonly lamport: number
  readonly seq: number
  readonly editedBy?: { readonly lamport: number, readonly seq: number }
}

/** What an entry asks of the index once decoded; anything a peer sent that does not decode is ignored. */
type Change =
  | { readonly kind: 'text', readonly doc: Doc }
  | { readonly kind: 'edit', readonly target: EntryHash, readonly author: AuthorId, readonly text: string, readonly lamport: number, readonly seq: number }
  | { readonly kind: 'delete', readonly target: EntryHash, readonly author: AuthorId }
  | { readonly kind: 'pin', readonly target: EntryHash, readonly room: RoomId, readonly channel: ChannelId }
  | { readonly kind: 'none' }

/**
 * Full-text search over the chat messages of the rooms the user is in (MiniSearch: prefix and
 * fuzzy terms, ranked by BM25), fed incrementally with stored entries in any order. Texts follow
 * their author's latest edit and leave the index when deleted. Deletes by someone else are only
 * trusted once storage has dropped the target's payload (the client does that after its ACL check):
 * `deleted` tells the index. Pure: no IndexedDB, no DOM, so it runs in the worker and in unit tests.
 */
export interface SearchIndex {
  /** Indexes newly stored entries; returns the targets of others' deletes to check with storage. */
  add (entries: readonly StoredFeedEntry[]): EntryHash[]
  /** Storage has dropped this message's payload: it leaves the index. */
  deleted (hash: EntryHash): void
  /** Drops every message of the rooms not in `rooms` (the user left them). */
  keepRooms (rooms: ReadonlySet<RoomId>): void
  search (query: string, limit?: number): SearchHit[]
  /** Messages any pin entry of the channel named, newest first: candidates the client checks against the ACL. */
  pinCandidates (channel: ChannelId): EntryHash[]
  readonly size: number
}

/** Edits and deletes of a message not indexed yet (sync may bring them first), kept until it comes. */
const EARLY_LIMIT = 10_000
const EARLY_EDITS_PER_TARGET = 16

function changeOf (e: StoredFeedEntry): Change {
  if (e.payload == null) return { kind: 'none' }
  const record = storedRecordOf(e.bytes)
  if (record == null || !isChatType(record.type)) return { kind: 'none' }
  const decoded = decodeChatPayload(record.type, e.payload)
  if (!decoded.ok) return { kind: 'none' }
  const p = decoded.value
  switch (p.type) {
    case ChatType.Text:
      return { kind: 'text', doc: { hash: e.hash, room: e.room, channel: e.channel, author: e.author, sentAt: record.ts, text: p.text, lamport: e.lamport, seq: e.seq } }
    case ChatType.Edit: return { kind: 'edit', target: p.target, author: e.author, text: p.text, lamport: e.lamport, seq: e.seq }
    case ChatType.Delete: return { kind: 'delete', target: p.target, author: e.author }
    case ChatType.Pin: return { kind: 'pin', target: p.target, room: e.room, channel: e.channel }
    default: return { kind: 'none' }
  }
}

const later = (a: { lamport: number, seq: number }, b: { lamport: number, seq: number } | undefined): boolean =>
  b == null || a.lamport > b.lamport || (a.lamport === b.lamport && a.seq > b.seq)

export function createSearchIndex (): SearchIndex {
  const mini = new MiniSearch<Doc>({
    idField: 'hash',
    fields: ['text'],
    storeFields: ['hash', 'room', 'channel', 'author', 'sentAt', 'text'],
    // Prefix only for the word being typed (the last), typos only in words long enough to carry one:
    // each widens the terms a query visits, and so its time.
    searchOptions: {
      prefix: (_term, i, terms) => i === terms.length - 1,
      fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
      combineWith: 'AND'
    }
  })
  const docs = new Map<EntryHash, Doc>()
  const gone = new Set<EntryHash>()
  // Every early edit of a target is kept (a few each): whose edits count is known only once it arrives.
  const earlyEdits = new Map<EntryHash, Array<Extract<Change, { kind: 'edit' }>>>()
  const earlyDeletes = new Map<EntryHash, AuthorId>()
  const pins = new Map<ChannelId, { readonly room: RoomId, readonly targets: EntryHash[] }>()

  const bounded = <K, V>(m: Map<K, V>, k: K, v: V): void => {
    if (m.size >= EARLY_LIMIT) m.delete(m.keys().next().value!)
    m.set(k, v)
  }
  const remove = (hash: EntryHash): void => {
    gone.add(hash)
    if (docs.delete(hash)) mini.discard(hash)
  }
  const put = (doc: Doc): void => {
    if (docs.has(doc.hash)) mini.discard(doc.hash)
    docs.set(doc.hash, doc)
    mini.add(doc)
  }
  const applyEdit = (doc: Doc, edit: Extract<Change, { kind: 'edit' }>): void => {
    if (edit.author !== doc.author || !later(edit, doc.editedBy)) return
    put({ ...doc, text: edit.text, editedBy: { lamport: edit.lamport, seq: edit.seq } })
  }

  return {
    add (entries) {
      const toCheck: EntryHash[] = []
      for (const e of entries) {
        const c = changeOf(e)
        switch (c.kind) {
          case 'text': {
            if (docs.has(c.doc.hash) || gone.has(c.doc.hash)) break
            if (earlyDeletes.get(c.doc.hash) === c.doc.author) { earlyDeletes.delete(c.doc.hash); gone.add(c.doc.hash); break }
            if (earlyDeletes.delete(c.doc.hash)) toCheck.push(c.doc.hash)
            put(c.doc)
            const edits = earlyEdits.get(c.doc.hash)
            earlyEdits.delete(c.doc.hash)
            for (const edit of edits ?? []) applyEdit(docs.get(c.doc.hash)!, edit)
            break
          }
          case 'edit': {
            const doc = docs.get(c.target)
            if (doc != null) applyEdit(doc, c)
            else if (!gone.has(c.target)) {
              const known = earlyEdits.get(c.target) ?? []
              if (known.length < EARLY_EDITS_PER_TARGET) bounded(earlyEdits, c.target, [...known, c])
            }
            break
          }
          case 'delete': {
            const doc = docs.get(c.target)
            if (doc == null) { if (!gone.has(c.target)) bounded(earlyDeletes, c.target, c.author) } else if (doc.author === c.author) remove(c.target)
            else toCheck.push(c.target)
            break
          }
          case 'pin': {
            const targets = (pins.get(c.channel)?.targets ?? []).filter((h) => h !== c.target)
            targets.push(c.target)
            pins.set(c.channel, { room: c.room, targets })
            break
          }
          case 'none': break
        }
      }
      return toCheck
    },
    deleted: remove,
    keepRooms (rooms) {
      for (const [hash, doc] of docs) if (!rooms.has(doc.room)) { docs.delete(hash); mini.discard(hash) }
      for (const [channel, p] of pins) if (!rooms.has(p.room)) pins.delete(channel)
    },
    search (query, limit = 50) {
      if (query.trim() === '') return []
      return mini.search(query).slice(0, limit).map((r) => {
        const d = docs.get(r.id as EntryHash)!
        return { hash: d.hash, room: d.room, channel: d.channel, author: d.author, sentAt: d.sentAt, text: d.text }
      })
    },
    pinCandidates: (channel) => [...(pins.get(channel)?.targets ?? [])].reverse(),
    get size () { return docs.size }
  }
}
