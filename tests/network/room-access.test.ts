// The access handshake on the sync and profiles streams (src/network/access-handshake.ts), with the
// real rule (src/core/access), a real replayed authority log and the client's RoomAccess, over
// in-memory libp2p stream pairs (a twin of PeerNode's handle/newStream).
import { describe, expect, it } from 'vitest'
import { streamPair } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { createRoomAccess } from '../../src/client/room-access.ts'
import type { Signer } from '../../src/core/identity/ed25519.ts'
import { buildProfile } from '../../src/core/identity/profile.ts'
import { createSyncResponder } from '../../src/core/sync/responder.ts'
import type { RoomAccess } from '../../src/network/access-handshake.ts'
import { requestProfiles, createRoomProfilesServer } from '../../src/network/room-profiles.ts'
import { createRoomSync, createRoomSyncServer } from '../../src/network/room-sync.ts'
import { actor, alice, owner, testRoom, type TestRoom } from '../authority/helpers.ts'
import { startedMemoryStorage } from '../feed/twins.ts'

type Handler = (stream: Stream, peer: string) => void | Promise<void>
const SERVER = '12D3KooWserver'
const INVITE = new Uint8Array(32).fill(42)

/** The member's peer: serves sync and profiles for room `r`, counting what it hands out. */
async function servingMember (r: TestRoom) {
  const storage = await startedMemoryStorage()
  const responder = createSyncResponder({ storage }, { room: r.log.room })
  const access = createRoomAccess((room) => room === r.log.room ? { log: r.log, secret: null } : undefined, () => owner)
  const handlers = new Map<string, Handler>()
  const counts = { hellos: 0, requests: 0, profileAnswers: 0, garbage: [] as string[], refused: [] as string[] }
  const node = {
    peerId: SERVER,
    handle: (protocol: string, h: Handler) => { handlers.set(protocol, h); return Promise.resolve() },
    unhandle: () => Promise.resolve()
  }
  const onGarbage = (_peer: string, detail: string): void => { counts.garbage.push(detail) }
  const onRefused = (_room: unknown, _peer: string, detail: string): void => { counts.refused.push(detail) }
  await createRoomSyncServer({ node }, {
    access,
    responder: () => ({
      responder: {
        hello: async (channels) => { counts.hellos++; return responder.hello(channels) },
        respond: (request, signal) => { counts.requests++; return responder.respond(request, signal) }
      },
      channels: () => [r.general]
    }),
    onHello: () => {},
    onGarbage,
    onRefused
  }).start()
  const ownerProfile = await buildProfile(owner, { name: 'owner', updatedAt: 1 })
  await createRoomProfilesServer({ node }, {
    access,
    profilesOf: () => { counts.profileAnswers++; return [ownerProfile.bytes] },
    onGarbage,
    onRefused
  }).start()
  /** A requester's node: each stream it opens is served by our handler for that protocol. */
  const dialer = (peerId: string) => ({
    peerId,
    async newStream (_peer: string, protocol: string): Promise<Stream> {
      const [outbound, inbound] = await streamPair()
      void Promise.resolve(handlers.get(protocol)!(inbound, peerId)).catch(() => {})
      return outbound
    }
  })
  return { counts, dialer }
}

/** A requester signing as `signer`, holding `secret` as the room's invite (or nothing). */
function requester (r: TestRoom, signer: Signer, secret: Uint8Array | null): RoomAccess {
  return createRoomAccess((room) => room === r.log.room ? { log: r.log, secret } : undefined, () => signer)
}

async function syncAs (r: TestRoom, server: Awaited<ReturnType<typeof servingMember>>, access: Pick<RoomAccess, 'prove'>, peerId = '12D3KooWrequester') {
  const refused: string[] = []
  const bad: string[] = []
  const sync = createRoomSync({
    access,
    node: server.dialer(peerId),
    storage: await startedMemoryStorage(),
    room: { room: r.log.room, channelIds: () => [r.general], addAuthority: () => Promise.resolve({ rejected: [] }), feed: { ingest: () => Promise.reject(new Error('nothing to ingest')) }, log: { has: () => true } }
  }, { onProgress: () => {}, onBadPeer: (_p, d) => { bad.push(d) }, onRefused: (_p, d) => { refused.push(d) } })
  const ok = await sync.syncWith(SERVER)
  sync.stop()
  return { ok, refused, bad }
}

const profilesAs = async (r: TestRoom, server: Awaited<ReturnType<typeof servingMember>>, access: Pick<RoomAccess, 'prove'>) =>
  requestProfiles(server.dialer('12D3KooWrequester'), access, SERVER, { room: r.log.room, authors: [owner.id] })

describe('sync and profiles serve a room only to a peer that proves standing in it', () => {
  it('refuses a key that is not a member of an invite-only room: a refusal and nothing of the room', async () => {
    const r = await testRoom()
    const server = await servingMember(r)
    const outsider = requester(r, actor(30), null)
    const synced = await syncAs(r, server, outsider)
    expect(synced).toMatchObject({ ok: false, bad: [] })
    expect(synced.refused).toEqual([expect.stringMatching(/^unauthorized/)])
    const answer = await profilesAs(r, server, outsider)
    expect(answer.ok && 'refused' in answer.value ? answer.value.refused : answer).toMatch(/^unauthorized/)
    expect(server.counts).toMatchObject({ hellos: 0, requests: 0, profileAnswers: 0, garbage: [] })
    expect(server.counts.refused).toHaveLength(2)
  })

  it('serves a member, and an invitee for its join, and refuses the invitee once its invite is spent elsewhere', async () => {
    const r = await testRoom()
    await r.act(owner, 'inviteCreate', { secret: INVITE, role: 'member', maxUses: 1, expiresAt: null })
    const server = await servingMember(r)
    const joiner = requester(r, actor(31), INVITE)
    expect(await syncAs(r, server, joiner)).toMatchObject({ ok: true, refused: [] })
    expect(await profilesAs(r, server, joiner)).toMatchObject({ ok: true, value: { profiles: [expect.any(Uint8Array)] } })
    await r.act(alice, 'join', { secret: INVITE })
    expect(await syncAs(r, server, requester(r, alice, INVITE))).toMatchObject({ ok: true })
    expect(await syncAs(r, server, joiner)).toMatchObject({ ok: false, refused: [expect.stringMatching(/^invite-exhausted/)] })
    expect(server.counts).toMatchObject({ hellos: 2, profileAnswers: 1 })
  })

  it('serves anyone not banned in an open room', async () => {
    const r = await testRoom('open')
    const server = await servingMember(r)
    expect(await syncAs(r, server, requester(r, actor(32), null))).toMatchObject({ ok: true })
    await r.act(owner, 'ban', { target: actor(32).id, reason: 'spam', frontier: {} })
    expect(await syncAs(r, server, requester(r, actor(32), null))).toMatchObject({ ok: false, refused: [expect.stringMatching(/^banned/)] })
  })

  it('treats a proof replayed from another connection as garbage: it names the peer it was made for', async () => {
    const r = await testRoom()
    const server = await servingMember(r)
    // The member's proof, signed for its own peer id, presented by an attacker's peer id.
    const member = requester(r, owner, null)
    const relayed: Pick<RoomAccess, 'prove'> = { prove: (context) => member.prove({ ...context, prover: '12D3KooWmember' }) }
    expect(await syncAs(r, server, relayed, '12D3KooWattacker')).toMatchObject({ ok: false })
    expect(server.counts.garbage).toEqual([expect.stringMatching(/^access proof: bad-signature/)])
    expect(server.counts.hellos).toBe(0)
  })
})
