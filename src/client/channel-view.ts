import type { AclView } from '../core/acl-view.ts'
import { storedTypeOf } from '../core/feed/entry.ts'
import { ChatType, decodeChatPayload, isChatType } from '../core/messages/payloads.ts'
import { type TimelineMessage, foldTimeline } from '../core/messages/timeline.ts'
import type { MetaStore, FeedStore, StoredFeedEntry } from '../core/storage.ts'
import type { AuthorId, ChannelId, EntryHash, RoomId } from '../core/types.ts'
import type { MessageSnapshot, TimelineSnapshot } from './api.ts'
import { compareOrder, createTimelineIndex } from './timeline-index.ts'

/** A stored entry that is not a timeline row: an operation on a message (edit, reaction, ...). */
interface NonRow { readonly author: AuthorId, readonly seq: number, readonly lamport: number, readonly target?: EntryHash }

export interface ChannelViewComponents {
  readonly feeds: FeedStore
  readonly meta: MetaStore
  readonly acl: Pick<AclView, 'can' | 'mayAppend'>
}

export interface ChannelViewInit {
  readonly room: RoomId
  readonly channel: ChannelId
  /** How many peers our own message reached, if known. */
  readonly reached: (hash: EntryHash) => number | undefined
  /** Windows kept ready; any change in the channel drops them. */
  readonly cachedWindows?: number
}

/**
 * One channel's timeline as the UI pages it. Rows are messages; operations (edits, deletes,
 * reactions, pins) are folded into the rows they target, found through a small persisted index
 * target -> operations, so a window is one page read plus its operations, at any history size.
 */
export interface ChannelView {
  load (): Promise<void>
  total (): Promise<number>
  timeline (offset: number, limit: number): Promise<TimelineSnapshot>
  /** Takes newly stored entries of this channel; returns the rows among them (late ones flagged). */
  accepted (entries: readonly StoredFeedEntry[]): Promise<Array<{ entry: StoredFeedEntry, late: boolean }>>
  /** The ACL or a delivery count changed: windows must be folded again. */
  invalidate (): void
  /** One message folded alone (for notifications). */
  messageOf (entry: StoredFeedEntry): MessageSnapshot | undefined
  /** A stored message of this channel with its edits, reactions and pins; undefined if not a row here. */
  message (hash: EntryHash): Promise<MessageSnapshot | undefined>
  /** Display index of a stored message of this channel (to open the history at it). */
  locate (hash: EntryHash): Promise<number | undefined>
}

/** Classifies an entry the way the fold does: operations with a readable target, other non-rows, rows. */
function classify (entry: StoredFeedEntry): { row: true } | { row: false, target?: EntryHash } {
  const type = storedTypeOf(entry.bytes)
  if (type == null || type === ChatType.Text || !isChatType(type)) return { row: true }
  if (entry.payload == null) return { row: false }
  const payload = decodeChatPayload(type, entry.payload)
  if (!payload.ok) return { row: true }
  return payload.value.type === ChatType.Text ? { row: true } : { row: false, target: payload.value.target }
}

export function createChannelView (components: ChannelViewComponents, init: ChannelViewInit): ChannelView {
  const { feeds, meta, acl } = components
  const { channel } = init
  const prefix = `nonrow/${init.room}/${channel}/`
  const nonRows = new Map<EntryHash, NonRow>()
  const byTarget = new Map<EntryHash, NonRow[]>()
  const windows = new Map<string, Promise<TimelineSnapshot>>()
  const cachedWindows = init.cachedWindows ?? 16
  // Every stored entry passes through accepted() (ours and peers' alike), which records the
  // non-rows; so paging needs no decoding, only this lookup.
  const index = createTimelineIndex({ feeds, channel, isRow: (e) => !nonRows.has(e.hash), nonRows: () => nonRows.size })

  const remember = (hash: EntryHash, n: NonRow): void => {
    nonRows.set(hash, n)
    if (n.target != null) {
      const list = byTarget.get(n.target)
      if (list == null) byTarget.set(n.target, [n])
      else list.push(n)
    }
  }

  const snapshotOf = (m: TimelineMessage): MessageSnapshot => {
    const reached = init.reached(m.hash)
    return {
      hash: m.hash,
      channel: m.channel,
      author: m.author,
      seq: m.seq,
      lamport: m.lamport,
      sentAt: m.sentAt,
      type: m.type,
      ...(m.text != null ? { text: m.text } : {}),
      edited: m.edited,
      deleted: m.deleted,
      pinned: m.pinned,
      ...(m.replyTo != null ? { replyTo: m.replyTo } : {}),
      mentions: m.mentions,
      reactions: m.reactions,
      late: m.late,
      supported: m.supported,
      ...(m.file != null ? { file: m.file } : {}),
      ...(reached != null ? { reachedPeers: reached } : {})
    }
  }

  const fold = async (rows: readonly StoredFeedEntry[]): Promise<MessageSnapshot[]> => {
    const ops = rows.flatMap((r) => byTarget.get(r.hash) ?? [])
    const opEntries = (await Promise.all(ops.map((o) => feeds.getEntry(channel, o.author, o.seq)))).filter((e) => e != null)
    const all = [...rows, ...opEntries].sort(compareOrder)
    return foldTimeline(all, { acl }).map(snapshotOf)
  }

  const rowOf = async (hash: EntryHash): Promise<StoredFeedEntry | undefined> => {
    if (nonRows.has(hash)) return undefined
    const entry = await feeds.getByHash(hash)
    return entry?.channel === channel ? entry : undefined
  }

  const load = async (offset: number, limit: number): Promise<TimelineSnapshot> => {
    const [total, rows] = await Promise.all([index.total(), index.window(offset, limit)])
    return { channel, total, offset: Math.min(offset, total), messages: await fold(rows) }
  }

  return {
    async load () {
      for (const [key, value] of await meta.list<NonRow>(prefix)) remember(key.slice(prefix.length) as EntryHash, value)
    },
    total: () => index.total(),
    timeline (offset, limit) {
      const key = `${offset}:${limit}`
      let w = windows.get(key)
      if (w == null) {
        if (windows.size >= cachedWindows) windows.delete(windows.keys().next().value!)
        w = load(offset, limit)
        w.catch(() => { windows.delete(key) })
        windows.set(key, w)
      }
      return w
    },
    async accepted (entries) {
      const rows: Array<{ entry: StoredFeedEntry, late: boolean }> = []
      const writes: Array<Promise<void>> = []
      for (const entry of entries) {
        if (entry.channel !== channel || nonRows.has(entry.hash)) continue
        const kind = classify(entry)
        if (kind.row) {
          rows.push({ entry, late: index.inserted(entry, true) })
        } else {
          index.inserted(entry, false)
          const n: NonRow = { author: entry.author, seq: entry.seq, lamport: entry.lamport, ...(kind.target != null ? { target: kind.target } : {}) }
          remember(entry.hash, n)
          writes.push(meta.put(prefix + entry.hash, n))
        }
      }
      windows.clear()
      await Promise.all(writes)
      return rows
    },
    invalidate () { windows.clear() },
    messageOf (entry) {
      const [m] = foldTimeline([entry], { acl })
      return m == null ? undefined : snapshotOf(m)
    },
    async message (hash) {
      const entry = await rowOf(hash)
      return entry == null ? undefined : (await fold([entry]))[0]
    },
    async locate (hash) {
      const entry = await rowOf(hash)
      return entry == null ? undefined : index.indexOf(entry)
    }
  }
}
