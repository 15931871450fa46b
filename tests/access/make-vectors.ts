// Regenerates tests/fixtures/access.vectors.json: `npx tsx tests/access/make-vectors.ts`.
// Ed25519 signing is deterministic and every key, peer id and nonce here is fixed, so the output
// only changes when the protocol does.
import * as dagCbor from '@ipld/dag-cbor'
import { writeFileSync } from 'node:fs'
import { join as joinPath } from 'node:path'
import { type AccessContext, accessMessage } from '../../src/core/access/challenge.ts'
import { signAccessProof } from '../../src/core/access/proof.ts'
import { verifyAccess } from '../../src/core/access/verify.ts'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { asRoomId } from '../../src/core/types.ts'
import { type AclFixture, aclOf } from './acl-fixture.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n)
const member = signerFromSeed(seed(4))
const outsider = signerFromSeed(seed(9))
const inviteSeed = seed(7)
const inviteKey = hex(signerFromSeed(inviteSeed).publicKey)
const NOW = 1_700_000_000_000

const context: AccessContext = {
  room: asRoomId('bafkreiavz5q6xhqin4zahd3rbocuan6e6jylqjnbduzablxraqiuke7r5u'),
  prover: '12D3KooWProverPeerIdForTheAccessVectors1111111111111',
  verifier: '12D3KooWVerifierPeerIdForTheAccessVectors22222222222',
  nonce: new Uint8Array(32).fill(0xab)
}
const wire = (c: AccessContext): Record<string, unknown> => ({ room: c.room, prover: c.prover, verifier: c.verifier, nonce: hex(c.nonce) })

const inviteOnly = (extra: Partial<AclFixture> = {}): AclFixture => ({ policy: 'invite-only', roles: { [member.id]: 'member' }, invites: {}, ...extra })
const invite = (over: Partial<AclFixture['invites'][string]> = {}): AclFixture['invites'] => ({ [inviteKey]: { revoked: false, expiresAt: null, remainingUses: 1, ...over } })

/** A decoded proof, to forge variants of. */
interface ProofRecord { v: number, member: { key: Uint8Array, sig: Uint8Array }, invite: { key: Uint8Array, sig: Uint8Array } | null }

interface Case { name: string, description: string, proof: Uint8Array, acl: AclFixture, context?: AccessContext }

