// A payload missing from a stored entry is filled in by a later copy that carries it, on every
// storage backend: the in-memory twin and IndexedDB on fake-indexeddb.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { AppendedEntry } from '../../src/core/feed/append.ts'
import { createFeedIngest, type FeedIngestInit } from '../../src/core/feed/ingest.ts'
import { RejectReason } from '../../src/core/result.ts'
import type { Storage } from '../../src/core/storage.ts'
import { createIndexedDbStorage } from '../../src/storage/indexeddb.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'
import { author, chain, channel, room } from './helpers.ts'
import { createAclViewTwin } from './twins.ts'

let n = 0
const backends: ReadonlyArray<[string, () => Storage]> = [
  ['the in-memory twin', createMemoryStorage],
  ['IndexedDB on fake-indexeddb', () => createIndexedDbStorage({ name: `ingest-fill-${++n}` })]
]

/** The envelope as a peer that lacks (or withholds) the payload sends it. */
const bare = (e: AppendedEntry): { entry: Uint8Array, payload: null } => ({ entry: e.envelope.entry, payload: null })

for (const [name, create] of backends) {
  describe(`payload fill-in (${name})`, () => {
    async function setup (init: Partial<FeedIngestInit> = {}) {
      const storage = create()
      await storage.start()
      const ingest = createFeedIngest({ storage, acl: createAclViewTwin() }, { room, ...init })
      const payloadAt = async (seq: number): Promise<Uint8Array | null | undefined> => (await storage.feeds.getEntry(channel, author(0).id, seq))?.payload
      return { storage, ingest, payloadAt }
    }

    it('an entry first stored without its payload takes the payload of a valid later copy, which gossip forwards', async () => {
      const { ingest, payloadAt } = await setup()
      const [e1, e2] = await chain(author(0), 2)
      await ingest.ingest([e1!.envelope, bare(e2!)])
      expect(await payloadAt(2)).toBeNull()
      const filled: string[] = []
      ingest.on('filled', (entries) => filled.push(...entries.map((e) => e.hash)))
      expect(await ingest.validateForGossip(e2!.envelope)).toEqual({ action: 'accept' })
      expect(await payloadAt(2)).toEqual(e2!.envelope.payload)
      expect(filled).toEqual([e2!.stored.hash])
      // once filled, the same copy again is a plain duplicate
      expect(await ingest.validateForGossip(e2!.envelope)).toMatchObject({ action: 'ignore', reason: RejectReason.Duplicate })
    })

    it('a copy whose payload does not match the signed hash is rejected and the entry keeps what it had', async () => {
      const { ingest, payloadAt } = await setup()
      const [e1] = await chain(author(0), 1)
      await ingest.ingest([bare(e1!)])
      const forged = new Uint8Array(e1!.envelope.payload!)
      forged[0] = forged[0]! ^ 1
      expect(await ingest.validateForGossip({ entry: e1!.envelope.entry, payload: forged })).toMatchObject({ action: 'reject', reason: RejectReason.Malformed })
      expect(await payloadAt(1)).toBeNull()
    })

    it('a stored payload is never replaced or removed by a copy without it', async () => {
      const { ingest, payloadAt } = await setup()
      const [e1] = await chain(author(0), 1)
      await ingest.ingest([e1!.envelope])
      const result = await ingest.ingest([bare(e1!)])
      expect(result).toMatchObject({ duplicates: [e1!.stored.hash], filled: [] })
      expect(await payloadAt(1)).toEqual(e1!.envelope.payload)
    })

    it('leaves a payload out when the room says it may not be filled (a deleted message)', async () => {
      const { ingest, payloadAt } = await setup({ mayFillPayload: () => false })
      const [e1] = await chain(author(0), 1)
      await ingest.ingest([bare(e1!)])
      expect(await ingest.ingest([e1!.envelope])).toMatchObject({ duplicates: [e1!.stored.hash], filled: [] })
      expect(await payloadAt(1)).toBeNull()
    })

    it('fills an entry whose payload-less write is still waiting in the write batcher', async () => {
      const { ingest, payloadAt } = await setup({ writeDelayMs: 20 })
      const [e1] = await chain(author(0), 1)
      const [first, second] = await Promise.all([ingest.ingest([bare(e1!)]), ingest.ingest([e1!.envelope])])
      expect(first.accepted).toHaveLength(1)
      expect(second.filled.map((e) => e.hash)).toEqual([e1!.stored.hash])
      expect(await payloadAt(1)).toEqual(e1!.envelope.payload)
    })

    it('keeps the copy with the payload when both come in one batch, or while the entry waits for its predecessor', async () => {
      const { ingest, payloadAt } = await setup()
      const [e1, e2, e3] = await chain(author(0), 3)
      await ingest.ingest([bare(e1!), e1!.envelope])
      expect(await payloadAt(1)).toEqual(e1!.envelope.payload)
      expect((await ingest.ingest([bare(e3!)])).pending).toEqual([e3!.stored.hash])
      await ingest.ingest([e3!.envelope])
      await ingest.ingest([e2!.envelope])
      expect(await payloadAt(3)).toEqual(e3!.envelope.payload)
    })
  })
}
