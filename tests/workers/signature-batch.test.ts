import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { packChecks, unpackChecks } from '../../src/workers/signature-batch.ts'
import { createWorkerVerifier } from '../../src/workers/worker-verifier.ts'
import { ed25519BatchFailures } from '../identity/ed25519-vectors.ts'

const check = fc.record({
  publicKey: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  signature: fc.uint8Array({ minLength: 64, maxLength: 64 }),
  message: fc.uint8Array({ maxLength: 600 })
})

describe('signature batches for workers', () => {
  it('unpack gives back every check of a packed batch, in order, byte for byte', () => {
    fc.assert(fc.property(fc.array(check, { maxLength: 40 }), (checks) => {
      const back = unpackChecks(packChecks(checks)).map((c) => ({ publicKey: [...c.publicKey], signature: [...c.signature], message: [...c.message] }))
      expect(back).toEqual(checks.map((c) => ({ publicKey: [...c.publicKey], signature: [...c.signature], message: [...c.message] })))
    }))
  })

  it('refuses a truncated batch instead of reading past its end', () => {
    const packed = new Uint8Array(packChecks([{ publicKey: new Uint8Array(32), signature: new Uint8Array(64), message: new Uint8Array(10) }]))
    expect(() => unpackChecks(packed.slice(0, packed.length - 1).buffer)).toThrow(RangeError)
  })

  it('without Web Workers (Node) the pool checks on this thread, with the same verdicts', async () => {
    expect(typeof Worker).toBe('undefined')
    const verifier = createWorkerVerifier()
    expect(await ed25519BatchFailures(verifier.verify)).toEqual([])
    // wrong sizes are refused before any backend sees them
    expect(await verifier.verify([{ publicKey: new Uint8Array(31), signature: new Uint8Array(64), message: new Uint8Array(1) }])).toEqual([false])
    verifier.stop()
    verifier.stop()
  })
})
