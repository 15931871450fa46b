// The room model's authoring path over the real core, on the in-memory storage twin (no network).
import { describe, expect, it } from 'vitest'
import { createRoomModel } from '../../src/client/room-model.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { encodeChatPayload } from '../../src/core/messages/payloads.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import type { Storage } from '../../src/core/storage.ts'
import type { RoomId } from '../../src/core/types.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'

/** The memory storage twin, counting head reads. */
async function countingStorage (): Promise<{ storage: Storage, headReads: () => number }> {
  const inner = createMemoryStorage()
  await inner.start()
  let reads = 0
  const feeds = Object.create(inner.feeds) as Storage['feeds']
  feeds.heads = async (channel) => { reads++; return inner.feeds.heads(channel) }
  return { storage: { ...inner, feeds }, headReads: () => reads }
}

const text = (t: string): Uint8Array => encodeChatPayload({ type: 'chat/text', text: t, mentions: [] })

describe('room model authoring', () => {
  it('reads our feed head from storage once, and continues after an entry another tab of ours wrote (no fork)', async () => {
    const signer = signerFromSeed(new Uint8Array(32).fill(9))
    const created = await createRoom({ signer, name: 'two tabs', policy: 'open', channels: [{ name: 'general' }] })
    const room: RoomId = created.roomId
    const general = created.channels[0]!
    const tabs = await Promise.all([0, 1].map(async () => {
      const { storage, headReads } = await countingStorage()
      const model = createRoomModel({ storage, signer: () => signer }, { room })
      await model.load()
      await model.addAuthority([created.genesis.bytes])
      return { storage, model, headReads }
    }))
    const [one, two] = [tabs[0]!, tabs[1]!]

    const a = await one.model.append(general, 'chat/text', text('a'))
    const b = await one.model.append(general, 'chat/text', text('b'))
    expect(one.headReads()).toBe(1)
    expect((await two.model.feed.ingest([a.envelope, b.envelope])).accepted).toHaveLength(2)
    const c = await two.model.append(general, 'chat/text', text('c'))
    expect(c.stored.seq).toBe(3)
    // tab one learns of c only through ingest; its next entry must chain after c, not fork at 3
    expect((await one.model.feed.ingest([c.envelope])).accepted).toHaveLength(1)
    const d = await one.model.append(general, 'chat/text', text('d'))
    expect(d.stored.seq).toBe(4)
    expect(d.stored.hash).not.toBe(c.stored.hash)
    expect((await two.model.feed.ingest([d.envelope])).accepted).toHaveLength(1)
    expect(await one.storage.feeds.forkProofs(room)).toEqual([])
    expect(one.headReads()).toBe(1)
  })
})
