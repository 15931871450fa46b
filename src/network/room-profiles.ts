import * as lp from 'it-length-prefixed'
import type { Stream } from '@libp2p/interface'
import { decodeCanonical, encodeCanonical } from '../core/codec/canonical.ts'
import { PROFILE_MAX_BYTES } from '../core/identity/profile.ts'
import { type Validated, accept, reject, RejectReason } from '../core/result.ts'
import type { AuthorId, RoomId } from '../core/types.ts'
import { type RoomAccess, parseChallenge, readProof, refusalIsGarbage, refusalText, sendChallenge, sendProof } from './access-handshake.ts'
import { writeMessage } from './length-prefixed.ts'
import type { PeerNode } from './peer-node.ts'

/**
 * `/peer-rooms/profiles/2.0.0`: a peer that just synced with another room peer asks it for the
 * signed profiles it holds of the room's members, so a newcomer shows names and avatars at once
 * instead of waiting for gossip to re-announce them. The access handshake (access-handshake.ts)
 * opens the stream: challenge, proof, then one request and one answer, and the stream closes.
 */
export const ROOM_PROFILES_PROTOCOL = '/peer-rooms/profiles/2.0.0'

/** At most this many authors per request and profiles per answer. */
export const PROFILES_MAX_COUNT = 256
/** An answer's profiles together stay under this many bytes (the responder drops what does not fit). */
export const PROFILES_ANSWER_MAX_BYTES = 1024 * 1024
/** Encoding overhead allowed on top of the profiles' bytes (CBOR headers, a few bytes each). */
const ANSWER_OVERHEAD = 16 + PROFILES_MAX_COUNT * 8
const AUTHOR_HEX = /^[0-9a-f]{64}$/
/** Room id (a CID string, < 128 chars) and 256 hex keys, with CBOR headers. */
const REQUEST_MAX_BYTES = 256 + PROFILES_MAX_COUNT * 70
const ANSWER_TIMEOUT_MS = 10_000

export interface ProfilesRequest { readonly room: RoomId, readonly authors: readonly AuthorId[] }

export function encodeProfilesRequest (request: ProfilesRequest): Uint8Array {
  return encodeCanonical({ room: request.room, authors: request.authors.slice(0, PROFILES_MAX_COUNT) })
}

/** Never throws: a request over the limits or of the wrong shape is refused with a reason. */
export function decodeProfilesRequest (bytes: Uint8Array): Validated<ProfilesRequest> {
  const d = decodeCanonical<Record<string, unknown>>(bytes, REQUEST_MAX_BYTES, 'profiles request')
  if (!d.ok) return d
  const { room, authors } = d.value
  if (typeof room !== 'string' || room.length > 128) return reject(RejectReason.Malformed, 'profiles request: bad room')
  if (!Array.isArray(authors) || authors.length > PROFILES_MAX_COUNT) return reject(RejectReason.Malformed, `profiles request: authors must be a list of at most ${PROFILES_MAX_COUNT}`)
  if (!authors.every((a) => typeof a === 'string' && AUTHOR_HEX.test(a))) return reject(RejectReason.Malformed, 'profiles request: an author is not a key')
  return accept({ room: room as RoomId, authors: authors as AuthorId[] })
}

/** A requester without standing in the room gets this and nothing else: the reason, no profiles. */
export function encodeProfilesRefusal (reason: string): Uint8Array {
  return encodeCanonical({ refused: reason.slice(0, 200) })
}

/** What asking for profiles can end with: the profiles, or the responder's refusal. */
export type ProfilesAnswer = { readonly profiles: Uint8Array[] } | { readonly refused: string }

/** Keeps profiles, in order, while they fit the count and byte budget of one answer. */
export function encodeProfilesAnswer (profiles: readonly Uint8Array[]): Uint8Array {
  const kept: Uint8Array[] = []
  let bytes = 0
  for (const p of profiles) {
    if (kept.length === PROFILES_MAX_COUNT) break
    if (p.byteLength > PROFILE_MAX_BYTES || bytes + p.byteLength > PROFILES_ANSWER_MAX_BYTES) continue
    kept.push(p)
    bytes += p.byteLength
  }
  return encodeCanonical({ profiles: kept })
}

/** Never throws. Each profile is still only bytes: the ProfileBook validates it. */
export function decodeProfilesAnswer (bytes: Uint8Array): Validated<ProfilesAnswer> {
  const d = decodeCanonical<Record<string, unknown>>(bytes, PROFILES_ANSWER_MAX_BYTES + ANSWER_OVERHEAD, 'profiles answer')
  if (!d.ok) return d
  if (typeof d.value !== 'object' || d.value == null) return reject(RejectReason.Malformed, 'profiles answer is not a map')
  const { profiles, refused } = d.value
  if (Object.keys(d.value).join() === 'refused') return typeof refused === 'string' && refused.length <= 200 ? accept({ refused }) : reject(RejectReason.Malformed, 'profiles answer: refusal is not a short text')
  if (!Array.isArray(profiles) || profiles.length > PROFILES_MAX_COUNT) return reject(RejectReason.Malformed, `profiles answer: profiles must be a list of at most ${PROFILES_MAX_COUNT}`)
  if (!profiles.every((p): p is Uint8Array => p instanceof Uint8Array && p.byteLength <= PROFILE_MAX_BYTES)) return reject(RejectReason.Malformed, 'profiles answer: a profile is not bytes within the size limit')
  const total = profiles.reduce((n, p) => n + p.byteLength, 0)
  if (total > PROFILES_ANSWER_MAX_BYTES) return reject(RejectReason.TooLarge, `profiles answer holds ${total} bytes, limit ${PROFILES_ANSWER_MAX_BYTES}`)
  return accept({ profiles })
}

