// readCanonicalRecord must be sound: whatever it reads, the generic path (strict decode, encode
// again, compare) reads the same from the same bytes. If it were not, one signed entry could have a
// second byte form, so a second hash, or a record could differ from what its signature covers.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { decodeCanonical, encodeCanonical } from '../../src/core/codec/canonical.ts'
import { type FeedEntryRecord, parseEnvelope } from '../../src/core/feed/entry.ts'
import { readCanonicalRecord } from '../../src/core/feed/record-reader.ts'
import { RejectReason } from '../../src/core/result.ts'
import { author, chain, room } from './helpers.ts'

// Records of the shape entry.ts's field checks let through, with integers at every width boundary
// of CBOR's heads and texts from ASCII to lone surrogates.
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

/** What the generic path makes of bytes: the decoded value if they are canonical DAG-CBOR, else undefined. */
const generic = (bytes: Uint8Array): unknown => {
  const decoded = decodeCanonical(bytes, Infinity)
  return decoded.ok ? decoded.value : undefined
}

type Mutation = { kind: 'set' | 'insert', at: number, byte: number } | { kind: 'delete' | 'truncate', at: number }
const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('set' as const, 'insert' as const), at: fc.nat(), byte: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constantFrom('delete' as const, 'truncate' as const), at: fc.nat() })
)
function mutate (bytes: Uint8Array, m: Mutation): Uint8Array {
  // Most of an entry is digest and signature bytes; aim half the mutations at the heads and keys before them.
  if (bytes.length === 0) return m.kind === 'insert' ? new Uint8Array([m.byte]) : bytes
  const at = m.at % (m.at % 2 === 0 ? Math.min(bytes.length, 40) : bytes.length)
  const b = [...bytes]
  if (m.kind === 'set') b[at] = m.byte
  else if (m.kind === 'insert') b.splice(at, 0, m.byte)
  else if (m.kind === 'delete') b.splice(at, 1)
  else b.length = at
  return new Uint8Array(b)
}

// Records the field checks refuse but laid out like a record: the reader takes them and the checks decide.
const offShape = fc.tuple(records, fc.constantFrom(
  { sig: new Uint8Array(63) }, { author: new Uint8Array(33) }, { t: 'fee' }, { v: 2 }, { type: '' }, { room: 'ä'.repeat(30) }
)).map(([r, change]) => ({ ...r, ...change }))

/** Where each value of a canonically encoded record starts: a walk over its heads, enough for this one shape. */
function valueStarts (bytes: Uint8Array): Map<string, number> {
  const out = new Map<string, number>()
  let at = 1
  const head = (): { major: number, n: number } => {
    const info = bytes[at]! & 0x1f
    const size = info < 24 ? 0 : 2 ** (info - 24)
    let n = info < 24 ? info : 0
    for (let i = 1; i <= size; i++) n = n * 256 + bytes[at + i]!
    const major = bytes[at]! >> 5
    at += 1 + size
    return { major, n }
  }
  for (let i = 0; i < 13; i++) {
    const key = head()
    const name = new TextDecoder().decode(bytes.subarray(at, at + key.n))
    at += key.n
    out.set(name, at)
    if (bytes[at] === 0xf6) { at += 1; continue }
    if (bytes[at] === 0xd8) at += 2 // tag 42, then the CID's bytes
    const value = head()
    if (value.major === 2 || value.major === 3) at += value.n
  }
  return out
}

/** The same bytes with the head at `at` written one size longer than it needs: same value, not canonical. */
function widenHead (bytes: Uint8Array, at: number): Uint8Array {
  const first = bytes[at]!
  const major = first & 0xe0
  const info = first & 0x1f
  const size = info < 24 ? 0 : 2 ** (info - 24)
  if (size === 8) return bytes
  const longer = size === 0 ? 1 : size * 2
  const n = info < 24 ? [info] : [...bytes.subarray(at + 1, at + 1 + size)]
  const head = [major | (24 + Math.log2(longer)), ...new Array<number>(longer - n.length).fill(0), ...n]
  return new Uint8Array([...bytes.subarray(0, at), ...head, ...bytes.subarray(at + 1 + size)])
}

