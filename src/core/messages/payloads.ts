import { CID } from 'multiformats/cid'
import { decodeCanonical, encodeCanonical } from '../codec/canonical.ts'
import { parseHash } from '../codec/hash.ts'
import { EncodingError } from '../errors.ts'
import { FEED_PAYLOAD_MAX_BYTES } from '../feed/entry.ts'
import { PUBLIC_KEY_BYTES, publicKeyOf, authorIdOf } from '../identity/ed25519.ts'
import { type Validated, accept, reject, RejectReason } from '../result.ts'
import { type AuthorId, type EntryHash, asEntryHash } from '../types.ts'

/** The chat types this client understands; any other type is stored, relayed and shown as unsupported. */
export const ChatType = {
  Text: 'chat/text',
  Edit: 'chat/edit',
  Delete: 'chat/delete',
  Reaction: 'chat/reaction',
  Pin: 'chat/pin'
} as const
export type ChatType = typeof ChatType[keyof typeof ChatType]

export const CHAT_TEXT_MAX_CHARS = 4000
export const MENTIONS_MAX = 50
export const EMOJI_MAX_CHARS = 32

/** Chat payloads in memory: links as entry-hash strings, authors as hex ids. */
export type ChatPayload =
  | { readonly type: 'chat/text', readonly text: string, readonly replyTo?: EntryHash, readonly mentions: readonly AuthorId[] }
  | { readonly type: 'chat/edit', readonly target: EntryHash, readonly text: string }
  | { readonly type: 'chat/delete', readonly target: EntryHash }
  | { readonly type: 'chat/reaction', readonly target: EntryHash, readonly emoji: string, readonly on: boolean }
  | { readonly type: 'chat/pin', readonly target: EntryHash, readonly on: boolean }

/** The payloads that act on an earlier message (its `target`). */
export type ChatOperation = Exclude<ChatPayload, { readonly type: 'chat/text' }>

const CHAT_TYPES = new Set<string>(Object.values(ChatType))
export const isChatType = (type: string): type is ChatType => CHAT_TYPES.has(type)

/** The encoded form of each payload (links as CIDs, keys as bytes); optional fields are omitted, never null. */
function toRecord (p: ChatPayload): Record<string, unknown> {
  switch (p.type) {
    case 'chat/text': return {
      text: p.text,
      ...(p.replyTo != null ? { replyTo: CID.parse(p.replyTo) } : {}),
      ...(p.mentions.length > 0 ? { mentions: p.mentions.map(keyOf) } : {})
    }
    case 'chat/edit': return { target: CID.parse(p.target), text: p.text }
    case 'chat/delete': return { target: CID.parse(p.target) }
    case 'chat/reaction': return { target: CID.parse(p.target), emoji: p.emoji, on: p.on }
    case 'chat/pin': return { target: CID.parse(p.target), on: p.on }
  }
}

function keyOf (author: AuthorId): Uint8Array {
  const key = publicKeyOf(author)
  if (key == null) throw new EncodingError(`mention ${author} is not an author id`)
  return key
}

/**
 * Encodes a chat payload canonically for appendEntry. Throws EncodingError on local misuse (text
 * too long, bad link), using the same rules a receiving peer applies.
 */
export function encodeChatPayload (payload: ChatPayload): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = encodeCanonical(toRecord(payload))
  } catch (err) {
    throw new EncodingError(`cannot encode ${payload.type}: ${(err as Error).message}`)
  }
  const checked = decodeChatPayload(payload.type, bytes)
  if (!checked.ok) throw new EncodingError(`${payload.type}: ${checked.detail}`)
  return bytes
}

const FIELDS: Record<ChatType, { required: readonly string[], optional: readonly string[] }> = {
  'chat/text': { required: ['text'], optional: ['replyTo', 'mentions'] },
  'chat/edit': { required: ['target', 'text'], optional: [] },
  'chat/delete': { required: ['target'], optional: [] },
  'chat/reaction': { required: ['target', 'emoji', 'on'], optional: [] },
  'chat/pin': { required: ['target', 'on'], optional: [] }
}

const linkOf = (v: unknown): EntryHash | undefined =>
  v instanceof CID && v.code === 0x71 && parseHash(v.toString()) != null ? asEntryHash(v.toString()) : undefined

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= CHAT_TEXT_MAX_CHARS

/**
 * Decodes the payload of a chat entry from a peer. Never throws. A known type whose payload does
 * not follow its codec is rejected here; the timeline still shows it, as unsupported.
 */
export function decodeChatPayload (type: string, bytes: Uint8Array): Validated<ChatPayload> {
  if (!isChatType(type)) return reject(RejectReason.Unknown, `type ${type} is not a chat type`)
  const decoded = decodeCanonical<Record<string, unknown>>(bytes, FEED_PAYLOAD_MAX_BYTES, type)
  if (!decoded.ok) return decoded
  const r = decoded.value
  if (typeof r !== 'object' || r == null || Array.isArray(r) || r instanceof Uint8Array || r instanceof CID) return reject(RejectReason.Malformed, `${type} payload is not a map`)
  const { required, optional } = FIELDS[type]
  const keys = Object.keys(r)
  if (required.some((k) => !(k in r)) || keys.some((k) => !required.includes(k) && !optional.includes(k))) {
    return reject(RejectReason.Malformed, `${type} payload has fields [${keys.sort().join(',')}]`)
  }
  const bad = (what: string): Validated<ChatPayload> => reject(RejectReason.Malformed, `${type}: ${what}`)
  if (type === 'chat/text') {
    if (!isText(r.text)) return bad(`text must be 1..${CHAT_TEXT_MAX_CHARS} characters`)
    let replyTo: EntryHash | undefined
    if ('replyTo' in r) {
      replyTo = linkOf(r.replyTo)
      if (replyTo == null) return bad('replyTo is not an entry link')
    }
    let mentions: AuthorId[] = []
    if ('mentions' in r) {
      const m = r.mentions
      if (!Array.isArray(m) || m.length === 0 || m.length > MENTIONS_MAX || !m.every((k) => k instanceof Uint8Array && k.length === PUBLIC_KEY_BYTES)) {
        return bad(`mentions must be 1..${MENTIONS_MAX} public keys`)
      }
      mentions = (m as Uint8Array[]).map(authorIdOf)
    }
    return accept({ type, text: r.text, ...(replyTo != null ? { replyTo } : {}), mentions })
  }
  const target = linkOf(r.target)
  if (target == null) return bad('target is not an entry link')
  switch (type) {
    case 'chat/edit': return isText(r.text) ? accept({ type, target, text: r.text }) : bad(`text must be 1..${CHAT_TEXT_MAX_CHARS} characters`)
    case 'chat/delete': return accept({ type, target })
    case 'chat/reaction':
      if (typeof r.emoji !== 'string' || r.emoji.length === 0 || r.emoji.length > EMOJI_MAX_CHARS) return bad(`emoji must be 1..${EMOJI_MAX_CHARS} characters`)
      return typeof r.on === 'boolean' ? accept({ type, target, emoji: r.emoji, on: r.on }) : bad('on must be a boolean')
    case 'chat/pin': return typeof r.on === 'boolean' ? accept({ type, target, on: r.on }) : bad('on must be a boolean')
  }
}