export interface RoomProfilesServerComponents { readonly node: Pick<PeerNode, 'handle' | 'unhandle' | 'peerId'> }
export interface RoomProfilesServerInit {
  /** Checks a requester's access proof against the room's ACL (src/core/access). */
  readonly access: Pick<RoomAccess, 'check'>
  /** A requester that did not prove standing was refused. */
  readonly onRefused?: (room: RoomId, peer: string, detail: string) => void
  /** Signed profile bytes we hold of these authors, or undefined when we are not in the room. */
  readonly profilesOf: (room: RoomId, authors: readonly AuthorId[]) => Uint8Array[] | undefined
  /** A peer sent bytes that are not a profiles request. */
  readonly onGarbage: (peer: string, detail: string) => void
}

/** One length-prefixed reader for the whole stream: the proof and the request may arrive in one chunk. */
const readerOf = (stream: Stream, maxBytes: number): AsyncIterator<{ subarray (): Uint8Array }> => lp.decode(stream, { maxDataLength: maxBytes })[Symbol.asyncIterator]()

/** Reads the next message, or gives up (aborting the stream) when the deadline passes first. */
async function nextWithin (reader: AsyncIterator<{ subarray (): Uint8Array }>, stream: Stream, signal: AbortSignal): Promise<Uint8Array | undefined> {
  const onAbort = (): void => { stream.abort(new Error('profiles: no answer in time')) }
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    const r = await reader.next()
    return r.done === true ? undefined : r.value.subarray()
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/**
 * Serves {@link ROOM_PROFILES_PROTOCOL} for every room we are in, only to a requester that proves
 * standing in it; outside our rooms the answer is empty, a requester without standing is refused.
 */
export function createRoomProfilesServer (components: RoomProfilesServerComponents, init: RoomProfilesServerInit): { start (): Promise<void>, stop (): Promise<void> } {
  let started = false
  const garbage = (stream: Stream, peer: string, detail: string): void => {
    init.onGarbage(peer, detail)
    stream.abort(new Error('profiles protocol violation'))
  }
  const serve = async (stream: Stream, peer: string): Promise<void> => {
    const deadline = AbortSignal.timeout(ANSWER_TIMEOUT_MS)
    const reader = readerOf(stream, REQUEST_MAX_BYTES)
    const nonce = await sendChallenge(stream)
    const onAbort = (): void => { stream.abort(new Error('profiles: no request in time')) }
    deadline.addEventListener('abort', onAbort, { once: true })
    const proof = await readProof(reader).finally(() => { deadline.removeEventListener('abort', onAbort) })
    if (proof == null) return
    if (!proof.ok) { garbage(stream, peer, refusalText(proof)); return }
    const bytes = await nextWithin(reader, stream, deadline)
    if (bytes == null) return
    const request = decodeProfilesRequest(bytes)
    if (!request.ok) { garbage(stream, peer, `${request.reason}: ${request.detail}`); return }
    const { room, authors } = request.value
    const verdict = await init.access.check(proof.value, { room, prover: peer, verifier: components.node.peerId, nonce })
    if (verdict != null && !verdict.ok) {
      if (refusalIsGarbage(verdict.reason)) { garbage(stream, peer, `access proof: ${refusalText(verdict)}`); return }
      init.onRefused?.(room, peer, refusalText(verdict))
      await writeMessage(stream, encodeProfilesRefusal(refusalText(verdict)))
    } else {
      await writeMessage(stream, encodeProfilesAnswer(verdict == null ? [] : init.profilesOf(room, authors) ?? []))
    }
    await stream.close()
  }
  return {
    async start () {
      if (started) return
      started = true
      await components.node.handle(ROOM_PROFILES_PROTOCOL, serve)
    },
    async stop () {
      if (!started) return
      started = false
      await components.node.unhandle(ROOM_PROFILES_PROTOCOL)
    }
  }
}

/**
 * Asks one peer for the profiles it holds of these authors, proving our standing in the room
 * first. Validated: an answer that breaks the protocol is a reject (the caller reports the peer); a
 * refusal is an answer too; a peer that closes without answering gives no profiles. Throws only
 * when the stream cannot be opened or times out.
 */
export async function requestProfiles (node: Pick<PeerNode, 'newStream' | 'peerId'>, access: Pick<RoomAccess, 'prove'>, peer: string, request: ProfilesRequest, signal?: AbortSignal): Promise<Validated<ProfilesAnswer>> {
  const deadline = AbortSignal.any([AbortSignal.timeout(ANSWER_TIMEOUT_MS), ...(signal != null ? [signal] : [])])
  const stream = await node.newStream(peer, ROOM_PROFILES_PROTOCOL, { signal: deadline })
  try {
    const reader = readerOf(stream, PROFILES_ANSWER_MAX_BYTES + ANSWER_OVERHEAD)
    let answer: Uint8Array | undefined
    try {
      const challenge = await nextWithin(reader, stream, deadline)
      const nonce = challenge == null ? undefined : parseChallenge(challenge)
      if (nonce == null) return accept({ profiles: [] })
      await sendProof(stream, access, { room: request.room, prover: node.peerId, verifier: peer, nonce }, deadline)
      await writeMessage(stream, encodeProfilesRequest(request), deadline)
      answer = await nextWithin(reader, stream, deadline)
    } catch (err) {
      if (deadline.aborted) throw err
      return reject(RejectReason.Malformed, `profiles answer: ${(err as Error).message}`)
    }
    return answer == null ? accept({ profiles: [] }) : decodeProfilesAnswer(answer)
  } finally {
    void stream.close().catch(() => undefined)
  }
}
