// Which authority entries a room keeps, on the in-memory storage twin (no network).
import { describe, expect, it } from 'vitest'
import { createRoomModel } from '../../src/client/room-model.ts'
import { buildEntry } from '../../src/core/authority/build.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'
import type { RoomId } from '../../src/core/types.ts'

const owner = signerFromSeed(new Uint8Array(32).fill(1))
const member = signerFromSeed(new Uint8Array(32).fill(2))
const stranger = signerFromSeed(new Uint8Array(32).fill(3))

async function modelFor (room: RoomId, storage = createMemoryStorage()) {
  await storage.start()
  return { storage, model: createRoomModel({ storage, signer: () => owner }, { room }) }
}

describe('authority entries kept by a room (in-memory storage twin)', () => {
  it("keeps a member's refused entry, so a reload replays the same set into the same state", async () => {
    const created = await createRoom({ signer: owner, name: 'kept', policy: 'open', channels: [{ name: 'general' }] })
    const { storage, model } = await modelFor(created.roomId)
    await model.addAuthority([created.genesis.bytes])
    const join = await buildEntry.join({ context: model.log.buildContext(model.lamport), signer: member })
    expect((await model.addAuthority([join.bytes])).added).toHaveLength(1)

    // A plain member may not ban: refused now, but it is a known key's entry, so it is stored.
    const overreach = await buildEntry.ban({ context: model.log.buildContext(model.lamport), signer: member }, { target: owner.id, reason: 'no', frontier: {} })
    const result = await model.addAuthority([overreach.bytes])
    expect(result.added).toHaveLength(0)
    expect(result.rejected.map((r) => r.reason)).toEqual(['unauthorized'])
    expect(await storage.authority.has(overreach.hash)).toBe(true)

    const reloaded = createRoomModel({ storage, signer: () => owner }, { room: created.roomId })
    await reloaded.load()
    expect(reloaded.log.rejected().map((r) => r.hash)).toEqual([overreach.hash])
    expect(reloaded.log.encodeState()).toEqual(model.log.encodeState())
  })

  it("keeps a stranger's refused entry, which a concurrent grant that arrives later makes valid, across a reload", async () => {
    const created = await createRoom({ signer: owner, name: 'strangers', policy: 'invite-only', channels: [{ name: 'general' }] })
    const { storage, model } = await modelFor(created.roomId)
    await model.addAuthority([created.genesis.bytes])
    const heads = model.log.buildContext(model.lamport)
    // the owner makes the stranger a mod on the same heads; the stranger, told so, creates a channel
    const grant = await buildEntry.grant({ context: heads, signer: owner }, { target: stranger.id, role: 'mod' })
    const channel = await buildEntry.channelCreate({ context: { ...heads, lamport: heads.lamport + 1 }, signer: stranger }, { name: 'theirs' })
    expect((await model.addAuthority([channel.bytes])).rejected.map((r) => r.reason)).toEqual(['unauthorized'])
    expect(await storage.authority.has(channel.hash)).toBe(true)
    await model.addAuthority([grant.bytes])
    expect(model.log.channels().map((c) => c.name)).toEqual(['general', 'theirs'])

    const reloaded = createRoomModel({ storage, signer: () => owner }, { room: created.roomId })
    await reloaded.load()
    expect(reloaded.log.encodeState()).toEqual(model.log.encodeState())
  })

  it('stores an entry waiting for its parent only once it settles, and answers gossip by each entry alone', async () => {
    const created = await createRoom({ signer: owner, name: 'orphans', policy: 'invite-only', channels: [{ name: 'general' }] })
    const { storage, model } = await modelFor(created.roomId)
    await model.addAuthority([created.genesis.bytes])
    const parent = await buildEntry.grant({ context: model.log.buildContext(model.lamport), signer: owner }, { target: member.id, role: 'member' })
    const child = await buildEntry.channelCreate({ context: { room: created.roomId, prev: [parent.hash], lamport: parent.entry.lamport + 1 }, signer: owner }, { name: 'later' })
    expect(await model.validateAuthorityForGossip(child.bytes)).toMatchObject({ action: 'ignore', reason: 'missing-parent' })
    expect(await storage.authority.has(child.hash)).toBe(false)
    // a good entry is accepted (and relayed) although another still waits for a parent that may never come
    const other = await buildEntry.roomUpdate({ context: model.log.buildContext(model.lamport), signer: owner }, { name: 'renamed' })
    expect(await model.validateAuthorityForGossip(other.bytes)).toEqual({ action: 'accept' })
    await model.addAuthority([parent.bytes])
    expect(await storage.authority.has(child.hash)).toBe(true)
    expect(model.log.channels().map((c) => c.name)).toEqual(['general', 'later'])
  })
})
