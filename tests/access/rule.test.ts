import { describe, expect, it } from 'vitest'
import { accessAclOf } from '../../src/core/access/acl.ts'
import { newAccessNonce } from '../../src/core/access/challenge.ts'
import { signAccessProof } from '../../src/core/access/proof.ts'
import { topicKeyOf, topicKeyOfLog } from '../../src/core/access/topic-key.ts'
import { createKeyRate } from '../../src/core/access/key-rate.ts'
import { verifyAccess } from '../../src/core/access/verify.ts'
import { actor, alice, bob, owner, testRoom } from '../authority/helpers.ts'

const PROVER = '12D3KooWprover'
const VERIFIER = '12D3KooWverifier'

describe('access rule against a replayed authority log', () => {
  it('follows the log: an invitee is served until its invite is used up by someone else, a member until banned', async () => {
    const r = await testRoom()
    const secret = new Uint8Array(32).fill(42)
    await r.act(owner, 'inviteCreate', { secret, role: 'member', maxUses: 1, expiresAt: null })
    const context = { room: r.log.room, prover: PROVER, verifier: VERIFIER, nonce: newAccessNonce() }
    const acl = accessAclOf(r.log)
    const joiner = actor(20)
    expect(await verifyAccess(await signAccessProof(joiner, context, secret), context, acl)).toMatchObject({ ok: true, value: { admission: 'invite' } })
    await r.act(alice, 'join', { secret })
    // the one use went to alice: the invite admits nobody else now, alice is a member
    expect(await verifyAccess(await signAccessProof(joiner, context, secret), context, acl)).toMatchObject({ ok: false, reason: 'invite-exhausted' })
    expect(await verifyAccess(await signAccessProof(alice, context, secret), context, acl)).toMatchObject({ ok: true, value: { admission: 'member' } })
    await r.act(owner, 'ban', { target: alice.id, reason: 'spam', frontier: {} })
    expect(await verifyAccess(await signAccessProof(alice, context), context, acl)).toMatchObject({ ok: false, reason: 'banned' })
    expect(await verifyAccess(await signAccessProof(bob, context), context, acl)).toMatchObject({ ok: false, reason: 'unauthorized' })
    await r.act(owner, 'setPolicy', { policy: 'open' })
    expect(await verifyAccess(await signAccessProof(bob, context), context, acl)).toMatchObject({ ok: true, value: { admission: 'open' } })
  })

  it('derives the topic key from the genesis nonce, which the room id does not reveal', async () => {
    const r = await testRoom()
    const key = topicKeyOfLog(r.log)
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(key).toBe(r.genesis.entry.action === 'genesis' ? topicKeyOf(r.log.room, r.genesis.entry.nonce) : undefined)
    expect(topicKeyOf(r.log.room, new Uint8Array(16))).not.toBe(key)
  })
})

describe('per-key rate limit', () => {
  it('allows a burst, then one notice per refill interval, per key', () => {
    const rate = createKeyRate({ burst: 3, refillMs: 1_000, maxKeys: 10 })
    expect([1, 2, 3, 4].map(() => rate.take('a', 0))).toEqual([true, true, true, false])
    expect(rate.take('b', 0)).toBe(true)
    expect(rate.take('a', 999)).toBe(false)
    expect(rate.take('a', 1_000)).toBe(true)
    expect(rate.take('a', 1_001)).toBe(false)
  })

  it('keeps at most maxKeys buckets', () => {
    const rate = createKeyRate({ burst: 1, refillMs: 1_000_000, maxKeys: 2 })
    expect(rate.take('a', 0)).toBe(true)
    expect(rate.take('a', 0)).toBe(false)
    rate.take('b', 0)
    rate.take('c', 0)
    // 'a' was forgotten, so it starts afresh: memory stays bounded at the price of a fresh burst
    expect(rate.take('a', 0)).toBe(true)
  })
})
