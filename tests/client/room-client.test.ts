// The client's room composition over the real core, on the in-memory storage twin (no network).
import { describe, expect, it } from 'vitest'
import { createEventHub } from '../../src/client/events.ts'
import { type RoomHandle, createRoomClient } from '../../src/client/room-client.ts'
import { type RoomModel, createRoomModel } from '../../src/client/room-model.ts'
import { NotAllowedError } from '../../src/core/errors.ts'
import { type Signer, signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { encodeChatPayload } from '../../src/core/messages/payloads.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import type { Storage } from '../../src/core/storage.ts'
import type { ChannelId, RoomId } from '../../src/core/types.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'

interface Peer { storage: Storage, model: RoomModel, client: RoomHandle, signer: Signer }

async function peerIn (room: RoomId, signer: Signer): Promise<Peer> {
  const storage = createMemoryStorage()
  await storage.start()
  const model = createRoomModel({ storage, signer: () => signer }, { room })
  const client = createRoomClient({ storage, events: createEventHub(), model, signer: () => signer, displayName: (a) => a.slice(0, 6), linkOrigin: 'https://example.test', bootstrapHints: () => [] })
  await client.start()
  return { storage, model, client, signer }
}

async function ownedRoom (policy: 'open' | 'invite-only' = 'open'): Promise<{ owner: Peer, room: RoomId, general: ChannelId, genesis: Uint8Array }> {
  const signer = signerFromSeed(new Uint8Array(32).fill(7))
  const created = await createRoom({ signer, name: 'unit room', policy, channels: [{ name: 'general' }] })
  const owner = await peerIn(created.roomId, signer)
  await owner.model.addAuthority([created.genesis.bytes])
  return { owner, room: created.roomId, general: created.channels[0]!, genesis: created.genesis.bytes }
}

const texts = async (p: Peer, channel: ChannelId, offset = 0, limit = 10_000): Promise<Array<string | undefined>> =>
  (await p.client.timeline(channel, { offset, limit })).messages.map((m) => m.text)

describe('room client (in-memory storage twin)', () => {
  it('folds edits, reactions and deletes into the rows they target; operations are not rows', async () => {
    const { owner, general } = await ownedRoom()
    const first = await owner.client.send(general, 'first')
    const second = await owner.client.send(general, 'second')
    await owner.client.send(general, 'third')
    await owner.client.edit(general, first, 'first, edited')
    await owner.client.react(general, second, '👍', true)
    await owner.client.delete(general, second)
    const w = await owner.client.timeline(general, { offset: 0, limit: 50 })
    expect(w.total).toBe(3)
    expect(w.messages.map((m) => [m.text, m.edited, m.deleted])).toEqual([['first, edited', true, false], [undefined, false, true], ['third', false, false]])
    expect(owner.client.snapshot().channels[0]!.unread).toBe(3)
    owner.client.markRead(general)
    await expect.poll(() => owner.client.snapshot().channels[0]!.unread).toBe(0)
  })

  it('publishes a message before it writes our own copy, and has stored it when send resolves', async () => {
    const { owner, general } = await ownedRoom()
    const order: string[] = []
    const putEntries = owner.storage.feeds.putEntries.bind(owner.storage.feeds)
    owner.storage.feeds.putEntries = async (entries) => { order.push(`store ${entries.length}`); await putEntries(entries) }
    owner.client.attach({
      publishFeed: () => { order.push('publish'); return Promise.resolve(1) },
      publishAuthority: () => Promise.resolve(0),
      publishPresence: () => Promise.resolve(),
      peers: () => [],
      sync: () => ({ active: false, received: 0, expected: 0 })
    })
    const hash = await owner.client.send(general, 'out first')
    expect(order).toEqual(['publish', 'store 1'])
    expect(await owner.storage.feeds.getByHash(hash)).toMatchObject({ hash, seq: 1 })
  })

  it('pages any window of a long channel in display order, from the end and from the middle', async () => {
    const { owner, general } = await ownedRoom()
    for (let i = 0; i < 1_300; i++) await owner.client.send(general, `m${i}`)
    expect((await owner.client.timeline(general, { offset: 0, limit: 0 })).total).toBe(1_300)
    expect(await texts(owner, general, 1_290, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `m${1_290 + i}`))
    expect(await texts(owner, general, 600, 5)).toEqual(['m600', 'm601', 'm602', 'm603', 'm604'])
    expect(await texts(owner, general, 0, 3)).toEqual(['m0', 'm1', 'm2'])
    expect(await texts(owner, general, 512, 2)).toEqual(['m512', 'm513'])
  })

  it('a ban keeps the target\'s earlier entries and refuses later ones, locally and from the wire', async () => {
    const { owner, room, general, genesis } = await ownedRoom()
    const carol = await peerIn(room, signerFromSeed(new Uint8Array(32).fill(9)))
    await carol.model.addAuthority([genesis])
    await carol.client.send(general, 'before the ban')
    const early = await carol.storage.feeds.getRange(general, carol.signer.id, 1, 1)
    expect((await owner.model.feed.ingest(early.map((e) => ({ entry: e.bytes, payload: e.payload })))).accepted).toHaveLength(1)

    await owner.client.ban(carol.signer.id, 'spam')
    const banEntries = (await owner.storage.authority.list(room)).map((e) => e.bytes)
    // Carol writes once more before she hears of the ban; owner refuses it.
    const late = await carol.model.append(general, 'chat/text', encodeChatPayload({ type: 'chat/text', text: 'late', mentions: [] }))
    const verdict = await owner.model.feed.validateForGossip(late.envelope)
    expect(verdict).toMatchObject({ action: 'reject', reason: 'banned' })
    expect(await owner.storage.feeds.getByHash(late.stored.hash)).toBeUndefined()
    expect(await texts(owner, general)).toEqual(['before the ban'])
    expect(owner.client.snapshot().rejected.some((r) => r.author === carol.signer.id && r.reason === 'banned')).toBe(true)

    await carol.model.addAuthority(banEntries)
    await expect(carol.client.send(general, 'after hearing of the ban')).rejects.toBeInstanceOf(NotAllowedError)
  })

  it('refuses an authority entry from another room and a forged genesis', async () => {
    const { owner } = await ownedRoom()
    const other = await createRoom({ signer: signerFromSeed(new Uint8Array(32).fill(3)), name: 'other', policy: 'open', channels: [{ name: 'x' }] })
    const result = await owner.model.addAuthority([other.genesis.bytes, new Uint8Array([1, 2, 3])])
    expect(result.added).toHaveLength(0)
    expect(result.rejected.map((r) => r.reason).sort()).toEqual(['malformed', 'wrong-room'])
  })
})
