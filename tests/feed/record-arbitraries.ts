// Random feed records of the shape entry.ts's field checks let through, with integers at every
// width boundary of CBOR's heads and texts from ASCII to lone surrogates: shared by the property
// tests of the hand-written record writer and reader.
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import type { FeedEntryRecord } from '../../src/core/feed/entry.ts'

const cidOf = (code: number) => fc.uint8Array({ minLength: 32, maxLength: 32 }).map((digest) => CID.createV1(code, sha256.digest(digest) as never))
// Integers at every width boundary of CBOR's heads, and anywhere in the safe range.
const edges = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]
const count = (min: number) => fc.oneof(fc.constantFrom(...edges.filter((n) => n >= min)), fc.integer({ min, max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: 70_000 }).map((n) => n + min))
const text = (min: number, max: number) => fc.oneof(fc.string({ minLength: min, maxLength: max }), fc.string({ unit: 'grapheme', minLength: min, maxLength: max }), fc.string({ unit: 'binary', minLength: min, maxLength: max }))

export const records: fc.Arbitrary<FeedEntryRecord> = fc.record({
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
