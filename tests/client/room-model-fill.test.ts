// The room model's wiring of payload fill-in: a blank message is filled and announced, a deleted one
// stays deleted. Real core, in-memory storage twin, two models standing for two peers.
import { describe, expect, it } from 'vitest'
import { createRoomModel } from '../../src/client/room-model.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { encodeChatPayload } from '../../src/core/messages/payloads.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import type { StoredFeedEntry } from '../../src/core/storage.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'

describe('room model: payload fill-in', () => {
  it('fills a message that arrived blank and tells its listeners, but never refills one deleted since', async () => {
    const signer = signerFromSeed(new Uint8Array(32).fill(7))
    const created = await createRoom({ signer, name: 'fill', policy: 'open', channels: [{ name: 'general' }] })
    const general = created.channels[0]!
    const [author, peer] = await Promise.all([0, 1].map(async () => {
      const storage = createMemoryStorage()
      await storage.start()
      const model = createRoomModel({ storage, signer: () => signer }, { room: created.roomId })
      await model.load()
      await model.addAuthority([created.genesis.bytes])
      return { storage, model }
    })) as [{ storage: ReturnType<typeof createMemoryStorage>, model: ReturnType<typeof createRoomModel> }, { storage: ReturnType<typeof createMemoryStorage>, model: ReturnType<typeof createRoomModel> }]
    const text = (t: string): Uint8Array => encodeChatPayload({ type: 'chat/text', text: t, mentions: [] })
    const kept = await author.model.append(general, 'chat/text', text('kept'))
    const gone = await author.model.append(general, 'chat/text', text('gone'))
    const del = await author.model.append(general, 'chat/delete', encodeChatPayload({ type: 'chat/delete', target: gone.stored.hash }))
    const blank = (e: typeof kept): { entry: Uint8Array, payload: null } => ({ entry: e.envelope.entry, payload: null })

    const filled: StoredFeedEntry[] = []
    peer.model.onFilled((entries) => { filled.push(...entries) })
    await peer.model.feed.ingest([blank(kept), blank(gone), del.envelope])
    await peer.model.feed.ingest([kept.envelope, gone.envelope])
    expect(filled.map((e) => e.hash)).toEqual([kept.stored.hash])
    expect((await peer.storage.feeds.getByHash(kept.stored.hash))?.payload).toEqual(kept.envelope.payload)
    expect((await peer.storage.feeds.getByHash(gone.stored.hash))?.payload).toBeNull()
  })
})
