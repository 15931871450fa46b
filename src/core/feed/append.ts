import { CID } from 'multiformats/cid'
import { encodeCanonical } from '../codec/canonical.ts'
import { hashOf } from '../codec/hash.ts'
import { RecordTooLargeError } from '../errors.ts'
import type { Signer } from '../identity/ed25519.ts'
import type { FeedHead, StoredFeedEntry } from '../storage.ts'
import type { ChannelId, RoomId } from '../types.ts'
import { FEED_ENTRY_MAX_BYTES, FEED_PAYLOAD_MAX_BYTES, FEED_TYPE_MAX_CHARS, type FeedEnvelope, type FeedEntryRecord, payloadHashOf, signedBytesOf } from './entry.ts'

export interface AppendEntryInit {
  readonly room: RoomId
  readonly channel: ChannelId
  /** The author's newest stored entry in this channel; undefined for the first one. */
  readonly head?: Pick<FeedHead, 'seq' | 'hash' | 'lamport'>
  /** The largest lamport the author has seen in the room (feed and authority entries alike). */
  readonly roomLamport: number
  readonly type: string
  readonly payload: Uint8Array
  /** Wall clock (ms) shown to readers; defaults to Date.now(). */
  readonly ts?: number
}

/** A freshly signed entry, ready to store (as `stored`) and to send (as `envelope`). */
export interface AppendedEntry {
  readonly record: FeedEntryRecord
  readonly envelope: FeedEnvelope
  readonly stored: StoredFeedEntry
}

/**
 * Builds and signs the author's next entry in a channel: seq and prev continue the head, and the
 * lamport is one more than anything the author has seen, so it orders after what the author read.
 * Throws RecordTooLargeError for an oversized payload or type (local misuse, not peer data).
 */
export async function appendEntry (signer: Signer, init: AppendEntryInit): Promise<AppendedEntry> {
  if (init.payload.byteLength > FEED_PAYLOAD_MAX_BYTES) throw new RecordTooLargeError('feed payload', init.payload.byteLength, FEED_PAYLOAD_MAX_BYTES)
  if (init.type.length === 0 || init.type.length > FEED_TYPE_MAX_CHARS) throw new RecordTooLargeError('feed entry type', init.type.length, FEED_TYPE_MAX_CHARS)
  const body: Omit<FeedEntryRecord, 'sig'> = {
    v: 1,
    t: 'feed',
    room: init.room,
    channel: init.channel,
    author: signer.publicKey,
    seq: (init.head?.seq ?? 0) + 1,
    prev: init.head == null ? null : CID.parse(init.head.hash),
    lamport: Math.max(init.roomLamport, init.head?.lamport ?? 0) + 1,
    ts: Math.max(0, Math.floor(init.ts ?? Date.now())),
    type: init.type,
    payloadHash: payloadHashOf(init.payload),
    payloadSize: init.payload.byteLength
  }
  const record: FeedEntryRecord = { ...body, sig: await signer.sign(signedBytesOf(body)) }
  const bytes = encodeCanonical(record)
  if (bytes.byteLength > FEED_ENTRY_MAX_BYTES) throw new RecordTooLargeError('feed entry', bytes.byteLength, FEED_ENTRY_MAX_BYTES)
  return {
    record,
    envelope: { entry: bytes, payload: init.payload },
    stored: {
      hash: hashOf(bytes),
      room: init.room,
      channel: init.channel,
      author: signer.id,
      seq: body.seq,
      lamport: body.lamport,
      bytes,
      payload: init.payload,
      receivedAt: Date.now()
    }
  }
}
