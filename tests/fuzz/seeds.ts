// Valid samples of every decoder's input, for the fuzzers to damage.
import { buildEntry } from '../../src/core/authority/build.ts'
import { appendEntry } from '../../src/core/feed/append.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { buildProfile } from '../../src/core/identity/profile.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import { formatInviteLink, formatMagnetLink } from '../../src/core/room/invite-link.ts'
import { SyncErrorCode, encodeSyncMessage } from '../../src/core/sync/messages.ts'
import { signPresence } from '../../src/network/room-presence.ts'

export const T0 = 1_700_000_000_000
const owner = signerFromSeed(new Uint8Array(32).fill(1))
const other = signerFromSeed(new Uint8Array(32).fill(2))

/** One small room and a valid sample of each record kind in it. */
export async function makeSeeds () {
  const created = await createRoom({ signer: owner, name: 'fuzz', policy: 'invite-only', channels: [{ name: 'general' }], nonce: new Uint8Array(16).fill(3), ts: T0 })
  const room = created.roomId
  const channel = created.channels[0]!
  const context = { room, prev: [created.genesis.hash], lamport: 1 }
  const secret = new Uint8Array(32).fill(9)
  const init = { context, signer: owner, ts: T0 }
  const authority = [
    created.genesis,
    await buildEntry.grant(init, { target: other.id, role: 'mod', frontier: { [channel]: 3 } }),
    await buildEntry.ban(init, { target: other.id, reason: 'spam', frontier: { [channel]: 2 } }),
    await buildEntry.defineRole(init, { name: 'helper', capabilities: 5, rank: 50 }),
    await buildEntry.inviteCreate(init, { secret, role: 'member', expiresAt: T0 + 1000, maxUses: 2 }),
    await buildEntry.join({ context, signer: other, ts: T0 }, { secret }),
    await buildEntry.channelArchive(init, { channel, archived: true, frontier: { [other.id]: 4 } }),
    await buildEntry.roomUpdate(init, { name: 'n', description: 'd', tags: ['a', 'b'] })
  ].map((e) => e.bytes)
  const first = await appendEntry(owner, { room, channel, roomLamport: 1, type: 'chat/text', payload: new TextEncoder().encode('{"text":"hi"}'), ts: T0 })
  const second = await appendEntry(owner, { room, channel, head: first.stored, roomLamport: 2, type: 'chat/reaction', payload: new Uint8Array([1, 2, 3]), ts: T0 + 1 })
  const feed = [first.envelope, second.envelope]
  const sync = [
    encodeSyncMessage({ t: 'hello', room, authorityHeads: [created.genesis.hash], clocks: new Map([[channel, new Map([[owner.id, 2]])]]) }),
    encodeSyncMessage({ t: 'auth-by-hash', id: 1, hashes: [created.genesis.hash] }),
    encodeSyncMessage({ t: 'auth-after', id: 2, heads: [created.genesis.hash] }),
    encodeSyncMessage({ t: 'range', id: 3, channel, author: owner.id, fromSeq: 1, toSeq: 2 }),
    encodeSyncMessage({ t: 'entries', id: 4, entries: feed }),
    encodeSyncMessage({ t: 'auth-entries', id: 5, entries: authority.slice(0, 2) }),
    encodeSyncMessage({ t: 'done', id: 6 }),
    encodeSyncMessage({ t: 'error', id: 7, code: SyncErrorCode.Busy, message: 'later' })
  ]
  const presence = [
    await signPresence(owner, { room, peer: '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo', ts: T0 }),
    await signPresence(other, { room, peer: '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo', channel, ts: T0 })
  ]
  const profiles = [
    (await buildProfile(owner, { name: 'Alice', updatedAt: T0 })).bytes,
    (await buildProfile(other, { name: 'Bob', avatar: { mime: 'image/png', bytes: new Uint8Array([137, 80, 78, 71, 1, 2]) }, updatedAt: T0 })).bytes
  ]
  const link = { room, secret, bootstrap: ['/dns4/relay.example/tcp/443/wss/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'], name: 'fuzz' }
  const links = [formatInviteLink(link, 'https://rooms.example'), formatMagnetLink(link), formatMagnetLink({ ...link, secret: null, bootstrap: [], name: null })]
  return { room, authority, feed, sync, presence, profiles, links }
}
