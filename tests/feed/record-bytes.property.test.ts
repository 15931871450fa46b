// canonicalRecordBytes must be byte for byte the generic canonical encoder, for every record the
// field checks let through: if it were not, the ingest would refuse honest entries or accept a second
// byte form (a second hash) of one signed entry.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { type FeedEntryRecord, parseEnvelope } from '../../src/core/feed/entry.ts'
import { canonicalRecordBytes } from '../../src/core/feed/record-bytes.ts'
import { RejectReason } from '../../src/core/result.ts'
import { author, chain, room } from './helpers.ts'

const cidOf = (code: number) => fc.uint8Array({ minLength: 32, maxLength: 32 }).map((digest) => CID.createV1(code, sha256.digest(digest) as never))
// Integers at every width boundary of CBOR's heads, and anywhere in the safe range.
const edges = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]
const count = (min: number) => fc.oneof(fc.constantFrom(...edges.filter((n) => n >= min)), fc.integer({ min, max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: 70_000 }).map((n) => n + min))
const text = (min: number, max: number) => fc.oneof(fc.string({ minLength: min, maxLength: max }), fc.string({ unit: 'grapheme', minLength: min, maxLength: max }), fc.string({ unit: 'binary', minLength: min, maxLength: max }))

const records: fc.Arbitrary<FeedEntryRecord> = fc.record({
  room: text(0, 80),
  channel: text(0, 70),
  author: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  seq: count(1),
  prevCid: cidOf(0x71),
  lamport: count(1),
  ts: count(0),
  type: text(1, 64),
  payloadHash: cidOf(0x55),
  payloadSize: count(0),
  sig: fc.uint8Array({ minLength: 64, maxLength: 64 })
}).map(({ prevCid, ...r }) => ({ v: 1 as const, t: 'feed' as const, ...r, prev: r.seq === 1 ? null : prevCid }))

describe('canonicalRecordBytes', () => {
  it('writes exactly what encodeCanonical writes, for any record of the checked shape', () => {
    fc.assert(fc.property(records, (r) => {
      expect(Buffer.from(canonicalRecordBytes(r)).toString('hex')).toBe(Buffer.from(encodeCanonical(r)).toString('hex'))
    }), { numRuns: 2_000 })
  })

  it('still lets parseEnvelope refuse an entry whose keys are out of canonical order', async () => {
    const [e] = await chain(author(1), 1)
    const bytes = e!.envelope.entry
    // Swap the first two fields, t: "feed" (61 74 64 66 65 65 64) and v: 1 (61 76 01): same value, other bytes.
    const tPair = bytes.subarray(1, 8)
    const vPair = bytes.subarray(8, 11)
    expect([...tPair.subarray(0, 2), ...vPair]).toEqual([0x61, 0x74, 0x61, 0x76, 0x01])
    const swapped = new Uint8Array([bytes[0]!, ...vPair, ...tPair, ...bytes.subarray(11)])
    expect(parseEnvelope({ entry: swapped, payload: e!.envelope.payload }, room)).toMatchObject({ ok: false, reason: RejectReason.NonCanonical })
    expect(parseEnvelope(e!.envelope, room).ok).toBe(true)
  })
})
