import type { Stream } from '@libp2p/interface'
import { ACCESS_NONCE_BYTES, type AccessContext, newAccessNonce } from '../core/access/challenge.ts'
import { decodeAccessProof } from '../core/access/proof.ts'
import type { Admitted } from '../core/access/verify.ts'
import { decodeCanonical, encodeCanonical } from '../core/codec/canonical.ts'
import { type Validated, RejectReason } from '../core/result.ts'
import type { RoomId } from '../core/types.ts'
import { writeMessage } from './length-prefixed.ts'

/**
 * The access handshake that opens every sync and profiles stream (src/core/access holds the rule):
 * the server's first message is a fresh challenge; the requester's first message is its proof over
 * it, followed by the protocol's own first message (which names the room). The server checks the
 * proof against that room's ACL before it sends anything of the room.
 */
export interface RoomAccess {
  /** Signs a proof for `context` (our identity key; the room's invite key while we may be joining). */
  prove (context: AccessContext): Promise<Uint8Array>
  /** Checks a requester's proof against the room's ACL now; undefined when we are not in the room. */
  check (proof: Uint8Array, context: AccessContext): Promise<Validated<Admitted>> | undefined
}

/** Reasons that mean the requester sent what no honest peer sends (a forged or broken proof). */
const SENDER_FAULT: ReadonlySet<string> = new Set([RejectReason.Malformed, RejectReason.NonCanonical, RejectReason.TooLarge, RejectReason.BadSignature])

/** Whether a refusal is the requester's fault (report it) rather than a lack of standing (just refuse). */
export const refusalIsGarbage = (reason: RejectReason): boolean => SENDER_FAULT.has(reason)

/** Refusal details travel to the requester: short, so a refusal stays one small message. */
export const refusalText = (v: { reason: RejectReason, detail: string }): string => `${v.reason}: ${v.detail}`.slice(0, 200)

type Reader = AsyncIterator<{ subarray (): Uint8Array }>

/** Server side: sends a fresh challenge as the stream's first message and returns its nonce. */
export async function sendChallenge (stream: Stream): Promise<Uint8Array> {
  const nonce = newAccessNonce()
  await writeMessage(stream, encodeCanonical({ nonce }))
  return nonce
}

/**
 * Server side: the requester's proof bytes once their shape is right (signatures and standing are
 * checked against the room named next), a rejection for bytes that are no proof, or undefined at
 * the end of the stream.
 */
export async function readProof (reader: Reader): Promise<Validated<Uint8Array> | undefined> {
  const r = await reader.next()
  if (r.done === true) return undefined
  const bytes = r.value.subarray()
  const shape = decodeAccessProof(bytes)
  return shape.ok ? { ok: true, value: bytes } : shape
}

/** Requester side: the nonce of the server's challenge, or undefined when the bytes are not one. */
export function parseChallenge (bytes: Uint8Array): Uint8Array | undefined {
  const d = decodeCanonical<{ nonce?: unknown }>(bytes, 64, 'access challenge')
  if (!d.ok || typeof d.value !== 'object' || d.value == null) return undefined
  const { nonce } = d.value
  return nonce instanceof Uint8Array && nonce.length === ACCESS_NONCE_BYTES && Object.keys(d.value).length === 1 ? nonce : undefined
}

/** Requester side: reads the server's challenge; undefined if the stream ends or it is not one. */
export async function readChallenge (reader: Reader): Promise<Uint8Array | undefined> {
  const r = await reader.next()
  return r.done === true ? undefined : parseChallenge(r.value.subarray())
}

/** Requester side: answers the challenge for `room`; the caller writes its first message next. */
export async function sendProof (stream: Stream, access: Pick<RoomAccess, 'prove'>, context: { room: RoomId, prover: string, verifier: string, nonce: Uint8Array }, signal?: AbortSignal): Promise<void> {
  await writeMessage(stream, await access.prove(context), signal)
}
