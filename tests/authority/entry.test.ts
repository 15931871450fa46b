import * as dagCbor from '@ipld/dag-cbor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { signedBytesOf, signedBytesOfWire } from '../../src/core/authority/entry.ts'
import { hashOf, hashOfAsync } from '../../src/core/codec/hash.ts'
import { alice, owner, testRoom } from './helpers.ts'

// Node's encoder may hand back a Buffer; compare contents, not classes.
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('signedBytesOfWire', () => {
  it('cuts the same signed bytes out of the wire form as re-encoding gives, for any ts and action', async () => {
    const r = await testRoom()
    const samples = [r.genesis, await r.act(owner, 'grant', { target: alice.id, role: 'member' }), await r.act(owner, 'roomUpdate', { name: 'n', tags: ['a'] })]
    fc.assert(fc.property(fc.constantFrom(...samples), fc.oneof(fc.nat({ max: 30 }), fc.nat(), fc.maxSafeNat()), (sample, ts) => {
      const record = dagCbor.decode<Record<string, unknown>>(sample.bytes)
      record.ts = ts
      const bytes = dagCbor.encode(record)
      expect(hex(signedBytesOfWire(bytes, record))).toBe(hex(signedBytesOf(record)))
    }))
  })

  it('falls back to re-encoding when the layout is not the expected one', () => {
    const record = { v: 1, t: 'other', ts: 5, sig: new Uint8Array(64) }
    expect(hex(signedBytesOfWire(dagCbor.encode(record), record))).toBe(hex(signedBytesOf(record)))
  })
})

describe('hashOfAsync', () => {
  it('equals hashOf for any bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), async (bytes) => {
      expect(await hashOfAsync(bytes)).toBe(hashOf(bytes))
    }))
  })
})
