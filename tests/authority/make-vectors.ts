// Regenerates tests/fixtures/authority.vectors.json: `npx tsx tests/authority/make-vectors.ts`.
// Ed25519 signing is deterministic and every key, nonce and clock here is fixed, so the output
// only changes when the protocol does.
import * as dagCbor from '@ipld/dag-cbor'
import { writeFileSync } from 'node:fs'
import { join as joinPath } from 'node:path'
import { buildEntry } from '../../src/core/authority/build.ts'
import { signedBytesOf, type SignedAuthorityEntry } from '../../src/core/authority/entry.ts'
import { LAMPORT_MAX_STEP } from '../../src/core/authority/lamport.ts'
import { authorityLog } from '../../src/core/authority/log.ts'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { hashOf } from '../../src/core/codec/hash.ts'
import type { Signer } from '../../src/core/identity/ed25519.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import { type AuthorId, type ChannelId, asChannelId } from '../../src/core/types.ts'
import { T0, alice, bob, modA, modB, owner, testRoom } from './helpers.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

async function resign (bytes: Uint8Array, signer: Signer | null, change: (r: Record<string, unknown>) => void): Promise<Uint8Array> {
  const record = dagCbor.decode<Record<string, unknown>>(bytes)
  change(record)
  if (signer != null) record.sig = await signer.sign(signedBytesOf(record))
  return encodeCanonical(record)
}

interface MayAppendCase { author: AuthorId, channel: ChannelId, seq: number, ok: boolean, reason?: string }

function replayVector (name: string, description: string, entries: readonly SignedAuthorityEntry[], mayAppend: MayAppendCase[] = []): unknown {
  const log = authorityLog({ room: entries[0]!.entry.room })
  log.add(entries)
  return {
    name,
    description,
    room: log.room,
    entries: entries.map((e) => hex(e.bytes)),
    expected: {
      complete: log.complete,
      members: Object.fromEntries(log.members().map((m) => [m.id, m.role])),
      bans: log.bans().map((b) => b.target).sort(),
      channels: log.channels().map((c) => ({ id: c.id, name: c.name, archived: c.archived })),
      rejected: log.rejected().map((r) => ({ hash: r.hash, reason: r.reason })),
      stateHash: hashOf(log.encodeState()),
      mayAppend
    }
  }
}

