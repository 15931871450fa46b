import * as dagCbor from '@ipld/dag-cbor'
import { describe, expect, it } from 'vitest'
import { buildEntry } from '../../src/core/authority/build.ts'
import { validateAuthorityEntries, validateAuthorityEntry } from '../../src/core/authority/validate-entry.ts'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { type SignatureVerifier, verifyInThisThread } from '../../src/core/identity/signature-verifier.ts'
import { alice, bob, owner, resign, testRoom } from './helpers.ts'

describe('validateAuthorityEntries: a batch, its signatures in one verifier call', () => {
  it('reaches the verdict of validateAuthorityEntry for every entry, in order, with one call for all the signatures', async () => {
    const r = await testRoom()
    const grant = await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const rename = await r.act(owner, 'channelRename', { channel: r.general, name: 'lobby' })
    const forged = encodeCanonical({ ...dagCbor.decode<Record<string, unknown>>(rename.bytes), sig: new Uint8Array(64).fill(1) })
    const join = await buildEntry.join({ context: r.log.buildContext(), signer: bob }, { secret: new Uint8Array(32).fill(9) })
    const stolen = await resign(join.bytes, alice, (rec) => { rec.signer = alice.publicKey })
    const batch = [grant.bytes, forged, join.bytes, new Uint8Array([1, 2, 3]), stolen, r.genesis.bytes]

    const calls: number[] = []
    const countingTwin: SignatureVerifier = async (checks) => { calls.push(checks.length); return verifyInThisThread(checks) }
    const verdicts = await validateAuthorityEntries(batch, r.log.room, countingTwin)
    expect(verdicts.map((v) => (v.ok ? 'ok' : v.reason))).toEqual(['ok', 'bad-signature', 'ok', 'malformed', 'invite-invalid', 'ok'])
    // one call (the batch is under one chunk): a signature per decodable entry, plus the invite proof of each JOIN
    expect(calls).toEqual([7])
    const one = await Promise.all(batch.map(async (b) => validateAuthorityEntry(b, r.log.room)))
    expect(one.map((v) => (v.ok ? 'ok' : v.reason))).toEqual(verdicts.map((v) => (v.ok ? 'ok' : v.reason)))

    // judged once: a second batch with the same entries calls the verifier for nothing
    await validateAuthorityEntries(batch, r.log.room, countingTwin)
    expect(calls).toEqual([7])
  })

  it('a verifier that fails lets nothing it judged pass, and the batch still settles', async () => {
    const r = await testRoom()
    const grant = await r.act(owner, 'grant', { target: bob.id, role: 'member' })
    const failing: SignatureVerifier = () => Promise.reject(new Error('verifier down'))
    expect(await validateAuthorityEntries([grant.bytes], r.log.room, failing)).toMatchObject([{ ok: false, reason: 'bad-signature' }])
    // that verdict was not kept: a working verifier accepts the entry afterwards
    expect(await validateAuthorityEntries([grant.bytes], r.log.room)).toMatchObject([{ ok: true }])
  })
})