async function main (): Promise<void> {
  const memberProof = await signAccessProof(member, context)
  const outsiderProof = await signAccessProof(outsider, context)
  const joinerProof = await signAccessProof(outsider, context, inviteSeed)
  const forVerifier = await signAccessProof(member, { ...context, verifier: '12D3KooWSomeOtherVerifier333333333333333333333333333' })
  const forNonce = await signAccessProof(member, { ...context, nonce: new Uint8Array(32).fill(0xcd) })
  const forProver = await signAccessProof(member, { ...context, prover: '12D3KooWAttackerPeer44444444444444444444444444444444' })
  const decoded = dagCbor.decode<ProofRecord>(joinerProof)
  const staleInvite = encodeCanonical({ ...decoded, invite: { key: decoded.invite!.key, sig: (dagCbor.decode<ProofRecord>(await signAccessProof(outsider, { ...context, nonce: new Uint8Array(32) }, inviteSeed))).invite!.sig } })
  const swappedKey = encodeCanonical({ ...dagCbor.decode<ProofRecord>(memberProof), member: { key: outsider.publicKey, sig: dagCbor.decode<ProofRecord>(memberProof).member.sig } })
  const extraField = encodeCanonical({ ...dagCbor.decode<ProofRecord>(memberProof), room: context.room })
  const shortSig = encodeCanonical({ v: 1, member: { key: member.publicKey, sig: new Uint8Array(63) }, invite: null })
  const wrongVersion = encodeCanonical({ ...dagCbor.decode<ProofRecord>(memberProof), v: 2 })
  const huge = encodeCanonical({ v: 1, member: { key: member.publicKey, sig: new Uint8Array(64) }, invite: null, pad: new Uint8Array(600) })
  // a map with keys out of canonical order: DAG-CBOR decoders accept it, the canonical check does not
  const nonCanonical = Uint8Array.from([...Buffer.from('a3', 'hex'), ...dagCbor.encode('member'), ...dagCbor.encode({ key: member.publicKey, sig: dagCbor.decode<ProofRecord>(memberProof).member.sig }), ...dagCbor.encode('invite'), ...dagCbor.encode(null), ...dagCbor.encode('v'), ...dagCbor.encode(1)])
  const messageExample = accessMessage(context, member.publicKey)

  const cases: Case[] = [
    { name: 'member', description: 'a member key proves itself in an invite-only room', proof: memberProof, acl: inviteOnly() },
    { name: 'member-with-invite', description: 'a member that still sends its invite is served as a member, even when the invite is used up', proof: await signAccessProof(member, context, inviteSeed), acl: inviteOnly({ invites: invite({ remainingUses: 0 }) }) },
    { name: 'open-room-outsider', description: 'an open room is readable by any key that is not banned', proof: outsiderProof, acl: { policy: 'open', roles: {}, invites: {} } },
    { name: 'joiner-with-invite', description: 'a key without a role holding a valid unused invite is served for its join', proof: joinerProof, acl: inviteOnly({ invites: invite() }) },
    { name: 'joiner-unlimited-invite', description: 'an invite without a use limit admits', proof: joinerProof, acl: inviteOnly({ invites: invite({ remainingUses: null, expiresAt: NOW + 1 }) }) },
    { name: 'outsider-invite-only', description: 'a valid proof of a key without a role and without an invite is refused', proof: outsiderProof, acl: inviteOnly() },
    { name: 'banned-open', description: 'a banned key is refused even in an open room', proof: memberProof, acl: { policy: 'open', roles: { [member.id]: 'banned' }, invites: {} } },
    { name: 'banned-with-invite', description: 'a banned key is refused although it holds a valid invite', proof: await signAccessProof(member, context, inviteSeed), acl: inviteOnly({ roles: { [member.id]: 'banned' }, invites: invite() }) },
    { name: 'invite-exhausted', description: 'an invite whose uses are spent admits nobody new', proof: joinerProof, acl: inviteOnly({ invites: invite({ remainingUses: 0 }) }) },
    { name: 'invite-expired', description: 'an invite past its expiry admits nobody', proof: joinerProof, acl: inviteOnly({ invites: invite({ expiresAt: NOW - 1 }) }) },
    { name: 'invite-revoked', description: 'a revoked invite admits nobody', proof: joinerProof, acl: inviteOnly({ invites: invite({ revoked: true }) }) },
    { name: 'invite-unknown', description: 'an invite key the log does not name admits nobody', proof: joinerProof, acl: inviteOnly() },
    { name: 'other-verifier', description: 'a proof made for another verifier cannot be replayed to this one', proof: forVerifier, acl: inviteOnly() },
    { name: 'other-nonce', description: 'a proof made for an earlier challenge cannot be replayed', proof: forNonce, acl: inviteOnly() },
    { name: 'other-prover', description: 'a proof bound to another requester peer id does not verify for this one', proof: forProver, acl: inviteOnly() },
    { name: 'other-room', description: 'a proof for one room does not open another', proof: memberProof, acl: inviteOnly(), context: { ...context, room: asRoomId('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy') } },
    { name: 'stale-invite-signature', description: 'an invite signature over an earlier challenge is refused', proof: staleInvite, acl: inviteOnly({ invites: invite() }) },
    { name: 'swapped-key', description: "a member's signature presented with another key", proof: swappedKey, acl: inviteOnly({ roles: { [member.id]: 'member', [outsider.id]: 'member' } }) },
    { name: 'extra-field', description: 'unknown fields are refused', proof: extraField, acl: inviteOnly() },
    { name: 'short-signature', description: 'a signature that is not 64 bytes', proof: shortSig, acl: inviteOnly() },
    { name: 'wrong-version', description: 'only v1 proofs are understood', proof: wrongVersion, acl: inviteOnly() },
    { name: 'too-large', description: 'a proof over 512 bytes is refused before it is parsed', proof: huge, acl: inviteOnly() },
    { name: 'non-canonical', description: 'map keys out of canonical order', proof: nonCanonical, acl: inviteOnly() },
    { name: 'not-cbor', description: 'bytes that do not decode', proof: Uint8Array.from([0xff, 0x00, 0x13]), acl: inviteOnly() }
  ]
  const out = []
  for (const c of cases) {
    const ctx = c.context ?? context
    const verdict = await verifyAccess(c.proof, ctx, aclOf(c.acl), NOW)
    out.push({
      name: c.name,
      description: c.description,
      context: wire(ctx),
      acl: c.acl,
      proof: hex(c.proof),
      expected: verdict.ok ? { ok: true, author: verdict.value.author, admission: verdict.value.admission } : { ok: false, reason: verdict.reason }
    })
  }
  const fixture = {
    description: 'Access-proof vectors (src/core/access). The verifier checks `proof` against `context` and the ACL at time `now`. Each signature is Ed25519 over encodeCanonical(["peer-rooms/access/v1", room, prover, verifier, nonce, key]). Byte strings are hex.',
    now: NOW,
    seeds: { member: hex(seed(4)), outsider: hex(seed(9)), invite: hex(inviteSeed) },
    message: { context: wire(context), key: hex(member.publicKey), bytes: hex(messageExample) },
    cases: out
  }
  writeFileSync(joinPath(import.meta.dirname, '../fixtures/access.vectors.json'), JSON.stringify(fixture, null, 2) + '\n')
}

await main()
