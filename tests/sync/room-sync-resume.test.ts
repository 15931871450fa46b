// RoomSync (src/network/room-sync.ts) against the real sync server over in-memory libp2p stream
// pairs: the serving peer's stream dies, or is reopened, in the middle of a sync; a peer stays silent.
import { describe, expect, it, vi } from 'vitest'
import { streamPair } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import type { SyncRequest } from '../../src/core/sync/messages.ts'
import { createSyncResponder } from '../../src/core/sync/responder.ts'
import { type RoomSync, type SyncProgress, createRoomSync, createRoomSyncServer } from '../../src/network/room-sync.ts'
import { admitEveryoneTwin } from './access-twin.ts'
import { author, chain, channel, room } from '../feed/helpers.ts'
import { createAclViewTwin, startedMemoryStorage } from '../feed/twins.ts'

const HISTORY = 600
const BATCH = 100

/**
 * A serving peer holding HISTORY entries, reached through in-memory stream pairs (a twin of
 * PeerNode's handle/newStream). It records the ranges it is asked for and the streams opened to it;
 * `vanish` resets them (a peer gone, its connection closed).
 */
async function servingPeer () {
  const storage = await startedMemoryStorage()
  await storage.feeds.putEntries((await chain(author(0), HISTORY)).map((e) => e.stored))
  const responder = createSyncResponder({ storage }, { room })
  const asked: Array<[number, number]> = []
  const served: Stream[] = []
  let opened = 0
  let handler: ((stream: Stream, peer: string) => void | Promise<void>) | undefined
  const server = createRoomSyncServer({
    node: {
      peerId: 'peer',
      handle: (_protocol, h) => { handler = h; return Promise.resolve() },
      unhandle: () => { handler = undefined; return Promise.resolve() }
    }
  }, {
    access: admitEveryoneTwin,
    responder: () => ({
      responder: {
        hello: async (channels) => responder.hello(channels),
        respond: (request: SyncRequest, signal?: AbortSignal) => {
          if (request.t === 'range') asked.push([request.fromSeq, request.toSeq])
          return responder.respond(request, signal)
        }
      },
      channels: () => [channel]
    }),
    onHello: () => {},
    onGarbage: (peer, detail) => { throw new Error(`${peer} sent garbage: ${detail}`) }
  })
  await server.start()
  return {
    asked,
    vanish: () => { for (const s of served.splice(0)) s.abort(new Error('peer vanished')) },
    opened: () => opened,
    node: {
      peerId: 'peer',
      async newStream (): Promise<Stream> {
        if (handler == null) throw new Error('not serving')
        const [outbound, inbound] = await streamPair()
        opened++
        served.push(inbound)
        void Promise.resolve(handler(inbound, 'joiner')).catch(() => {})
        return outbound
      }
    }
  }
}

/**
 * A joiner syncing from `server` into its own storage; `onFirstBatch` runs once the first batch is
 * stored, with more requests in flight; `ingestGate`, if given, holds the n-th entries batch
 * (one per request here) until the promise it returns resolves.
 */
async function joinerOf (server: Awaited<ReturnType<typeof servingPeer>>, hooks: { onFirstBatch?: () => void, ingestGate?: (n: number) => Promise<void> }) {
  const local = await startedMemoryStorage()
  const ingest = createFeedIngest({ storage: local, acl: createAclViewTwin() }, { room })
  let batches = 0
  const progress: SyncProgress[] = []
  let fired = false
  const sync: RoomSync = createRoomSync({
    access: admitEveryoneTwin,
    node: server.node,
    storage: local,
    room: {
      room,
      channelIds: () => [channel],
      addAuthority: () => Promise.resolve({ rejected: [] }),
      feed: { ingest: async (envelopes) => { await hooks.ingestGate?.(++batches); return ingest.ingest(envelopes) } },
      log: { has: () => true }
    }
  }, {
    batchSize: BATCH,
    inFlightPerPeer: 3,
    onBadPeer: (peer, detail) => { throw new Error(`${peer} reported bad: ${detail}`) },
    onProgress: (p) => {
      progress.push(p)
      if (!fired && p.received >= BATCH) { fired = true; hooks.onFirstBatch?.() }
    }
  })
  const held = async (): Promise<number> => (await local.feeds.heads(channel))[0]?.seq ?? 0
  return { sync, progress, held }
}

