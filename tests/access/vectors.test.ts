import { describe, expect, it } from 'vitest'
import vectors from '../fixtures/access.vectors.json' with { type: 'json' }
import { accessMessage, type AccessContext } from '../../src/core/access/challenge.ts'
import { signAccessProof } from '../../src/core/access/proof.ts'
import { verifyAccess } from '../../src/core/access/verify.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { asRoomId } from '../../src/core/types.ts'
import { aclOf } from './acl-fixture.ts'

const bytesOf = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'))
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const contextOf = (c: { room: string, prover: string, verifier: string, nonce: string }): AccessContext =>
  ({ room: asRoomId(c.room), prover: c.prover, verifier: c.verifier, nonce: bytesOf(c.nonce) })

describe('access protocol vectors (tests/fixtures/access.vectors.json)', () => {
  it('pins the signed message', () => {
    expect(hex(accessMessage(contextOf(vectors.message.context), bytesOf(vectors.message.key)))).toBe(vectors.message.bytes)
  })

  it('pins the proof encoding: signing the vector context reproduces the member and joiner proofs', async () => {
    const context = contextOf(vectors.message.context)
    const member = signerFromSeed(bytesOf(vectors.seeds.member))
    const outsider = signerFromSeed(bytesOf(vectors.seeds.outsider))
    const proofOf = (name: string): string => vectors.cases.find((c) => c.name === name)!.proof
    expect(hex(await signAccessProof(member, context))).toBe(proofOf('member'))
    expect(hex(await signAccessProof(outsider, context, bytesOf(vectors.seeds.invite)))).toBe(proofOf('joiner-with-invite'))
  })

  it.each(vectors.cases.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const verdict = await verifyAccess(bytesOf(v.proof), contextOf(v.context), aclOf(v.acl), vectors.now)
    if (v.expected.ok) expect(verdict).toEqual({ ok: true, value: { author: v.expected.author, admission: v.expected.admission } })
    else expect(verdict).toMatchObject({ ok: false, reason: v.expected.reason })
  })
})
