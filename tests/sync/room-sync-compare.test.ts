// Anti-entropy in RoomSync (src/network/room-sync.ts): two peers, each with its sync server and its
// own sync, over in-memory libp2p stream pairs (a twin of PeerNode's handle/newStream). Entries that
// gossip brought to one peer only (stored here straight into its storage) reach the other when
// either side compares clocks, with no later message to show the gap.
import { describe, expect, it } from 'vitest'
import { streamPair } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import type { SyncRequest } from '../../src/core/sync/messages.ts'
import { createSyncResponder } from '../../src/core/sync/responder.ts'
import { type RoomSync, createRoomSync, createRoomSyncServer } from '../../src/network/room-sync.ts'
import { admitEveryoneTwin } from './access-twin.ts'
import { author, chain, channel, room } from '../feed/helpers.ts'
import { createAclViewTwin, startedMemoryStorage } from '../feed/twins.ts'

type Handler = (stream: Stream, peer: string) => void | Promise<void>

/** A peer named `name`: storage, the sync server others open streams to, and its own sync. */
async function peerNamed (name: string, handlers: Map<string, Handler>, hooks: { ingestGate?: () => Promise<void> } = {}) {
  const storage = await startedMemoryStorage()
  const responder = createSyncResponder({ storage }, { room })
  const ingest = createFeedIngest({ storage, acl: createAclViewTwin() }, { room })
  let opened = 0
  const ranges: SyncRequest[] = []
  const sync: RoomSync = createRoomSync({
    access: admitEveryoneTwin,
    node: {
      peerId: 'peer',
      async newStream (peer: string): Promise<Stream> {
        const handler = handlers.get(peer)
        if (handler == null) throw new Error(`${peer} is not serving`)
        const [outbound, inbound] = await streamPair()
        opened++
        void Promise.resolve(handler(inbound, name)).catch(() => {})
        return outbound
      }
    },
    storage,
    room: {
      room,
      channelIds: () => [channel],
      addAuthority: () => Promise.resolve({ rejected: [] }),
      feed: { ingest: async (envelopes) => { await hooks.ingestGate?.(); return ingest.ingest(envelopes) } },
      log: { has: () => true }
    }
  }, {
    batchSize: 100,
    onProgress: () => {},
    onBadPeer: (peer, detail) => { throw new Error(`${peer} reported bad: ${detail}`) }
  })
  const server = createRoomSyncServer({
    node: {
      peerId: 'peer',
      handle: (_protocol, h) => { handlers.set(name, h); return Promise.resolve() },
      unhandle: () => { handlers.delete(name); return Promise.resolve() }
    }
  }, {
    access: admitEveryoneTwin,
    responder: () => ({
      responder: {
        hello: async (channels) => responder.hello(channels),
        respond: (request: SyncRequest, signal?: AbortSignal) => { ranges.push(request); return responder.respond(request, signal) }
      },
      channels: () => [channel]
    }),
    onHello: (_room, peer, hello) => { sync.noteHello(peer, hello) },
    onGarbage: (peer, detail) => { throw new Error(`${peer} sent garbage: ${detail}`) }
  })
  await server.start()
  const held = async (): Promise<number> => (await storage.feeds.heads(channel))[0]?.seq ?? 0
  return { sync, storage, held, opened: () => opened, ranges }
}

/** Alice holds the first `first` of `total` entries; Bob syncs them from her, then gossip brings her the rest and misses him. */
async function bobBehindAlice (first: number, total: number) {
  const handlers = new Map<string, Handler>()
  const alice = await peerNamed('alice', handlers)
  const bob = await peerNamed('bob', handlers)
  const entries = (await chain(author(0), total)).map((e) => e.stored)
  await alice.storage.feeds.putEntries(entries.slice(0, first))
  expect(await bob.sync.syncWith('alice')).toBe(true)
  expect(await bob.held()).toBe(first)
  await alice.storage.feeds.putEntries(entries.slice(first))
  return { alice, bob }
}

describe('anti-entropy: comparing clocks with a peer', () => {
  it('fetches what the peer holds and we lack, over a fresh Hello (our sync stream to it is still open with its old one)', async () => {
    const { alice, bob } = await bobBehindAlice(120, 150)
    bob.sync.compare('alice')
    await expect.poll(bob.held).toBe(150)
    expect(bob.opened()).toBe(2)
    alice.sync.stop()
    bob.sync.stop()
  })

  it('pushes by Hello: the peer that holds more compares, and the one behind fetches it back over the sync stream it already had open', async () => {
    const { alice, bob } = await bobBehindAlice(120, 150)
    alice.sync.compare('bob')
    await expect.poll(bob.held).toBe(150)
    // Bob planned against the Hello Alice's stream brought; he opened no stream of his own to learn it
    expect(bob.opened()).toBe(1)
    expect(alice.ranges.filter((r) => r.t === 'range').map((r) => r.t === 'range' ? [r.fromSeq, r.toSeq] : [])).toEqual([[1, 100], [101, 120], [121, 150]])
    alice.sync.stop()
    bob.sync.stop()
  })

  it('leaves a sync under way undisturbed (each range asked once), and runs at most once per interval with one peer', async () => {
    const handlers = new Map<string, Handler>()
    let release!: () => void
    const hold = new Promise<void>((resolve) => { release = resolve })
    const alice = await peerNamed('alice', handlers)
    const bob = await peerNamed('bob', handlers, { ingestGate: async () => { await hold } })
    await alice.storage.feeds.putEntries((await chain(author(0), 300)).map((e) => e.stored))
    const syncing = bob.sync.syncWith('alice')
    await expect.poll(() => alice.ranges.length).toBeGreaterThan(0)
    // Alice's fresh Hello comes on a stream of its own; the session carrying the sync stays open
    bob.sync.compare('alice')
    await expect.poll(bob.opened).toBe(2)
    release()
    expect(await syncing).toBe(true)
    expect(await bob.held()).toBe(300)
    expect(alice.ranges.map((r) => r.t === 'range' ? [r.fromSeq, r.toSeq] : [])).toEqual([[1, 100], [101, 200], [201, 300]])

    bob.sync.compare('alice')
    bob.sync.resync('alice')
    expect(bob.opened()).toBe(2)
    alice.sync.stop()
    bob.sync.stop()
  })
})
