// Regenerates tests/fixtures/feed.vectors.json: `npx tsx tests/feed/make-vectors.ts`.
// Keys, clocks and payloads are fixed and Ed25519 signing is deterministic, so the output only
// changes when the protocol does.
import * as dagCbor from '@ipld/dag-cbor'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { type AppendedEntry, appendEntry } from '../../src/core/feed/append.ts'
import { type FeedEnvelope, payloadHashOf, signedBytesOf } from '../../src/core/feed/entry.ts'
import type { Signer } from '../../src/core/identity/ed25519.ts'
import { author, channel, otherRoom, room } from './helpers.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const alice = author(0)
const mallory = author(1)

async function entry (signer: Signer, head: AppendedEntry | undefined, payload: string, roomLamport = 0): Promise<AppendedEntry> {
  return appendEntry(signer, { room, channel, head: head?.stored, roomLamport, type: 'chat/text', payload: text(payload), ts: 1_700_000_000_000 })
}

/** Re-encodes a signed entry after `change`, re-signing with `signer` (or keeping the old sig when null). */
async function tamper (made: AppendedEntry, signer: Signer | null, change: (r: Record<string, unknown>) => void): Promise<Uint8Array> {
  const record = dagCbor.decode<Record<string, unknown>>(made.envelope.entry)
  change(record)
  if (signer != null) record.sig = await signer.sign(signedBytesOf(record as never))
  return encodeCanonical(record)
}

const wire = (e: FeedEnvelope) => ({ entry: hex(e.entry), payload: e.payload == null ? null : hex(e.payload) })

const a1 = await entry(alice, undefined, 'hello')
const a2 = await entry(alice, a1, 'second')
const a3 = await entry(alice, a2, 'third')
const a1Fork = await entry(alice, undefined, 'hello, differently', 7)
const big = new Uint8Array(16 * 1024 + 1)
const identityKey = new Uint8Array(32)
identityKey[0] = 1
const flippedSig = new Uint8Array(a1.envelope.entry)
flippedSig[Buffer.from(flippedSig).indexOf(Buffer.from(a1.record.sig)) + 10]! ^= 0x10