describe('readCanonicalRecord', () => {
  it('reads every record of the checked shape, as the generic decoder does', () => {
    fc.assert(fc.property(fc.oneof(records, offShape), (r) => {
      const bytes = encodeCanonical(r)
      const read = readCanonicalRecord(bytes)
      expect(read).toBeDefined()
      expect(read).toEqual(generic(bytes))
    }), { numRuns: 2_000 })
  })

  it('reads nothing the generic decoder would not read the same, under random damage', () => {
    fc.assert(fc.property(records, fc.array(mutations, { minLength: 1, maxLength: 3 }), (r, ms) => {
      const bytes = ms.reduce(mutate, encodeCanonical(r))
      const read = readCanonicalRecord(bytes)
      if (read !== undefined) expect(read).toEqual(generic(bytes))
    }), { numRuns: 20_000 })
  })

  it('reads no record with any head longer than it needs to be', () => {
    const fields = ['v', 'ts', 'seq', 'sig', 'room', 'type', 'author', 'channel', 'lamport', 'payloadSize']
    fc.assert(fc.property(records, fc.constantFrom(...fields), (r, field) => {
      const bytes = encodeCanonical(r)
      const widened = widenHead(bytes, valueStarts(bytes).get(field)!)
      if (widened === bytes) return // already at the longest head
      expect(decodeCanonical(widened, Infinity).ok).toBe(false)
      expect(readCanonicalRecord(widened)).toBeUndefined()
    }), { numRuns: 2_000 })
  })

  it('leaves non-shortest heads, invalid UTF-8 and trailing bytes to the generic path, which refuses them', async () => {
    const [e] = await chain(author(1), 1)
    const bytes = e!.envelope.entry
    const seqAt = Buffer.from(bytes).indexOf(Buffer.from('seq')) - 1 // the 'seq' key (63 73 65 71), then its value
    expect([...bytes.subarray(seqAt, seqAt + 4)]).toEqual([0x63, 0x73, 0x65, 0x71])
    const longSeq = new Uint8Array([...bytes.subarray(0, seqAt + 4), 0x18, bytes[seqAt + 4]!, ...bytes.subarray(seqAt + 5)])
    const trailing = new Uint8Array([...bytes, 0x00])
    for (const damaged of [longSeq, trailing]) {
      expect(readCanonicalRecord(damaged)).toBeUndefined()
      expect(parseEnvelope({ entry: damaged, payload: e!.envelope.payload }, room).ok).toBe(false)
    }
    const badUtf8 = encodeCanonical({ ...(generic(bytes) as FeedEntryRecord), type: 'éé' })
    badUtf8[Buffer.from(badUtf8).indexOf(Buffer.from('éé'))] = 0xff
    expect(readCanonicalRecord(badUtf8)).toBeUndefined()
    expect(parseEnvelope({ entry: badUtf8, payload: e!.envelope.payload }, room)).toMatchObject({ ok: false, reason: RejectReason.NonCanonical })
  })

  it('leaves an entry whose keys are out of canonical order to the generic path, which refuses it', async () => {
    const [e] = await chain(author(1), 1)
    const bytes = e!.envelope.entry
    // Swap the first two fields, t: "feed" (61 74 64 66 65 65 64) and v: 1 (61 76 01): same value, other bytes.
    const tPair = bytes.subarray(1, 8)
    const vPair = bytes.subarray(8, 11)
    expect([...tPair.subarray(0, 2), ...vPair]).toEqual([0x61, 0x74, 0x61, 0x76, 0x01])
    const swapped = new Uint8Array([bytes[0]!, ...vPair, ...tPair, ...bytes.subarray(11)])
    expect(readCanonicalRecord(swapped)).toBeUndefined()
    expect(parseEnvelope({ entry: swapped, payload: e!.envelope.payload }, room)).toMatchObject({ ok: false, reason: RejectReason.NonCanonical })
    expect(parseEnvelope(e!.envelope, room).ok).toBe(true)
  })

  it('leaves a text that starts with a byte order mark to the generic path, which drops the mark and so refuses it', () => {
    fc.assert(fc.property(records, (r) => {
      const bytes = encodeCanonical({ ...r, type: '\uFEFFchat' })
      expect(readCanonicalRecord(bytes)).toBeUndefined()
      expect(generic(bytes)).toBeUndefined()
    }), { numRuns: 50 })
  })
})
