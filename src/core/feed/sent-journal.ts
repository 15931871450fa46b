import { fromString, toString } from 'uint8arrays'
import { decodeTrusted, encodeCanonical } from '../codec/canonical.ts'
import type { EntryHash, RoomId } from '../types.ts'
import type { FeedEnvelope } from './entry.ts'

/**
 * A write-ahead record of our own signed feed entries between signing and their commit to storage.
 *
 * A send publishes its entry while the entry's storage write is still running, so the message does
 * not wait on the disk twice (ours, then each reader's). Publishing first is only safe if the entry
 * cannot be forgotten: a tab that died before the commit would otherwise sign a different entry at
 * the same seq on its next start, a fork every peer holds against the author. So the entry is
 * recorded here, synchronously, before it leaves; a room replays what is still recorded on load.
 */
export interface SentJournal {
  /**
   * Records an entry about to be published. False when it could not be recorded (storage full or
   * missing): the caller must then commit the entry before it publishes it.
   */
  record (room: RoomId, hash: EntryHash, envelope: FeedEnvelope): boolean
  /** The entry is committed to storage (or refused there for good): forget it. */
  settle (room: RoomId, hash: EntryHash): void
  /** What a room recorded and never settled, in the order recorded. */
  unsettled (room: RoomId): Array<{ readonly hash: EntryHash, readonly envelope: FeedEnvelope }>
}

/** Where the journal keeps its text: the Web Storage API's shape (a page's localStorage). */
export type JournalBacking = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>

/** An in-memory backing: a journal over it survives nothing (unit tests, pages without localStorage). */
export function memoryJournalBacking (): JournalBacking {
  const items = new Map<string, string>()
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => { items.set(key, String(value)) },
    removeItem: (key) => { items.delete(key) }
  }
}

type Recorded = Map<EntryHash, FeedEnvelope>

/** One record per room: the base64 of a canonical array of [hash, entry, payload]. */
function parseRecorded (text: string | null): Recorded | undefined {
  if (text == null) return new Map()
  let rows: unknown
  try {
    rows = decodeTrusted(fromString(text, 'base64'))
  } catch {
    return undefined
  }
  if (!Array.isArray(rows)) return undefined
  const recorded: Recorded = new Map()
  for (const row of rows as unknown[]) {
    if (!Array.isArray(row) || row.length !== 3) return undefined
    const [hash, entry, payload] = row as unknown[]
    if (typeof hash !== 'string' || !(entry instanceof Uint8Array) || (payload !== null && !(payload instanceof Uint8Array))) return undefined
    recorded.set(hash as EntryHash, { entry, payload })
  }
  return recorded
}

/**
 * A journal over `backing` (one item per room, named `prefix` + room id), cached in memory so a
 * record or settle costs one encode and one write. A damaged item is dropped with a warning: what
 * it held is published, and a sync brings it back from the peers that got it.
 */
export function createSentJournal (backing: JournalBacking, prefix: string): SentJournal {
  const rooms = new Map<RoomId, Recorded>()

  const load = (room: RoomId): Recorded => {
    let recorded = rooms.get(room)
    if (recorded != null) return recorded
    let text: string | null = null
    try { text = backing.getItem(prefix + room) } catch { /* unreadable: as if empty */ }
    recorded = parseRecorded(text)
    if (recorded == null) {
      console.warn(`sent journal: the record of room ${room} is damaged; dropped`)
      recorded = new Map()
      try { backing.removeItem(prefix + room) } catch { /* nothing more to do */ }
    }
    rooms.set(room, recorded)
    return recorded
  }

  const save = (room: RoomId, recorded: Recorded): boolean => {
    try {
      if (recorded.size === 0) backing.removeItem(prefix + room)
      else backing.setItem(prefix + room, toString(encodeCanonical([...recorded].map(([hash, e]) => [hash, e.entry, e.payload])), 'base64'))
      return true
    } catch {
      return false
    }
  }

  return {
    record (room, hash, envelope) {
      const recorded = load(room)
      recorded.set(hash, envelope)
      if (save(room, recorded)) return true
      recorded.delete(hash)
      return false
    },
    settle (room, hash) {
      const recorded = load(room)
      if (recorded.delete(hash)) save(room, recorded)
    },
    unsettled: (room) => [...load(room)].map(([hash, envelope]) => ({ hash, envelope }))
  }
}