async function main (): Promise<void> {
  const r = await testRoom()
  const grant = await r.act(owner, 'grant', { target: alice.id, role: 'member' })
  const other = await createRoom({ signer: owner, name: 'other room', policy: 'open', channels: [], nonce: new Uint8Array(16).fill(8), ts: T0 })
  const join = await buildEntry.join({ context: r.log.buildContext(), signer: alice, ts: T0 + 50 }, { secret: new Uint8Array(32).fill(9) })
  const weak = new Uint8Array(32)
  weak[0] = 1 // the identity point: small order, verifies anything under some verifiers
  const entryVectors = [
    { name: 'genesis', bytes: r.genesis.bytes, valid: true, hash: r.genesis.hash },
    { name: 'grant', bytes: grant.bytes, valid: true, hash: grant.hash },
    { name: 'forged signature', bytes: await resign(grant.bytes, null, (x) => { (x.sig as Uint8Array)[5]! ^= 0x40 }), reason: 'bad-signature' },
    { name: 'role changed after signing', bytes: await resign(grant.bytes, null, (x) => { x.role = 'owner' }), reason: 'bad-signature' },
    { name: 'over 4 KiB', bytes: await resign(grant.bytes, owner, (x) => { x.role = 'r'.repeat(4100) }), reason: 'too-large' },
    { name: 'for another room', bytes: grant.bytes, room: other.roomId, reason: 'wrong-room' },
    { name: 'genesis whose room id does not derive from creator, name and nonce', bytes: await resign(r.genesis.bytes, owner, (x) => { x.nonce = new Uint8Array(16).fill(1) }), reason: 'wrong-room' },
    { name: 'unknown action', bytes: await resign(grant.bytes, owner, (x) => { x.action = 'promote' }), reason: 'malformed' },
    { name: 'unexpected field', bytes: await resign(grant.bytes, owner, (x) => { x.note = 'hi' }), reason: 'malformed' },
    { name: 'non-genesis without parents', bytes: await resign(grant.bytes, owner, (x) => { x.prev = [] }), reason: 'malformed' },
    { name: 'non-minimal map header', bytes: new Uint8Array([0xb9, 0x00, grant.bytes[0]! & 0x1f, ...grant.bytes.slice(1)]), reason: 'malformed' },
    { name: 'weak (small-order) signer key', bytes: await resign(grant.bytes, null, (x) => { x.signer = weak }), reason: 'weak-key' },
    { name: 'join', bytes: join.bytes, valid: true, hash: join.hash },
    { name: 'join with an invite proof made for another joiner', bytes: await resign(join.bytes, bob, (x) => { x.signer = bob.publicKey }), reason: 'invite-invalid' }
  ].map((v) => ({ ...v, bytes: hex(v.bytes), room: v.room ?? r.log.room, valid: v.valid ?? false }))

  // back-dated ban by a revoked mod
  const a = await testRoom()
  await a.act(owner, 'grant', { target: modA.id, role: 'mod' })
  await a.act(owner, 'grant', { target: alice.id, role: 'member' })
  const before = a.log.buildContext()
  await a.act(owner, 'revoke', { target: modA.id })
  await a.act(modA, 'ban', { target: alice.id, reason: 'revenge', frontier: {} }, before)

  // invites: exhausted and expired
  const b = await testRoom()
  const s1 = new Uint8Array(32).fill(11)
  const s2 = new Uint8Array(32).fill(12)
  await b.act(owner, 'inviteCreate', { secret: s1, role: 'member', maxUses: 1 })
  await b.act(alice, 'join', { secret: s1 })
  await b.act(bob, 'join', { secret: s1 })
  await b.act(owner, 'inviteCreate', { secret: s2, role: 'member', expiresAt: T0 })
  await b.act(bob, 'join', { secret: s2 })

  // a ban with a frontier, an archived channel
  const c = await testRoom('open')
  await c.act(owner, 'grant', { target: modA.id, role: 'mod' })
  await c.act(modA, 'ban', { target: bob.id, reason: 'spam', frontier: { [c.general]: 2 } })
  const random = await c.act(modA, 'channelCreate', { name: 'random' })
  await c.act(modA, 'channelArchive', { channel: asChannelId(random.hash), archived: true, frontier: { [alice.id]: 1 } })
  const rid = asChannelId(random.hash)

  // concurrent revocations between mods of different ranks
  const d = await testRoom()
  await d.act(owner, 'defineRole', { name: 'admin', capabilities: 0x2ff, rank: 700 })
  await d.act(owner, 'defineRole', { name: 'senior', capabilities: 0x2ff, rank: 800 })
  await d.act(owner, 'grant', { target: modA.id, role: 'admin' })
  await d.act(owner, 'grant', { target: modB.id, role: 'mod' })
  const fork = d.log.buildContext()
  const promote = await d.act(owner, 'grant', { target: modB.id, role: 'senior' }, fork)
  await d.act(modA, 'revoke', { target: modB.id }, fork)
  await d.act(modB, 'revoke', { target: modA.id }, { prev: [promote.hash], lamport: promote.entry.lamport + 1 })

  // a JOIN back-dated onto heads from before its invite was revoked
  const e = await testRoom()
  const s3 = new Uint8Array(32).fill(13)
  const inv = await e.act(owner, 'inviteCreate', { secret: s3, role: 'member' })
  const beforeRevoke = e.log.buildContext()
  await e.act(owner, 'inviteRevoke', { invite: (inv.entry as { invite: AuthorId }).invite })
  await e.act(alice, 'join', { secret: s3 }, beforeRevoke)

  // a grant of a weaker role at the same rank takes BAN: the back-dated ban is void
  const f = await testRoom()
  await f.act(owner, 'defineRole', { name: 'steward', capabilities: 1 | 4, rank: 500 })
  await f.act(owner, 'grant', { target: modA.id, role: 'mod' })
  await f.act(owner, 'grant', { target: alice.id, role: 'member' })
  const beforeSteward = f.log.buildContext()
  await f.act(owner, 'grant', { target: modA.id, role: 'steward' })
  await f.act(modA, 'ban', { target: alice.id, frontier: {} }, beforeSteward)

  // a role redefinition that drops BAN: its holder's back-dated ban is void, a back-dated pin it keeps stands
  const g = await testRoom()
  await g.act(owner, 'defineRole', { name: 'helper', capabilities: 1 | 4 | 16, rank: 200 })
  await g.act(owner, 'grant', { target: modA.id, role: 'helper' })
  await g.act(owner, 'grant', { target: alice.id, role: 'member' })
  const beforeDrop = g.log.buildContext()
  await g.act(owner, 'defineRole', { name: 'helper', capabilities: 1 | 4, rank: 200 })
  const voidBan = await g.act(modA, 'ban', { target: alice.id, frontier: {} }, beforeDrop)
  await g.act(modA, 'pin', { channel: g.general, message: voidBan.hash, pinned: true }, { ...beforeDrop, prev: [voidBan.hash], lamport: voidBan.entry.lamport + 1 })

  // lamports: one past the bound is broken-chain, at the bound it applies
  const h = await testRoom()
  await h.act(owner, 'grant', { target: alice.id, role: 'member' }, { lamport: LAMPORT_MAX_STEP + 1 })
  await h.act(owner, 'grant', { target: bob.id, role: 'member' }, { lamport: LAMPORT_MAX_STEP })

  // a demoted inviter's invite: the JOIN concurrent with the demotion is void, a later one invite-invalid
  const k = await testRoom()
  const s4 = new Uint8Array(32).fill(14)
  await k.act(owner, 'grant', { target: modA.id, role: 'mod' })
  await k.act(modA, 'inviteCreate', { secret: s4, role: 'member' })
  const beforeDemotion = k.log.buildContext()
  await k.act(owner, 'grant', { target: modA.id, role: 'member' })
  await k.act(alice, 'join', { secret: s4 }, beforeDemotion)
  await k.act(bob, 'join', { secret: s4 })

  const vectors = {
    description: 'Authority-log vectors. entry: validateAuthorityEntry(bytes, room) verdicts. replay: the state after adding all entries (any order). Byte strings are hex.',
    entry: entryVectors,
    replay: [
      replayVector('back-dated ban by a revoked mod', 'modA signs a ban on heads from before its revocation; it is void, alice stays', a.made),
      replayVector('invite exhausted and expired', 'maxUses 1 admits alice, not bob; a JOIN with ts after expiresAt is invite-expired', b.made),
      replayVector('ban frontier and archived channel', 'bob keeps seq <= 2 in general; random is archived with alice kept up to seq 1', c.made, [
        { author: bob.id, channel: c.general, seq: 2, ok: true },
        { author: bob.id, channel: c.general, seq: 3, ok: false, reason: 'banned' },
        { author: alice.id, channel: rid, seq: 1, ok: true },
        { author: alice.id, channel: rid, seq: 2, ok: false, reason: 'unauthorized' }
      ]),
      replayVector('missing parent', 'the middle entry is absent: the last waits and the state is incomplete', a.made.filter((_, i) => i !== 1)),
      replayVector('concurrent revocations', 'modA revokes modB while the owner promotes modB, who then revokes modA', d.made),
      replayVector('back-dated join on a revoked invite', 'alice joins on heads from before the invite-revoke; the join is void', e.made),
      replayVector('weaker role at the same rank', 'modA becomes steward (rank 500, no BAN); its ban on heads from before is void', f.made),
      replayVector('role redefinition drops a capability', 'helper loses BAN: the back-dated ban is void, the back-dated pin (PIN kept) stands', g.made),
      replayVector('lamport bound', 'a grant 2^24 + 1 past its parent is broken-chain; one exactly 2^24 past applies', h.made),
      replayVector('demoted inviter', 'modA, demoted to member, may no longer invite: the concurrent JOIN is void, the later one invite-invalid', k.made)
    ]
  }
  writeFileSync(joinPath(import.meta.dirname, '..', 'fixtures', 'authority.vectors.json'), JSON.stringify(vectors, null, 2) + '\n')
}

await main()