type Expect = { outcome: 'accepted' | 'pending' | 'duplicate' | 'fork' } | { outcome: 'rejected', reason: string }
const cases: Array<{ name: string, before?: FeedEnvelope[], bans?: Record<string, Record<string, number>>, envelope: FeedEnvelope, expect: Expect, hash?: string }> = [
  { name: 'first entry with its payload', envelope: a1.envelope, expect: { outcome: 'accepted' }, hash: a1.stored.hash },
  { name: 'first entry without payload (deleted or not fetched)', envelope: { entry: a1.envelope.entry, payload: null }, expect: { outcome: 'accepted' }, hash: a1.stored.hash },
  { name: 'second entry linking to the stored first', before: [a1.envelope], envelope: a2.envelope, expect: { outcome: 'accepted' }, hash: a2.stored.hash },
  { name: 'entry whose predecessor is missing waits', envelope: a3.envelope, expect: { outcome: 'pending' } },
  { name: 'same entry again', before: [a1.envelope], envelope: a1.envelope, expect: { outcome: 'duplicate' } },
  { name: 'second signed entry at the same seq is a fork', before: [a1.envelope], envelope: a1Fork.envelope, expect: { outcome: 'fork' } },
  { name: 'signed by another key', envelope: { entry: await tamper(a1, mallory, () => {}), payload: a1.envelope.payload }, expect: { outcome: 'rejected', reason: 'bad-signature' } },
  { name: 'one bit flipped in the signature', envelope: { entry: flippedSig, payload: a1.envelope.payload }, expect: { outcome: 'rejected', reason: 'bad-signature' } },
  { name: 'field changed after signing', envelope: { entry: await tamper(a1, null, (r) => { r.ts = 1 }), payload: a1.envelope.payload }, expect: { outcome: 'rejected', reason: 'bad-signature' } },
  { name: 'payload other than the signed one', envelope: { entry: a1.envelope.entry, payload: text('hellO') }, expect: { outcome: 'rejected', reason: 'malformed' } },
  { name: 'payload over 16 KiB', envelope: { entry: await tamper(a1, alice, (r) => { r.payloadHash = payloadHashOf(big); r.payloadSize = big.length }), payload: big }, expect: { outcome: 'rejected', reason: 'too-large' } },
  { name: 'entry over 1 KiB', envelope: { entry: await tamper(a1, alice, (r) => { r.type = 'x'.repeat(1100) }), payload: a1.envelope.payload }, expect: { outcome: 'rejected', reason: 'too-large' } },
  { name: 'type longer than 64 characters', envelope: { entry: await tamper(a1, alice, (r) => { r.type = 'x'.repeat(65) }), payload: a1.envelope.payload }, expect: { outcome: 'rejected', reason: 'malformed' } },
  { name: 'unknown extra field', envelope: { entry: await tamper(a1, alice, (r) => { r.extra = 1 }), payload: a1.envelope.payload }, expect: { outcome: 'rejected', reason: 'malformed' } },
  { name: 'map keys out of canonical order', envelope: { entry: nonCanonical(a1.envelope.entry), payload: a1.envelope.payload }, expect: { outcome: 'rejected', reason: 'non-canonical' } },
  { name: 'entry of another room', envelope: { entry: await tamper(a1, alice, (r) => { r.room = otherRoom }), payload: a1.envelope.payload }, expect: { outcome: 'rejected', reason: 'wrong-room' } },
  { name: 'small-order (identity point) author key', envelope: { entry: await tamper(a1, null, (r) => { r.author = identityKey; r.sig = new Uint8Array(64) }), payload: a1.envelope.payload }, expect: { outcome: 'rejected', reason: 'weak-key' } },
  { name: 'seq 1 with a prev link', envelope: { entry: await tamper(a1, alice, (r) => { r.prev = CID.parse(a2.stored.hash) }), payload: a1.envelope.payload }, expect: { outcome: 'rejected', reason: 'malformed' } },
  { name: 'seq 2 linking to a different entry', before: [a1.envelope], envelope: { entry: await tamper(a2, alice, (r) => { r.prev = CID.parse(a1Fork.stored.hash) }), payload: a2.envelope.payload }, expect: { outcome: 'rejected', reason: 'broken-chain' } },
  { name: 'seq 2 with a lamport not above seq 1', before: [a1.envelope], envelope: { entry: await tamper(a2, alice, (r) => { r.lamport = 1 }), payload: a2.envelope.payload }, expect: { outcome: 'rejected', reason: 'broken-chain' } },
  { name: 'banned author beyond the ban frontier', before: [a1.envelope], bans: { [alice.id]: { [channel]: 1 } }, envelope: a2.envelope, expect: { outcome: 'rejected', reason: 'banned' } },
  { name: 'banned author at the ban frontier', bans: { [alice.id]: { [channel]: 1 } }, envelope: a1.envelope, expect: { outcome: 'accepted' }, hash: a1.stored.hash }
]

/** The same map with its first two keys swapped: valid CBOR, not the canonical form. */
function nonCanonical (bytes: Uint8Array): Uint8Array {
  const record = dagCbor.decode<Record<string, unknown>>(bytes)
  const [k0, k1] = Object.keys(record)
  const parts = [encodeCanonical({ [k1!]: record[k1!] }).subarray(1), encodeCanonical({ [k0!]: record[k0!] }).subarray(1)]
  const rest = Object.keys(record).slice(2).map((k) => encodeCanonical({ [k]: record[k] }).subarray(1))
  const out = [new Uint8Array([bytes[0]!]), ...parts, ...rest]
  return Uint8Array.from(out.flatMap((p) => [...p]))
}

const vectors = {
  description: 'Feed-entry vectors. Each case: ingest `before` (all accepted) into an empty store of `room`, then `envelope`; `expect` is the outcome (accepted, pending, duplicate, fork, or rejected with a reason). `bans`: author -> channel -> frontier seq. Byte strings are hex.',
  room,
  channel,
  cases: cases.map((c) => ({ name: c.name, ...(c.bans != null ? { bans: c.bans } : {}), before: (c.before ?? []).map(wire), envelope: wire(c.envelope), expect: c.expect, ...(c.hash != null ? { hash: c.hash } : {}) }))
}
writeFileSync(join(import.meta.dirname, '..', 'fixtures', 'feed.vectors.json'), JSON.stringify(vectors, null, 2) + '\n')
