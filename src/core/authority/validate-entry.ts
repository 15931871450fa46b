import { decodeCanonical } from '../codec/canonical.ts'
import { hashOfAsync } from '../codec/hash.ts'
import { isStrongPublicKey, publicKeyOf } from '../identity/ed25519.ts'
import { type SignatureCheck, type SignatureVerifier, verifyInThisThread } from '../identity/signature-verifier.ts'
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
  return (await validateAuthorityEntries([bytes], room))[0]!
}

/**
 * {@link validateAuthorityEntry} for many entries, one verdict per entry in order, with the
 * signatures checked a few hundred per call to `verifier` (a room's log replayed from storage
 * or a sync batch: thousands of checks, which a browser runs in Web Workers while this thread
 * decodes and hashes). Verdicts are cached by entry hash whatever the verifier.
 */
export async function validateAuthorityEntries (entries: readonly Uint8Array[], room?: RoomId, verifier: SignatureVerifier = verifyInThisThread): Promise<Array<Validated<SignedAuthorityEntry>>> {
  const hashes = await Promise.all(entries.map(async (bytes) => (bytes instanceof Uint8Array && bytes.byteLength <= AUTHORITY_ENTRY_MAX_BYTES ? hashOfAsync(bytes) : undefined)))
  const fresh: Array<{ hash: EntryHash, bytes: Uint8Array, settle: (v: Validated<SignedAuthorityEntry>) => void }> = []
  const pending = entries.map((bytes, i): Promise<Validated<SignedAuthorityEntry>> => {
    const hash = hashes[i]
    if (!(bytes instanceof Uint8Array)) return Promise.resolve(reject(RejectReason.Malformed, 'authority entry is not bytes'))
    if (hash === undefined) return Promise.resolve(reject(RejectReason.TooLarge, `authority entry is ${bytes.byteLength} bytes, limit ${AUTHORITY_ENTRY_MAX_BYTES}`))
    let verdict = verdicts.get(hash)
    if (verdict == null) {
      if (verdicts.size >= CACHE_LIMIT) verdicts.clear()
      verdict = new Promise((settle) => { fresh.push({ hash, bytes, settle }) })
      verdicts.set(hash, verdict)
    }
    return verdict
  })
  // checkAll settles every verdict; the catch is for our own bug, so no caller ever waits forever
  if (fresh.length > 0) await checkAll(fresh, verifier).catch((err: unknown) => { for (const f of fresh) f.settle(reject(RejectReason.Malformed, `authority entry could not be checked: ${String(err)}`)) })
  return (await Promise.all(pending)).map((result) =>
    result.ok && room != null && result.value.entry.room !== room ? reject(RejectReason.WrongRoom, `entry is for room ${result.value.entry.room}`) : result)
}

/** Entries prepared per verifier call: a worker verifies one chunk while this thread decodes the next. */
const CHUNK = 256

type Fresh = ReadonlyArray<{ hash: EntryHash, bytes: Uint8Array, settle: (v: Validated<SignedAuthorityEntry>) => void }>

/** Settles each entry's verdict, chunk by chunk: everything but the signatures here, then the chunk's signatures in one verifier call. */
async function checkAll (fresh: Fresh, verifier: SignatureVerifier): Promise<void> {
  const chunks: Array<Promise<void>> = []
  for (let i = 0; i < fresh.length; i += CHUNK) chunks.push(checkChunk(fresh.slice(i, i + CHUNK), verifier))
  await Promise.all(chunks)
}

async function checkChunk (fresh: Fresh, verifier: SignatureVerifier): Promise<void> {
  const prepared = fresh.map(({ hash, bytes }) => {
    try {
      return prepare(hash, bytes)
    } catch (err) {
      return reject(RejectReason.Malformed, `authority entry could not be checked: ${String(err)}`)
    }
  })
  const checks = prepared.flatMap((p) => (p.ok ? p.value.checks : []))
  let ok: boolean[]
  try {
    ok = await verifier(checks)
  } catch {
    // A verifier must not reject; if one does, nothing it judged passes now, and nothing is cached,
    // so the entries are judged again next time they come.
    ok = checks.map(() => false)
    for (const { hash } of fresh) verdicts.delete(hash)
  }
  let at = 0
  fresh.forEach(({ settle }, i) => {
    const p = prepared[i]!
    if (!p.ok) { settle(p); return }
    const [signature, invite] = [ok[at], p.value.checks.length > 1 ? ok[at + 1] : true]
    at += p.value.checks.length
    if (signature !== true) settle(reject(RejectReason.BadSignature, 'signature does not verify'))
    else if (invite !== true) settle(reject(RejectReason.InviteInvalid, 'invite proof does not verify'))
    else settle(accept(p.value.entry))
  })
}

/** Every check of one entry but its signatures, which it returns: the signer's, then a JOIN's invite proof. */
function prepare (hash: EntryHash, bytes: Uint8Array): Validated<{ entry: SignedAuthorityEntry, checks: SignatureCheck[] }> {
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
  const checks: SignatureCheck[] = [{ publicKey: entry.signerKey, message: signedBytesOfWire(bytes, record), signature: record.sig as Uint8Array }]
  if (entry.action === Action.JOIN && entry.invite != null && entry.inviteSig != null) {
    checks.push({ publicKey: publicKeyOf(entry.invite)!, message: inviteProofMessage(entry.room, entry.signerKey), signature: entry.inviteSig })
  }
  return accept({ entry: { hash, bytes, entry }, checks })
}
