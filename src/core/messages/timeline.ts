import type { AclView } from '../acl-view.ts'
import { FILE_TYPE, type FileManifest, decodeManifest } from '../blob/manifest.ts'
import { storedRecordOf } from '../feed/entry.ts'
import type { RejectReason, Validated } from '../result.ts'
import type { StoredFeedEntry } from '../storage.ts'
import type { AuthorId, ChannelId, EntryHash } from '../types.ts'
import { type ChatOperation, type ChatPayload, ChatType, decodeChatPayload, isChatType } from './payloads.ts'

/** One message as a screen shows it, after every edit, delete, reaction and pin in the input. */
export interface TimelineMessage {
  readonly hash: EntryHash
  readonly channel: ChannelId
  readonly author: AuthorId
  readonly seq: number
  readonly lamport: number
  /** The author's wall clock when written: shown, never ordered by. */
  readonly sentAt: number
  readonly receivedAt: number
  readonly type: string
  /** False for types this client does not understand (or a known type with a broken payload): shown, never hidden. */
  readonly supported: boolean
  /** Text after the author's latest edit; undefined when deleted, unsupported or the payload is absent. */
  readonly text?: string
  readonly edited: boolean
  readonly deleted: boolean
  readonly deletedBy?: AuthorId
  /** The payload is absent without a known delete: removed elsewhere, or not fetched yet. */
  readonly payloadMissing: boolean
  readonly pinned: boolean
  readonly replyTo?: EntryHash
  readonly mentions: readonly AuthorId[]
  readonly reactions: readonly Reaction[]
  /** A shared file's manifest (`chat/file`). */
  readonly file?: FileManifest
  /** Received long after the messages that follow it in display order: backfilled history the UI marks. */
  readonly late: boolean
  /** Set when the room's ACL now refuses this entry (e.g. a ban whose frontier lies below it). */
  readonly invalidated?: RejectReason
}

export interface Reaction { readonly emoji: string, readonly by: readonly AuthorId[] }

export interface TimelineInit {
  readonly acl: Pick<AclView, 'can' | 'mayAppend'>
  /** How much later than the messages after it an entry must arrive to be marked late; default 60 s. */
  readonly lateAfterMs?: number
}

interface Decoded {
  readonly stored: StoredFeedEntry
  readonly type: string
  readonly ts: number
  readonly payload: Validated<ChatPayload> | null
  readonly file?: Validated<FileManifest>
}

type Draft = { -readonly [K in keyof TimelineMessage]: TimelineMessage[K] }

const decodedCache = new Map<string, Omit<Decoded, 'stored'>>()
const DECODED_CACHE_LIMIT = 20_000

/** Type, wall clock and chat payload of a stored entry; cached by hash and payload presence (a delete changes the latter). */
function decode (stored: StoredFeedEntry): Decoded | undefined {
  const key = `${stored.hash}/${stored.payload == null ? 0 : 1}`
  let known = decodedCache.get(key)
  if (known == null) {
    const record = storedRecordOf(stored.bytes)
    if (record == null) return undefined
    const { type, ts } = record
    known = {
      type,
      ts,
      payload: stored.payload == null || !isChatType(type) ? null : decodeChatPayload(type, stored.payload),
      ...(type === FILE_TYPE && stored.payload != null ? { file: decodeManifest(stored.payload) } : {})
    }
    if (decodedCache.size >= DECODED_CACHE_LIMIT) decodedCache.clear()
    decodedCache.set(key, known)
  }
  return { stored, ...known }
}

const isOperation = (d: Decoded): boolean =>
  d.type !== ChatType.Text && isChatType(d.type) && (d.payload == null || d.payload.ok)

/**
 * Folds stored entries, given in display order, into what a channel shows. Pure: the same entries
 * and ACL give the same view. Operations apply only to targets among the given entries; only the
 * author's edits count; a delete counts from the author or a holder of 'delete' who outranks the
 * author, a pin from a holder of 'pin', both asked of the ACL as it is now.
 */
export function foldTimeline (entries: readonly StoredFeedEntry[], init: TimelineInit): TimelineMessage[] {
  const { acl } = init
  const lateAfterMs = init.lateAfterMs ?? 60_000
  const messages: Draft[] = []
  const byHash = new Map<EntryHash, Draft>()
  const reactions = new Map<EntryHash, Map<string, Map<AuthorId, boolean>>>()
  const operations: Array<{ author: AuthorId, channel: ChannelId, payload: ChatOperation }> = []

  for (const stored of entries) {
    const d = decode(stored)
    if (d == null) continue
    const allowed = acl.mayAppend(stored.author, stored.channel, stored.seq)
    if (isOperation(d)) {
      if (allowed.ok && d.payload?.ok === true && d.payload.value.type !== ChatType.Text) operations.push({ author: stored.author, channel: stored.channel, payload: d.payload.value })
      continue
    }
    const text = d.payload?.ok === true && d.payload.value.type === ChatType.Text ? d.payload.value : undefined
    const file = d.file?.ok === true ? d.file.value : undefined
    const message: Draft = {
      hash: stored.hash,
      channel: stored.channel,
      author: stored.author,
      seq: stored.seq,
      lamport: stored.lamport,
      sentAt: d.ts,
      receivedAt: stored.receivedAt,
      type: d.type,
      supported: (d.type === ChatType.Text && (stored.payload == null || text != null)) || (d.type === FILE_TYPE && (stored.payload == null || file != null)),
      edited: false,
      deleted: false,
      payloadMissing: stored.payload == null,
      pinned: false,
      mentions: text?.mentions ?? [],
      reactions: [],
      late: false,
      ...(text != null ? { text: text.text } : {}),
      ...(file != null ? { file } : {}),
      ...(text?.replyTo != null ? { replyTo: text.replyTo } : {}),
      ...(!allowed.ok ? { invalidated: allowed.reason } : {})
    }
    messages.push(message)
    byHash.set(message.hash, message)
  }

  for (const { author, channel, payload } of operations) {
    const target = byHash.get(payload.target)
    if (target == null || target.channel !== channel) continue
    switch (payload.type) {
      case 'chat/edit':
        if (author === target.author && target.supported && !target.deleted) {
          target.text = payload.text
          target.edited = true
        }
        break
      case 'chat/delete':
        if (!target.deleted && (author === target.author || acl.can(author, 'delete', target.author))) {
          target.deleted = true
          target.deletedBy = author
          target.payloadMissing = false
          delete target.text
          delete target.file
        }
        break
      case 'chat/reaction': {
        let perEmoji = reactions.get(target.hash)
        if (perEmoji == null) reactions.set(target.hash, perEmoji = new Map<string, Map<AuthorId, boolean>>())
        let by = perEmoji.get(payload.emoji)
        if (by == null) perEmoji.set(payload.emoji, by = new Map<AuthorId, boolean>())
        by.set(author, payload.on)
        break
      }
      case 'chat/pin':
        if (acl.can(author, 'pin')) target.pinned = payload.on
        break
    }
  }

  let earliestAfter = Infinity
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!
    m.late = m.receivedAt > earliestAfter + lateAfterMs
    earliestAfter = Math.min(earliestAfter, m.receivedAt)
    const perEmoji = reactions.get(m.hash)
    if (perEmoji != null) {
      m.reactions = [...perEmoji].map(([emoji, by]) => ({ emoji, by: [...by].filter(([, on]) => on).map(([a]) => a) })).filter((r) => r.by.length > 0)
    }
  }
  return messages
}
