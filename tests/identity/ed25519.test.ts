import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { concatBytes, hexToBytes } from '@noble/hashes/utils.js'
import { authorIdOf, isStrongPublicKey, publicKeyOf, signerFromSeed, verifySignature, verifySignatureNoble } from '../../src/core/identity/ed25519.ts'
import { verifyInThisThread } from '../../src/core/identity/signature-verifier.ts'
import { ed25519BatchFailures, ed25519VectorFailures, ed25519Vectors } from './ed25519-vectors.ts'

// @noble/ed25519 is here only as an independent, lenient (ZIP-215) reference to compare against.
ed.hashes.sha512 = sha512

describe('Ed25519: one verdict on every backend', () => {
  it('runs on WebCrypto Ed25519 in Node, so verifySignature exercises the WebCrypto path', async () => {
    const key = await crypto.subtle.importKey('raw', hexToBytes(ed25519Vectors[0]!.publicKey), { name: 'Ed25519' }, false, ['verify'])
    expect(key.algorithm.name).toBe('Ed25519')
  })

  it('gives every fixture vector its expected verdict through WebCrypto and through noble', async () => {
    expect(await ed25519VectorFailures()).toEqual([])
  })

  it('gives the same verdicts when the vectors arrive as one batch (the port worker pools implement)', async () => {
    expect(await ed25519BatchFailures(verifyInThisThread)).toEqual([])
  })

  it('holds real edge cases: a lenient ZIP-215 verifier accepts vectors we must refuse', () => {
    for (const v of ed25519Vectors) {
      let lenient: boolean
      try { lenient = ed.verify(hexToBytes(v.signature), hexToBytes(v.message), hexToBytes(v.publicKey)) } catch { lenient = false }
      expect(lenient, v.name).toBe(v.zip215)
    }
    expect(ed25519Vectors.filter((v) => v.zip215 && !v.valid).length).toBeGreaterThanOrEqual(15)
  })

  it('agrees across backends on signatures whose R carries any torsion component (only a clean R is valid)', async () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n
    const le = (b: Uint8Array): bigint => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n)
    const toLe = (n: bigint): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn))
    const T8 = ed.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')
    const scalar = fc.bigInt({ min: 1n, max: L - 1n })
    await fc.assert(fc.asyncProperty(scalar, scalar, fc.integer({ min: 0, max: 7 }), fc.uint8Array({ maxLength: 64 }), async (a, r, t, message) => {
      const A = ed.Point.BASE.multiply(a).toBytes()
      const rPoint = ed.Point.BASE.multiply(r)
      const R = (t === 0 ? rPoint : rPoint.add(T8.multiply(BigInt(t), false))).toBytes()
      const k = le(sha512(concatBytes(R, A, message))) % L
      const signature = concatBytes(R, toLe((r + k * a) % L))
      expect(await verifySignature(A, message, signature)).toBe(t === 0)
      expect(verifySignatureNoble(A, message, signature)).toBe(t === 0)
    }), { numRuns: 60 })
  })

  it('refuses weak keys and accepts keys of signers', () => {
    expect(isStrongPublicKey(new Uint8Array(32))).toBe(false)
    expect(isStrongPublicKey(signerFromSeed(new Uint8Array(32).fill(7)).publicKey)).toBe(true)
  })

  it('signs with a seed so that both verifiers accept, and rejects another message', async () => {
    const signer = signerFromSeed(new Uint8Array(32).fill(9))
    const message = new TextEncoder().encode('hello')
    const sig = await signer.sign(message)
    expect(await verifySignature(signer.publicKey, message, sig)).toBe(true)
    expect(await verifySignature(signer.publicKey, new TextEncoder().encode('hellO'), sig)).toBe(false)
  })

  it('round-trips author ids and refuses malformed ones', () => {
    const { publicKey, id } = signerFromSeed(new Uint8Array(32).fill(1))
    expect(id).toBe(authorIdOf(publicKey))
    expect(publicKeyOf(id)).toEqual(publicKey)
    expect(publicKeyOf(id.toUpperCase())).toBeUndefined()
    expect(publicKeyOf(id.slice(2))).toBeUndefined()
  })

  it('never throws on garbage input', async () => {
    const junk = [undefined, null, 'x', new Uint8Array(0), new Uint8Array(64), {}] as unknown as Uint8Array[]
    for (const a of junk) for (const b of junk) expect(await verifySignature(a, new Uint8Array(1), b)).toBe(false)
  })
})
