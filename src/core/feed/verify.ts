import { verifySignature } from '../identity/ed25519.ts'
import type { EntryHash } from '../types.ts'
import { type ParsedEntry, signedBytesOfParsed } from './entry.ts'

const VERDICT_CACHE_LIMIT = 50_000
const verdicts = new Map<EntryHash, boolean>()

/**
 * Verifies an entry's signature, cached by entry hash: the hash covers the signature and every
 * signed byte, so one verdict holds for every later copy (gossip echo, sync overlap, re-ingest).
 */
export async function verifyEntrySignature (parsed: ParsedEntry): Promise<boolean> {
  const known = verdicts.get(parsed.hash)
  if (known !== undefined) return known
  const verdict = await verifySignature(parsed.record.author, signedBytesOfParsed(parsed), parsed.record.sig)
  if (verdicts.size >= VERDICT_CACHE_LIMIT) verdicts.clear()
  verdicts.set(parsed.hash, verdict)
  return verdict
}
