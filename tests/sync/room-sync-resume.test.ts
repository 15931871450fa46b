// RoomSync (src/network/room-sync.ts) against the real sync server over in-memory libp2p stream
// pairs: the serving peer's stream dies mid-sync, and a second sync with it resumes.
import { describe, expect, it } from 'vitest'
import { streamPair } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import type { SyncRequest } from '../../src/core/sync/messages.ts'
import { createSyncResponder } from '../../src/core/sync/responder.ts'
import { type SyncProgress, createRoomSync, createRoomSyncServer } from '../../src/network/room-sync.ts'
import { author, chain, channel, room } from '../feed/helpers.ts'
import { createAclViewTwin, startedMemoryStorage } from '../feed/twins.ts'

const HISTORY = 600
const BATCH = 100

/**
 * A serving peer holding HISTORY entries, reached through in-memory stream pairs (a twin of
 * PeerNode's handle/newStream); records the ranges it is asked for and can kill its open streams.
 */
async function servingPeer () {
  const storage = await startedMemoryStorage()
  await storage.feeds.putEntries((await chain(author(0), HISTORY)).map((e) => e.stored))
  const responder = createSyncResponder({ storage }, { room })
  const asked: Array<[number, number]> = []
  const served: Stream[] = []
  let handler: ((stream: Stream, peer: string) => void | Promise<void>) | undefined
  const server = createRoomSyncServer({
    node: {
      handle: (_protocol, h) => { handler = h; return Promise.resolve() },
      unhandle: () => { handler = undefined; return Promise.resolve() }
    }
  }, {
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
    /** The serving peer goes away: every stream it serves is reset. */
    vanish: () => { for (const s of served.splice(0)) s.abort(new Error('peer vanished')) },
    node: {
      async newStream (): Promise<Stream> {
        if (handler == null) throw new Error('not serving')
        const [outbound, inbound] = await streamPair()
        served.push(inbound)
        void Promise.resolve(handler(inbound, 'joiner')).catch(() => {})
        return outbound
      }
    }
  }
}

describe('room sync after a drop', () => {
  it('resumes from what is stored, asks only for the rest, and its progress counts nothing twice', async () => {
    const server = await servingPeer()
    const local = await startedMemoryStorage()
    const progress: SyncProgress[] = []
    let dropAt: number | undefined
    const sync = createRoomSync({
      node: server.node,
      storage: local,
      room: {
        room,
        channelIds: () => [channel],
        addAuthority: () => Promise.resolve({ rejected: [] }),
        feed: createFeedIngest({ storage: local, acl: createAclViewTwin() }, { room }),
        log: { has: () => true }
      }
    }, {
      batchSize: BATCH,
      inFlightPerPeer: 3,
      onBadPeer: (peer, detail) => { throw new Error(`${peer} reported bad: ${detail}`) },
      onProgress: (p) => {
        progress.push(p)
        // the serving peer vanishes once the first batch is stored, with more requests in flight
        if (dropAt == null && p.received >= BATCH) { dropAt = p.received; server.vanish() }
      }
    })

    expect(await sync.syncWith('server')).toBe(true)
    const held = (await local.feeds.heads(channel))[0]?.seq ?? 0
    expect(dropAt).toBe(BATCH)
    expect(held).toBeGreaterThanOrEqual(BATCH)
    expect(held).toBeLessThan(HISTORY)
    // what the dropped requests never delivered is not still expected
    expect(sync.progress()).toEqual({ active: false, received: held, expected: held })

    const askedBefore = server.asked.length
    expect(await sync.syncWith('server')).toBe(true)
    expect((await local.feeds.heads(channel))[0]?.seq).toBe(HISTORY)
    const askedAfter = server.asked.slice(askedBefore)
    expect(askedAfter.length).toBeGreaterThan(0)
    expect(Math.min(...askedAfter.map(([from]) => from))).toBe(held + 1)
    expect(askedAfter.reduce((n, [from, to]) => n + to - from + 1, 0)).toBe(HISTORY - held)
    expect(sync.progress()).toEqual({ active: false, received: HISTORY, expected: HISTORY })
    for (const p of progress) expect(p.received).toBeLessThanOrEqual(p.expected)
    sync.stop()
  })
})
