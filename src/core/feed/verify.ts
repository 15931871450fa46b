import { type SignatureVerifier, verifyInThisThread } from '../identity/signature-verifier.ts'
import type { EntryHash } from '../types.ts'
import { type ParsedEntry, signedBytesOfParsed } from './entry.ts'

const VERDICT_CACHE_LIMIT = 50_000
const verdicts = new Map<EntryHash, boolean>()

/**
 * Verifies entries' signatures, one verdict per entry in order, cached by entry hash: the hash
 * covers the signature and every signed byte, so one verdict holds for every later copy (gossip
 * echo, sync overlap, re-ingest). Only the entries not seen before go to the verifier, in one call.
 */
export async function verifyEntrySignatures (entries: readonly ParsedEntry[], verifier: SignatureVerifier = verifyInThisThread): Promise<boolean[]> {
  const known = new Map(entries.flatMap((e) => {
    const verdict = verdicts.get(e.hash)
    return verdict === undefined ? [] : [[e.hash, verdict] as const]
  }))
  const unknown = entries.filter((e) => !known.has(e.hash))
  if (unknown.length > 0) {
    const fresh = await verifier(unknown.map((e) => ({ publicKey: e.record.author, message: signedBytesOfParsed(e), signature: e.record.sig })))
    if (verdicts.size + unknown.length > VERDICT_CACHE_LIMIT) verdicts.clear()
    unknown.forEach((e, i) => {
      known.set(e.hash, fresh[i] === true)
      verdicts.set(e.hash, fresh[i] === true)
    })
  }
  return entries.map((e) => known.get(e.hash) ?? false)
}
