// Three peers in one process, wired through the real codecs: the planner spreads range requests
// over the peers' responders, answers go through the ingest, and a lying peer is dropped.
import { describe, expect, it } from 'vitest'
import { CID } from 'multiformats/cid'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { hashOf } from '../../src/core/codec/hash.ts'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import type { Storage, StoredAuthorityEntry } from '../../src/core/storage.ts'
import { channelClock } from '../../src/core/sync/clock.ts'
import { type SyncMessage, decodeSyncMessage, encodeSyncMessage } from '../../src/core/sync/messages.ts'
import { type Assignment, createSyncPlanner } from '../../src/core/sync/planner.ts'
import { type SyncAnswer, type SyncResponder, createSyncResponder } from '../../src/core/sync/responder.ts'
import type { EntryHash } from '../../src/core/types.ts'
import { author, chain, channel, room } from '../feed/helpers.ts'
import { createAclViewTwin, startedMemoryStorage } from '../feed/twins.ts'

/** Stand-in authority entries: only the fields sync reads (prev, lamport). Named as a twin. */
function authorityTwin (lamport: number, prev: readonly EntryHash[]): StoredAuthorityEntry {
  const bytes = encodeCanonical({ v: 1, t: 'auth-twin', lamport, prev: prev.map((p) => CID.parse(p)) })
  return { hash: hashOf(bytes), room, bytes, receivedAt: 0 }
}

const wire = <M extends SyncMessage>(m: M): M => {
  const decoded = decodeSyncMessage(encodeSyncMessage(m))
  if (!decoded.ok) throw new Error(decoded.detail)
  return decoded.value as M
}

async function peerWith (entries: ReadonlyArray<Awaited<ReturnType<typeof chain>>>, authority: readonly StoredAuthorityEntry[]) {
  const storage = await startedMemoryStorage()
  await storage.feeds.putEntries(entries.flat().map((e) => e.stored))
  await storage.authority.putEntries(authority)
  return { storage, responder: createSyncResponder({ storage }, { room }) }
}

/** Runs the requesting side until the planner is done; returns what each peer was asked. */
async function syncInto (local: Storage, peers: ReadonlyMap<string, SyncResponder>, acl = createAclViewTwin()) {
  const ingest = createFeedIngest({ storage: local, acl }, { room })
  const planner = createSyncPlanner({ batchSize: 250, maxInFlightPerPeer: 2 })
  for (const [name, responder] of peers) planner.addPeer(name, wire(await responder.hello([channel])))
  const asked = new Map<string, number>()
  const kinds: string[] = []
  let id = 0
  for (let round = 0; round < 100; round++) {
    const authority = await local.authority.list(room)
    const known = new Set(authority.map((a) => a.hash))
    const plan = planner.plan({ clocks: new Map([[channel, await channelClock(local.feeds, channel)]]), authorityHeads: [], hasAuthority: (h) => known.has(h) })
    if (plan.phase === 'done') return { asked, kinds, planner }
    const work: Assignment[] = plan.phase === 'authority' ? [...plan.requests] : [...plan.ranges]
    await Promise.all(work.map(async (a) => {
      asked.set(a.peer, (asked.get(a.peer) ?? 0) + 1)
      kinds.push(a.kind)
      const request = wire(a.kind === 'authority'
        ? { t: 'auth-after', id: ++id, heads: a.heads }
        : { t: 'range', id: ++id, channel: a.channel, author: a.author, fromSeq: a.fromSeq, toSeq: a.toSeq })
      for await (const answer of peers.get(a.peer)!.respond(request)) {
        const m = wire<SyncAnswer>(answer)
        if (m.t === 'auth-entries') await local.authority.putEntries(m.entries.map((bytes) => ({ hash: hashOf(bytes), room, bytes, receivedAt: 0 })))
        if (m.t === 'entries') {
          const result = await ingest.ingest(m.entries)
          if (result.rejected.some((r) => r.senderFault)) { planner.reportInvalid(a.peer); return }
        }
      }
      planner.settle(a)
    }))
  }
  throw new Error('sync did not finish in 100 rounds')
}

describe('range sync between peers', () => {
  it('fetches authority first, then every missing range from several peers, and converges', async () => {
    const [a0, a1, a2] = await Promise.all([chain(author(0), 1200), chain(author(1), 300), chain(author(2), 50)])
    const genesis = authorityTwin(1, [])
    const grant = authorityTwin(2, [genesis.hash])
    const alice = await peerWith([a0, a1], [genesis, grant])
    const bob = await peerWith([a0.slice(0, 800), a2], [genesis])
    const carol = await startedMemoryStorage()
    const { asked, kinds } = await syncInto(carol, new Map([['alice', alice.responder], ['bob', bob.responder]]))
    expect(kinds[0]).toBe('authority')
    expect(kinds.lastIndexOf('authority')).toBeLessThan(kinds.indexOf('range'))
    expect(Object.fromEntries((await carol.feeds.heads(channel)).map((h) => [h.author, h.seq]))).toEqual({ [author(0).id]: 1200, [author(1).id]: 300, [author(2).id]: 50 })
    expect((await carol.authority.list(room)).map((e) => e.hash).sort()).toEqual([genesis.hash, grant.hash].sort())
    expect(asked.get('alice')).toBeGreaterThan(1)
    expect(asked.get('bob')).toBeGreaterThan(1)
    expect(carol.putCalls()).toBeGreaterThanOrEqual(6)
  })

  it('finishes when our ACL refuses part of what peers hold (a ban), instead of asking again forever', async () => {
    const [a0] = await Promise.all([chain(author(0), 40)])
    const alice = await peerWith([a0], [])
    const bob = await peerWith([a0.slice(0, 30)], [])
    const carol = await startedMemoryStorage()
    const acl = createAclViewTwin()
    acl.ban(author(0).id, new Map([[channel, 12]]))
    const { asked } = await syncInto(carol, new Map([['alice', alice.responder], ['bob', bob.responder]]), acl)
    expect((await carol.feeds.heads(channel))[0]?.seq).toBe(12)
    expect((asked.get('alice') ?? 0) + (asked.get('bob') ?? 0)).toBeLessThanOrEqual(4)
  })

  it('reports a peer that sends forged entries and completes from the honest one', async () => {
    const [a0] = await Promise.all([chain(author(0), 600)])
    const honest = await peerWith([a0], [])
    const liar = await peerWith([a0], [])
    const lying: SyncResponder = {
      hello: (channels) => liar.responder.hello(channels),
      async * respond (request) {
        for await (const m of liar.responder.respond(request)) {
          yield m.t !== 'entries' ? m : { ...m, entries: m.entries.map((e) => ({ entry: flipLastByte(e.entry), payload: e.payload })) }
        }
      }
    }
    const carol = await startedMemoryStorage()
    const { planner, asked } = await syncInto(carol, new Map([['liar', lying], ['honest', honest.responder]]))
    expect((await carol.feeds.heads(channel))[0]?.seq).toBe(600)
    expect(planner.isUsable('liar')).toBe(false)
    expect(asked.get('liar')).toBeGreaterThanOrEqual(1)
  })
})

function flipLastByte (bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes)
  out[out.length - 1]! ^= 1
  return out
}
