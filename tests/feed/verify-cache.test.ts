import { describe, expect, it, vi } from 'vitest'
import * as ed25519 from '../../src/core/identity/ed25519.ts'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
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
