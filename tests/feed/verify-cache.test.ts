import { describe, expect, it, vi } from 'vitest'
import * as ed25519 from '../../src/core/identity/ed25519.ts'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { type SignatureVerifier, verifyInThisThread } from '../../src/core/identity/signature-verifier.ts'
import { RejectReason } from '../../src/core/result.ts'
import { author, chain, room } from './helpers.ts'
import { createAclViewTwin, startedMemoryStorage } from './twins.ts'

vi.mock('../../src/core/identity/ed25519.ts', async (importOriginal) => {
  const real = await importOriginal<typeof ed25519>()
  return { ...real, verifySignature: vi.fn(real.verifySignature) }
})

describe('signature verdict cache', () => {
  it('verifies each entry once, whichever path or peer brings it again', async () => {
    const entries = await chain(author(3), 5)
    const verify = vi.mocked(ed25519.verifySignature)
    verify.mockClear()
    const first = createFeedIngest({ storage: await startedMemoryStorage(), acl: createAclViewTwin() }, { room })
    const second = createFeedIngest({ storage: await startedMemoryStorage(), acl: createAclViewTwin() }, { room })
    await first.ingest(entries.map((e) => e.envelope))
    expect(verify).toHaveBeenCalledTimes(5)
    await first.ingest(entries.map((e) => e.envelope))
    await second.ingest(entries.map((e) => e.envelope))
    await second.validateForGossip(entries[0]!.envelope)
    expect(verify).toHaveBeenCalledTimes(5)
  })
})

describe('signature verifier port', () => {
  it('hands the verifier only entries it has not judged, in one call, and keeps each verdict with its entry', async () => {
    const good = await chain(author(7), 4)
    const forged = await chain(author(8), 1)
    const record = forged[0]!.record
    // a copy of a valid entry with one signature bit flipped: a different hash, a bad signature
    const bad = { entry: encodeCanonical({ ...record, sig: record.sig.map((b, i) => (i === 0 ? b ^ 1 : b)) }), payload: forged[0]!.envelope.payload }
    const calls: number[] = []
    const countingTwin: SignatureVerifier = async (checks) => { calls.push(checks.length); return verifyInThisThread(checks) }
    const ingest = createFeedIngest({ storage: await startedMemoryStorage(), acl: createAclViewTwin(), verifier: countingTwin }, { room })
    const first = await ingest.ingest([...good.slice(0, 2).map((e) => e.envelope), bad])
    expect(first.accepted.map((e) => e.seq)).toEqual([1, 2])
    expect(first.rejected.map((r) => r.reason)).toEqual([RejectReason.BadSignature])
    expect(calls).toEqual([3])
    const second = await ingest.ingest([...good.map((e) => e.envelope), bad])
    expect(second.accepted.map((e) => e.seq)).toEqual([3, 4])
    expect(second.rejected.map((r) => r.reason)).toEqual([RejectReason.BadSignature])
    expect(calls).toEqual([3, 2])
  })
})
