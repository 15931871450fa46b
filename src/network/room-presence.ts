import { decodeCanonical, encodeCanonical } from '../core/codec/canonical.ts'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, type Signer, authorIdOf, verifySignature } from '../core/identity/ed25519.ts'
import { type Validated, accept, reject, RejectReason } from '../core/result.ts'
import { type AuthorId, type ChannelId, type RoomId, asChannelId } from '../core/types.ts'
import { parseHash } from '../core/codec/hash.ts'

/** Presence notices are small: a key, a peer id, a channel id and a signature. */
export const PRESENCE_MAX_BYTES = 512
/** Notices older or newer than this (by the receiver's clock) are ignored: replays stay harmless. */
export const PRESENCE_MAX_SKEW_MS = 60_000

/**
 * An ephemeral, signed notice on a room's presence topic: "author is here as libp2p peer `peer`"
 * and, with a channel, "is typing there". Signed so nobody can make someone else appear to type or
 * claim their peer id; never stored.
 */
export interface PresenceNotice {
  readonly room: RoomId
  readonly author: AuthorId
  readonly peer: string
  readonly channel?: ChannelId
  readonly ts: number
}

interface PresenceRecord {
  v: 1
  t: 'presence'
  room: string
  author: Uint8Array
  peer: string
  channel?: string
  ts: number
  sig?: Uint8Array
}

export async function signPresence (signer: Signer, notice: Omit<PresenceNotice, 'author'>): Promise<Uint8Array> {
  const body: PresenceRecord = {
    v: 1,
    t: 'presence',
    room: notice.room,
    author: signer.publicKey,
    peer: notice.peer,
    ...(notice.channel != null ? { channel: notice.channel } : {}),
    ts: notice.ts
  }
  return encodeCanonical({ ...body, sig: await signer.sign(encodeCanonical(body)) })
}

/** Checks a notice from a peer. Never throws; a stale one is rejected with reason unknown (the caller ignores it, it is not forged). */
export async function validatePresence (bytes: Uint8Array, room: RoomId, now = Date.now()): Promise<Validated<PresenceNotice>> {
  const decoded = decodeCanonical<PresenceRecord>(bytes, PRESENCE_MAX_BYTES, 'presence notice')
  if (!decoded.ok) return decoded
  const r = decoded.value
  if (typeof r !== 'object' || r == null || r.v !== 1 || r.t !== 'presence') return reject(RejectReason.Malformed, 'not a v1 presence notice')
  const keys = Object.keys(r).sort().join()
  if (keys !== 'author,peer,room,sig,t,ts,v' && keys !== 'author,channel,peer,room,sig,t,ts,v') return reject(RejectReason.Malformed, `fields are [${keys}]`)
  if (r.room !== room) return reject(RejectReason.WrongRoom, 'notice is for another room')
  if (!(r.author instanceof Uint8Array) || r.author.length !== PUBLIC_KEY_BYTES) return reject(RejectReason.Malformed, 'author is not a key')
  if (!(r.sig instanceof Uint8Array) || r.sig.length !== SIGNATURE_BYTES) return reject(RejectReason.Malformed, 'sig is not 64 bytes')
  if (typeof r.peer !== 'string' || r.peer.length === 0 || r.peer.length > 128) return reject(RejectReason.Malformed, 'peer is not a peer id')
  if (r.channel != null && (typeof r.channel !== 'string' || parseHash(r.channel) == null)) return reject(RejectReason.Malformed, 'channel is not a hash')
  if (typeof r.ts !== 'number' || !Number.isSafeInteger(r.ts)) return reject(RejectReason.Malformed, 'ts is not an integer')
  const { sig, ...body } = r
  if (!await verifySignature(r.author, encodeCanonical(body), sig)) return reject(RejectReason.BadSignature, 'signature does not verify')
  if (Math.abs(now - r.ts) > PRESENCE_MAX_SKEW_MS) return reject(RejectReason.Unknown, 'stale notice')
  return accept({ room, author: authorIdOf(r.author), peer: r.peer, ...(r.channel != null ? { channel: asChannelId(r.channel) } : {}), ts: r.ts })
}
