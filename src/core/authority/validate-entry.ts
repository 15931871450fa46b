import { decodeCanonical } from '../codec/canonical.ts'
import { hashOfAsync } from '../codec/hash.ts'
import { isStrongPublicKey, publicKeyOf, verifySignature } from '../identity/ed25519.ts'
import { type Validated, accept, reject, RejectReason } from '../result.ts'
import { roomIdOf } from '../room/room-id.ts'
import type { EntryHash, RoomId } from '../types.ts'
import { AUTHORITY_ENTRY_MAX_BYTES, Action, type SignedAuthorityEntry, entryOf, recordProblem, signedBytesOfWire } from './entry.ts'
import { inviteProofMessage } from './invite-proof.ts'

const CACHE_LIMIT = 50_000
/** Verdicts by entry hash: an entry arrives by gossip, by sync and in every replay, but is verified once. */
const verdicts = new Map<EntryHash, Promise<Validated<SignedAuthorityEntry>>>()

/**
 * Checks one authority entry from a peer as far as it can be checked alone: size, canonical
 * encoding, fields, the room (and for genesis, that the room id derives from its creator key, name
 * and nonce), key strength, the signature and a JOIN's invite proof. Never throws. Whether the
 * signer was allowed to do it is the replay's decision, not this one's.
 *
 * Pass `room` to also reject entries for another room (reason wrong-room).
 */
export async function validateAuthorityEntry (bytes: Uint8Array, room?: RoomId): Promise<Validated<SignedAuthorityEntry>> {
  if (!(bytes instanceof Uint8Array)) return reject(RejectReason.Malformed, 'authority entry is not bytes')
  if (bytes.byteLength > AUTHORITY_ENTRY_MAX_BYTES) return reject(RejectReason.TooLarge, `authority entry is ${bytes.byteLength} bytes, limit ${AUTHORITY_ENTRY_MAX_BYTES}`)
  const hash = await hashOfAsync(bytes)
  let verdict = verdicts.get(hash)
  if (verdict == null) {
    if (verdicts.size >= CACHE_LIMIT) verdicts.clear()
    verdict = check(hash, bytes).catch((err: unknown) => reject(RejectReason.Malformed, `authority entry could not be checked: ${String(err)}`))
    verdicts.set(hash, verdict)
  }
  const result = await verdict
  if (result.ok && room != null && result.value.entry.room !== room) return reject(RejectReason.WrongRoom, `entry is for room ${result.value.entry.room}`)
  return result
}

async function check (hash: EntryHash, bytes: Uint8Array): Promise<Validated<SignedAuthorityEntry>> {
  const decoded = decodeCanonical<Record<string, unknown>>(bytes, AUTHORITY_ENTRY_MAX_BYTES, 'authority entry')
  if (!decoded.ok) return decoded
  const record = decoded.value
  if (typeof record !== 'object' || record == null || Array.isArray(record)) return reject(RejectReason.Malformed, 'authority entry is not a map')
  const problem = recordProblem(record)
  if (problem != null) return reject(RejectReason.Malformed, problem)
  const entry = entryOf(hash, record)
  if (entry.action === Action.GENESIS && roomIdOf(entry.signerKey, entry.name, entry.nonce) !== entry.room) {
    return reject(RejectReason.WrongRoom, 'genesis does not derive the room id from its creator key, name and nonce')
  }
  if (!isStrongPublicKey(entry.signerKey)) return reject(RejectReason.WeakKey, 'signer key is not a strong Ed25519 key')
  const signatureOk = verifySignature(entry.signerKey, signedBytesOfWire(bytes, record), record.sig as Uint8Array)
  const inviteOk = entry.action === Action.JOIN && entry.invite != null && entry.inviteSig != null
    ? verifySignature(publicKeyOf(entry.invite)!, inviteProofMessage(entry.room, entry.signerKey), entry.inviteSig)
    : true
  if (!await signatureOk) return reject(RejectReason.BadSignature, 'signature does not verify')
  if (!await inviteOk) return reject(RejectReason.InviteInvalid, 'invite proof does not verify')
  return accept({ hash, bytes, entry })
}
