import * as dagCbor from '@ipld/dag-cbor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildEntry, signAuthorityEntry } from '../../src/core/authority/build.ts'
import { authorityLog, loadAuthorityLog } from '../../src/core/authority/log.ts'
import { validateAuthorityEntry } from '../../src/core/authority/validate-entry.ts'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { RecordTooLargeError } from '../../src/core/errors.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import { type AuthorId, asRoomId } from '../../src/core/types.ts'
import { T0, alice, bob, modA, modB, owner, resign, testRoom } from './helpers.ts'

/** Decodes an entry, lets `change` edit the record, re-encodes it canonically (signature untouched unless re-signed). */
function tamper (bytes: Uint8Array, change: (r: Record<string, unknown>) => void): Uint8Array {
  const record = dagCbor.decode<Record<string, unknown>>(bytes)
  change(record)
  return encodeCanonical(record)
}

describe('validateAuthorityEntry: peers cannot make us accept bad bytes', () => {
  it('rejects a forged signature and a field changed after signing', async () => {
    const r = await testRoom()
    const grant = await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const forged = tamper(grant.bytes, (rec) => { (rec.sig as Uint8Array)[0]! ^= 1 })
    const edited = tamper(grant.bytes, (rec) => { rec.role = 'mod' })
    const otherSigner = await resign(grant.bytes, alice, (rec) => { rec.signer = owner.publicKey })
    expect(await validateAuthorityEntry(forged)).toMatchObject({ ok: false, reason: 'bad-signature' })
    expect(await validateAuthorityEntry(edited)).toMatchObject({ ok: false, reason: 'bad-signature' })
    expect(await validateAuthorityEntry(otherSigner)).toMatchObject({ ok: false, reason: 'bad-signature' })
    expect(await validateAuthorityEntry(grant.bytes, r.log.room)).toMatchObject({ ok: true })
  })

  it('rejects a JOIN whose invite proof was made for another joiner', async () => {
    const r = await testRoom()
    const secret = new Uint8Array(32).fill(9)
    const join = await buildEntry.join({ context: r.log.buildContext(), signer: alice }, { secret })
    const stolen = await resign(join.bytes, bob, (rec) => { rec.signer = bob.publicKey })
    expect(await validateAuthorityEntry(join.bytes)).toMatchObject({ ok: true })
    expect(await validateAuthorityEntry(stolen)).toMatchObject({ ok: false, reason: 'invite-invalid' })
  })

  it('rejects oversized entries before decoding, and refuses to build one', async () => {
    const r = await testRoom()
    const grant = await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const padded = await resign(grant.bytes, owner, (rec) => { rec.role = 'x'.repeat(5000) })
    expect(padded.byteLength).toBeGreaterThan(4096)
    expect(await validateAuthorityEntry(padded)).toMatchObject({ ok: false, reason: 'too-large' })
    const channels = Array.from({ length: 32 }, (_, i) => ({ name: `channel ${i}`, topic: 't'.repeat(200) }))
    await expect(createRoom({ signer: owner, name: 'big', policy: 'open', channels })).rejects.toBeInstanceOf(RecordTooLargeError)
  })

  it('rejects entries for another room, and a genesis whose room id does not derive from it', async () => {
    const r = await testRoom()
    const grant = await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const other = await createRoom({ signer: owner, name: 'other', policy: 'open', channels: [], ts: T0 })
    expect(await validateAuthorityEntry(grant.bytes, other.roomId)).toMatchObject({ ok: false, reason: 'wrong-room' })
    const renamed = await resign(r.genesis.bytes, owner, (rec) => { rec.name = 'not the name in the id' })
    expect(await validateAuthorityEntry(renamed)).toMatchObject({ ok: false, reason: 'wrong-room' })
    const log = authorityLog({ room: other.roomId })
    expect(log.add([grant])).toBe('unchanged')
  })

  it('rejects malformed and non-canonical bytes without throwing', async () => {
    const r = await testRoom()
    const grant = await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const extraField = await resign(grant.bytes, owner, (rec) => { rec.extra = 1 })
    const noParents = await resign(grant.bytes, owner, (rec) => { rec.prev = [] })
    const badBits = await resign(grant.bytes, owner, (rec) => { rec.action = 'define-role'; delete rec.target; delete rec.role; delete rec.frontier; rec.name = 'r'; rec.rank = 1; rec.capabilities = 1 << 20 })
    const inputs: unknown[] = [extraField, noParents, badBits, new Uint8Array([0xff, 0x00]), 'not bytes', null]
    const verdicts = await Promise.all(inputs.map(async (b) => await validateAuthorityEntry(b as Uint8Array)))
    for (const v of verdicts) expect(v).toMatchObject({ ok: false, reason: 'malformed' })
    // the same map with its length in a 2-byte header instead of inline: the strict decoder refuses it
    const longHeader = new Uint8Array([0xb9, 0x00, grant.bytes[0]! & 0x1f, ...grant.bytes.slice(1)])
    expect(await validateAuthorityEntry(longHeader)).toMatchObject({ ok: false, reason: 'malformed' })
  })
})

