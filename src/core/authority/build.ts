import { CID } from 'multiformats/cid'
import { encodeCanonical } from '../codec/canonical.ts'
import { hashOf } from '../codec/hash.ts'
import { EncodingError, RecordTooLargeError } from '../errors.ts'
import { type Signer, authorIdOf, signerFromSeed } from '../identity/ed25519.ts'
import type { AuthorId, ChannelId, EntryHash } from '../types.ts'
import { AUTHORITY_ENTRY_MAX_BYTES, type ActionBody, type Frontier, type Policy, type SignedAuthorityEntry, entryOf, recordFieldsOf, recordProblem, signedBytesOf } from './entry.ts'
import { inviteProofMessage } from './invite-proof.ts'
import type { BuildContext } from './log.ts'

/** Where a new entry hangs (parents, lamport) and its wall-clock stamp (shown, never ordered by). */
export interface BuildInit {
  readonly context: BuildContext
  readonly signer: Signer
  /** Defaults to Date.now(). */
  readonly ts?: number
}

/**
 * Signs an authority entry: canonical record without `sig`, Ed25519 over it, then the record with
 * `sig`. Throws (local misuse) on fields that peers would reject or on an entry over 4 KiB, so we
 * never publish what others refuse.
 */
export async function signAuthorityEntry (init: BuildInit, body: ActionBody): Promise<SignedAuthorityEntry> {
  const { context, signer } = init
  const record: Record<string, unknown> = {
    v: 1,
    t: 'auth',
    room: context.room,
    signer: signer.publicKey,
    lamport: context.lamport,
    ts: init.ts ?? Date.now(),
    prev: context.prev.map((p) => CID.parse(p)),
    ...recordFieldsOf(body)
  }
  record.sig = await signer.sign(signedBytesOf(record))
  const problem = recordProblem(record)
  if (problem != null) throw new EncodingError(`authority entry: ${problem}`)
  const bytes = encodeCanonical(record)
  if (bytes.byteLength > AUTHORITY_ENTRY_MAX_BYTES) throw new RecordTooLargeError('authority entry', bytes.byteLength, AUTHORITY_ENTRY_MAX_BYTES)
  const hash = hashOf(bytes)
  return { hash, bytes, entry: entryOf(hash, record) }
}

/** An invite's key pair: the public half goes in INVITE_CREATE, the secret seed only in the link. */
export function inviteKeyOf (secret: Uint8Array): AuthorId {
  return signerFromSeed(secret).id
}

/**
 * One builder per action. Each takes the log's {@link BuildContext} (heads as prev, lamport one
 * above everything seen) and a signer, so callers never pick parents or clocks by hand.
 */
export const buildEntry = {
  grant: (init: BuildInit, f: { target: AuthorId, role: string, frontier?: Frontier }) =>
    signAuthorityEntry(init, { action: 'grant', target: f.target, role: f.role, frontier: f.frontier ?? {} }),
  revoke: (init: BuildInit, f: { target: AuthorId, frontier?: Frontier }) =>
    signAuthorityEntry(init, { action: 'revoke', target: f.target, frontier: f.frontier ?? {} }),
  ban: (init: BuildInit, f: { target: AuthorId, reason?: string, frontier: Frontier }) =>
    signAuthorityEntry(init, { action: 'ban', target: f.target, reason: f.reason ?? '', frontier: f.frontier }),
  unban: (init: BuildInit, f: { target: AuthorId }) =>
    signAuthorityEntry(init, { action: 'unban', target: f.target }),
  setPolicy: (init: BuildInit, f: { policy: Policy }) =>
    signAuthorityEntry(init, { action: 'set-policy', policy: f.policy }),
  defineRole: (init: BuildInit, f: { name: string, capabilities: number, rank: number }) =>
    signAuthorityEntry(init, { action: 'define-role', ...f }),
  channelCreate: (init: BuildInit, f: { name: string, topic?: string }) =>
    signAuthorityEntry(init, { action: 'channel-create', name: f.name, topic: f.topic ?? '' }),
  channelRename: (init: BuildInit, f: { channel: ChannelId, name: string, topic?: string }) =>
    signAuthorityEntry(init, { action: 'channel-rename', channel: f.channel, name: f.name, topic: f.topic ?? '' }),
  /** Archive with `frontier` (author hex -> highest seq stored) so history stays valid; unarchive with archived false. */
  channelArchive: (init: BuildInit, f: { channel: ChannelId, archived: boolean, frontier?: Frontier }) =>
    signAuthorityEntry(init, { action: 'channel-archive', channel: f.channel, archived: f.archived, frontier: f.frontier ?? {} }),
  /** Moves a channel to `position` in the display order (clamped to the end); the others shift. */
  channelMove: (init: BuildInit, f: { channel: ChannelId, position: number }) =>
    signAuthorityEntry(init, { action: 'channel-move', ...f }),
  inviteCreate: (init: BuildInit, f: { secret: Uint8Array, role: string, expiresAt?: number | null, maxUses?: number | null }) =>
    signAuthorityEntry(init, { action: 'invite-create', invite: inviteKeyOf(f.secret), role: f.role, expiresAt: f.expiresAt ?? null, maxUses: f.maxUses ?? null }),
  inviteRevoke: (init: BuildInit, f: { invite: AuthorId }) =>
    signAuthorityEntry(init, { action: 'invite-revoke', invite: f.invite }),
  /** JOIN, signed by the joiner; with an invite secret it carries the invite's proof over (room, joiner). */
  join: async (init: BuildInit, f: { secret?: Uint8Array | null } = {}) => {
    const invite = f.secret != null ? signerFromSeed(f.secret) : undefined
    const inviteSig = invite != null ? await invite.sign(inviteProofMessage(init.context.room, init.signer.publicKey)) : null
    return signAuthorityEntry(init, { action: 'join', invite: invite != null ? authorIdOf(invite.publicKey) : null, inviteSig })
  },
  roomUpdate: (init: BuildInit, f: { name: string, description?: string, tags?: readonly string[] }) =>
    signAuthorityEntry(init, { action: 'room-update', name: f.name, description: f.description ?? '', tags: f.tags ?? [] }),
  pin: (init: BuildInit, f: { channel: ChannelId, message: EntryHash, pinned: boolean }) =>
    signAuthorityEntry(init, { action: 'pin', ...f })
} as const
