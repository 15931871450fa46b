// canonicalRecordBytes must be byte for byte the generic canonical encoder, for every record the
// field checks let through: if it were not, the ingest would refuse honest entries or accept a second
// byte form (a second hash) of one signed entry.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { parseEnvelope } from '../../src/core/feed/entry.ts'
import { canonicalRecordBytes } from '../../src/core/feed/record-bytes.ts'
import { RejectReason } from '../../src/core/result.ts'
import { author, chain, room } from './helpers.ts'
import { records } from './record-arbitraries.ts'

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