describe('validateAuthorityEntry: fuzzed input', () => {
  it('never throws and never accepts a mutated entry', async () => {
    const r = await testRoom()
    const grant = await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (junk) => {
      expect((await validateAuthorityEntry(junk)).ok).toBe(false)
    }), { numRuns: 300 })
    await fc.assert(fc.asyncProperty(fc.nat({ max: grant.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, flip) => {
      const mutated = grant.bytes.slice()
      mutated[at]! ^= flip
      expect((await validateAuthorityEntry(mutated)).ok).toBe(false)
    }), { numRuns: 300 })
  })
})

describe('replay: adversarial histories', () => {
  it('holds back an entry whose parent is missing and applies it once the parent arrives', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    const parent = await r.act(modA, 'grant', { target: bob.id, role: 'member' })
    const child = await r.act(modA, 'grant', { target: alice.id, role: 'member' })
    const log = authorityLog({ room: r.log.room })
    log.add([r.made[0]!, r.made[1]!, child])
    expect(log.complete).toBe(false)
    expect(log.isHeld(child.hash)).toBe(true)
    expect(log.missing()).toEqual([parent.hash])
    expect(log.roleOf(alice.id)).toBeNull()
    log.add([parent])
    expect(log.complete).toBe(true)
    expect(log.isHeld(child.hash)).toBe(false)
    expect(log.roleOf(alice.id)).toBe('member')
  })

  it('voids a back-dated action by a revoked mod, whatever the arrival order', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const beforeRevoke = r.log.buildContext()
    const revoke = await r.act(owner, 'revoke', { target: modA.id })
    // modA, already revoked, signs a ban on top of old heads with the lowest lamport it can.
    const backdated = await r.act(modA, 'ban', { target: alice.id, reason: 'revenge', frontier: {} }, beforeRevoke)
    expect(backdated.entry.lamport).toBeLessThanOrEqual(revoke.entry.lamport)
    for (const order of [r.made, [...r.made].reverse(), [r.genesis, backdated, ...r.made.slice(1)]]) {
      const log = authorityLog({ room: r.log.room })
      for (const e of order) log.add([e])
      expect(log.roleOf(alice.id)).toBe('member')
      expect(log.bans()).toEqual([])
      expect(log.rejected().find((x) => x.hash === backdated.hash)?.reason).toBe('unauthorized')
      expect(log.encodeState()).toEqual(r.log.encodeState())
    }
  })

  it('voids a back-dated action by a demoted mod, as for a revoked one', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const before = r.log.buildContext()
    await r.act(owner, 'grant', { target: modA.id, role: 'member' })
    const backdated = await r.act(modA, 'ban', { target: alice.id, frontier: {} }, before)
    expect(r.log.roleOf(modA.id)).toBe('member')
    expect(r.log.roleOf(alice.id)).toBe('member')
    expect(r.log.rejected().find((x) => x.hash === backdated.hash)?.reason).toBe('unauthorized')
  })

  it('voids a JOIN back-dated before its invite was revoked', async () => {
    const r = await testRoom()
    const secret = new Uint8Array(32).fill(77)
    const invite = await r.act(owner, 'inviteCreate', { secret, role: 'member' })
    const before = r.log.buildContext()
    await r.act(owner, 'inviteRevoke', { invite: (invite.entry as { invite: AuthorId }).invite })
    const backdated = await r.act(alice, 'join', { secret }, before)
    expect(r.log.roleOf(alice.id)).toBeNull()
    expect(r.log.rejected().find((x) => x.hash === backdated.hash)?.reason).toBe('unauthorized')
  })

  it('voids a JOIN back-dated before the removal of the mod whose invite it uses', async () => {
    const r = await testRoom()
    const secret = new Uint8Array(32).fill(78)
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(modA, 'inviteCreate', { secret, role: 'member' })
    const before = r.log.buildContext()
    await r.act(owner, 'ban', { target: modA.id, frontier: {} })
    const backdated = await r.act(alice, 'join', { secret }, before)
    expect(r.log.roleOf(alice.id)).toBeNull()
    expect(r.log.rejected().find((x) => x.hash === backdated.hash)?.reason).toBe('unauthorized')
  })

  it('voids what a grant by a back-dated mod admitted, transitively', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    const before = r.log.buildContext()
    await r.act(owner, 'revoke', { target: modA.id })
    const admit = await r.act(modA, 'grant', { target: bob.id, role: 'member' }, before)
    await r.act(bob, 'grant', { target: alice.id, role: 'member' }, { prev: [admit.hash], lamport: admit.entry.lamport + 1 })
    expect(r.log.roleOf(bob.id)).toBeNull()
    expect(r.log.roleOf(alice.id)).toBeNull()
  })

  it('rejects every feed entry of a banned author beyond the ban frontier (mayAppend)', async () => {
    const r = await testRoom('open')
    await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    await r.act(modA, 'ban', { target: bob.id, reason: 'spam', frontier: { [r.general]: 10 } })
    expect(r.log.mayAppend(bob.id, r.general, 10).ok).toBe(true)
    expect(r.log.mayAppend(bob.id, r.general, 11)).toMatchObject({ ok: false, reason: 'banned' })
    expect(r.log.can(bob.id, 'post')).toBe(false)
    const selfUnban = await r.act(bob, 'unban', { target: bob.id })
    expect(r.log.rejected().find((x) => x.hash === selfUnban.hash)?.reason).toBe('banned')
  })

  it('rejects an entry whose lamport does not exceed its parents and everything built on it', async () => {
    const r = await testRoom()
    const grant = await r.act(owner, 'grant', { target: modA.id, role: 'mod' })
    const stale = await r.act(owner, 'grant', { target: alice.id, role: 'member' }, { prev: [grant.hash], lamport: grant.entry.lamport })
    const onStale = await r.act(owner, 'grant', { target: bob.id, role: 'member' }, { prev: [stale.hash], lamport: stale.entry.lamport + 1 })
    expect(r.log.rejected().filter((x) => x.reason === 'broken-chain').map((x) => x.hash).sort()).toEqual([stale.hash, onStale.hash].sort())
    expect(r.log.roleOf(alice.id)).toBeNull()
    expect(r.log.buildContext().prev).toEqual([grant.hash])
  })

  it('resolves two mods revoking each other the same way in every order', async () => {
    const r = await testRoom()
    await r.act(owner, 'defineRole', { name: 'admin', capabilities: 0x3ff & ~0x100, rank: 700 })
    await r.act(owner, 'defineRole', { name: 'senior', capabilities: 0x3ff & ~0x100, rank: 800 })
    await r.act(owner, 'grant', { target: modA.id, role: 'admin' })
    await r.act(owner, 'grant', { target: modB.id, role: 'mod' })
    const fork = r.log.buildContext()
    // concurrently: the owner promotes modB above modA while modA revokes modB; modB (promoted) revokes modA
    const promote = await r.act(owner, 'grant', { target: modB.id, role: 'senior' }, fork)
    const aRevokesB = await r.act(modA, 'revoke', { target: modB.id }, fork)
    const bRevokesA = await r.act(modB, 'revoke', { target: modA.id }, { prev: [promote.hash], lamport: promote.entry.lamport + 1 })
    const outranked = await r.act(modA, 'revoke', { target: modB.id }, { prev: [promote.hash], lamport: promote.entry.lamport + 1 })
    const tail = [promote, aRevokesB, bRevokesA, outranked]
    const head = r.made.filter((e) => !tail.includes(e))
    const outcomes = new Set<string>()
    for (const perm of permutations(tail)) {
      const log = authorityLog({ room: r.log.room })
      log.add(head)
      for (const e of perm) log.add([e, e])
      outcomes.add(Buffer.from(log.encodeState()).toString('hex'))
    }
    expect(outcomes.size).toBe(1)
    // modA's key sorts before the owner's, so at equal lamport modA's revoke applies first and removes
    // modB; the owner's concurrent promotion then re-admits modB, but modB's revoke of modA does not
    // descend from its removal, so it is void; modA's later revoke fails the rank rule.
    expect(modA.id < owner.id).toBe(true)
    expect(r.log.roleOf(modA.id)).toBe('admin')
    expect(r.log.roleOf(modB.id)).toBe('senior')
    expect(r.log.rejected().map((x) => [x.hash, x.reason])).toEqual(expect.arrayContaining([[bRevokesA.hash, 'unauthorized'], [outranked.hash, 'unauthorized']]))
    expect(r.log.rejected()).toHaveLength(2)
    expect(aRevokesB.entry.lamport).toBe(promote.entry.lamport)
  })

  it('builds on accepted entries only, so a flood of refused ones neither blocks nor entangles ours', async () => {
    const r = await testRoom()
    const base = r.log.buildContext()
    const junk = await Promise.all(Array.from({ length: 40 }, async (_, i) =>
      await buildEntry.grant({ context: base, signer: bob, ts: T0 + i }, { target: alice.id, role: 'owner' })))
    r.log.add(junk)
    expect(r.log.rejected()).toHaveLength(40)
    const ok = await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    expect(ok.entry.prev).toEqual([r.genesis.hash])
    expect(r.log.roleOf(alice.id)).toBe('member')
    const wide = await Promise.all(Array.from({ length: 40 }, async (_, i) =>
      await buildEntry.channelCreate({ context: r.log.buildContext(), signer: owner, ts: T0 + i }, { name: `c${i}` })))
    r.log.add(wide)
    expect(r.log.buildContext().prev).toHaveLength(32)
  })

  it('reports invalid bytes from storage without throwing and replays the rest', async () => {
    const r = await testRoom()
    await r.act(owner, 'grant', { target: alice.id, role: 'member' })
    const bytes = [...r.made.map((e) => e.bytes), new Uint8Array([1, 2, 3])]
    const { log, invalid } = await loadAuthorityLog(r.log.room, bytes)
    expect(invalid).toEqual([{ index: bytes.length - 1, reason: 'malformed', detail: expect.any(String) as string }])
    expect(log.encodeState()).toEqual(r.log.encodeState())
  })

  it('keeps a second genesis for the same room out (fork)', async () => {
    const r = await testRoom()
    const g = r.genesis.entry as Extract<typeof r.genesis.entry, { action: 'genesis' }>
    const again = await signAuthorityEntry({ context: { room: r.log.room, prev: [], lamport: 0 }, signer: owner, ts: T0 + 99 }, {
      action: 'genesis', name: g.name, nonce: g.nonce, policy: 'open', description: g.description, tags: g.tags, channels: g.channels
    })
    const log = authorityLog({ room: asRoomId(r.log.room) })
    log.add([again, r.genesis])
    const winner = [again, r.genesis].sort((a, b) => (a.hash < b.hash ? -1 : 1))
    expect(log.info().genesis).toBe(winner[0]!.hash)
    expect(log.rejected()).toMatchObject([{ hash: winner[1]!.hash, reason: 'fork' }])
  })
})

function permutations<T> (xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]]
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]))
}