describe('room sync after a drop', () => {
  it('resumes from what is stored, asks only for the rest, and its progress counts nothing twice', async () => {
    const server = await servingPeer()
    const { sync, progress, held } = await joinerOf(server, { onFirstBatch: () => { server.vanish() } })

    expect(await sync.syncWith('server')).toBe(true)
    const atDrop = await held()
    expect(atDrop).toBeGreaterThanOrEqual(BATCH)
    expect(atDrop).toBeLessThan(HISTORY)
    // settled only once what arrived is stored; what the cut requests never delivered is not still expected
    expect(sync.progress()).toEqual({ active: false, received: atDrop, expected: atDrop })

    const askedBefore = server.asked.length
    expect(await sync.syncWith('server')).toBe(true)
    expect(await held()).toBe(HISTORY)
    const askedAfter = server.asked.slice(askedBefore)
    expect(Math.min(...askedAfter.map(([from]) => from))).toBe(atDrop + 1)
    expect(askedAfter.reduce((n, [from, to]) => n + to - from + 1, 0)).toBe(HISTORY - atDrop)
    expect(sync.progress()).toEqual({ active: false, received: HISTORY, expected: HISTORY })
    for (const p of progress) expect(p.received).toBeLessThanOrEqual(p.expected)
    sync.stop()
  })

  it('a stream reopened mid-sync (a gossip gap) does not ask again for what the old one delivered while it is still storing', async () => {
    const server = await servingPeer()
    let thirdHeld!: () => void
    let releaseThird!: () => void
    const third = new Promise<void>((resolve) => { thirdHeld = resolve })
    const released = new Promise<void>((resolve) => { releaseThird = resolve })
    const { sync, held } = await joinerOf(server, {
      ingestGate: async (n) => {
        if (n !== 3) return
        thirdHeld()
        await released
      }
    })

    const syncing = sync.syncWith('server')
    await third
    sync.resync('server')
    await expect.poll(server.opened).toBe(2)
    // a fresh session is open while the third range, delivered on the old one, is still storing
    releaseThird()
    await expect.poll(held).toBe(HISTORY)
    expect(await syncing).toBe(true)
    // each entry was sent once: the rest was planned only after the third range was stored
    expect(server.asked.filter(([from]) => from === 2 * BATCH + 1)).toHaveLength(1)
    expect(sync.progress()).toEqual({ active: false, received: HISTORY, expected: HISTORY })
    sync.stop()
  })
})

/**
 * A joiner with empty storage whose every stream's other end goes to `serve` (in-memory stream
 * pairs); the peers it reports as bad are in `bad`.
 */
async function joinerServedBy (serve: (inbound: Stream) => void) {
  const local = await startedMemoryStorage()
  const bad: string[] = []
  const sync = createRoomSync({
    access: admitEveryoneTwin,
    node: {
      peerId: 'peer',
      async newStream () {
        const [outbound, inbound] = await streamPair({ delay: 0 })
        serve(inbound)
        return outbound
      }
    },
    storage: local,
    room: { room, channelIds: () => [channel], addAuthority: () => Promise.resolve({ rejected: [] }), feed: createFeedIngest({ storage: local, acl: createAclViewTwin() }, { room }), log: { has: () => true } }
  }, { onProgress: () => {}, onBadPeer: (peer) => { bad.push(peer) } })
  return { sync, bad }
}

describe('opening a sync session', () => {
  it('a peer that never answers our Hello is given up on without being reported as bad (its connection may be stale)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    try {
      const unanswered: Stream[] = []
      // the other end is never served: as a stream over a connection its peer has left
      const { sync, bad } = await joinerServedBy((inbound) => { unanswered.push(inbound) })
      const opening = sync.syncWith('silent')
      await vi.advanceTimersByTimeAsync(16_000)
      expect(await opening).toBe(false)
      expect(bad).toEqual([])
      expect(unanswered).toHaveLength(1)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('a peer that stops answering', () => {
  it('is given up on once a request has waited past the timeout: the sync settles instead of waiting forever', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      // It holds history and says so in its Hello, then never answers a request.
      const held = await startedMemoryStorage()
      await held.feeds.putEntries((await chain(author(0), 10)).map((e) => e.stored))
      const responder = createSyncResponder({ storage: held }, { room })
      let handler: ((stream: Stream, peer: string) => void | Promise<void>) | undefined
      const server = createRoomSyncServer({ node: { peerId: 'peer', handle: (_p, h) => { handler = h; return Promise.resolve() }, unhandle: () => Promise.resolve() } }, {
        access: admitEveryoneTwin,
        responder: () => ({
          responder: { hello: async (channels) => responder.hello(channels), respond: async function * () { await new Promise<never>(() => {}); yield * [] } },
          channels: () => [channel]
        }),
        onHello: () => {},
        onGarbage: () => {}
      })
      await server.start()
      const { sync, bad } = await joinerServedBy((inbound) => { void Promise.resolve(handler!(inbound, 'joiner')).catch(() => {}) })
      let settled = false
      const syncing = sync.syncWith('stuck').finally(() => { settled = true })
      await vi.advanceTimersByTimeAsync(59_000)
      expect(settled).toBe(false)
      expect(sync.progress()).toMatchObject({ active: true, expected: 10 })
      await vi.advanceTimersByTimeAsync(2_000)
      expect(await syncing).toBe(true)
      // given up on, not reported: silence is no proof of misbehaviour
      expect(sync.progress()).toEqual({ active: false, received: 0, expected: 0 })
      expect(bad).toEqual([])
      sync.stop()
    } finally {
      vi.useRealTimers()
    }
  })
})
