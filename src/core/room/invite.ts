import type { Signer } from '../identity/ed25519.ts'
import { buildEntry } from '../authority/build.ts'
import type { SignedAuthorityEntry } from '../authority/entry.ts'
import type { BuildContext } from '../authority/log.ts'
import { type InviteLink, formatInviteLink, formatMagnetLink } from './invite-link.ts'

export interface CreateInviteInit {
  readonly context: BuildContext
  readonly signer: Signer
  readonly role?: string
  readonly maxUses?: number | null
  /** Wall-clock ms; a JOIN whose ts is later is rejected (invite-expired). */
  readonly expiresAt?: number | null
  /** Where the app is served, e.g. location.origin. */
  readonly origin: string
  readonly bootstrap?: readonly string[]
  readonly name?: string
  readonly ts?: number
}

export interface CreatedInvite {
  readonly entry: SignedAuthorityEntry
  readonly link: InviteLink
  readonly url: string
  readonly magnet: string
}

/**
 * Makes an invite in one step: a fresh invite key pair, the INVITE_CREATE entry naming its public
 * half, and the links carrying its secret half. Publish the entry before sharing the link, or a
 * JOIN will wait (as incomplete) until the entry reaches the joiner's peers.
 */
export async function createInvite (init: CreateInviteInit): Promise<CreatedInvite> {
  const secret = crypto.getRandomValues(new Uint8Array(32))
  const entry = await buildEntry.inviteCreate({ context: init.context, signer: init.signer, ts: init.ts }, {
    secret, role: init.role ?? 'member', maxUses: init.maxUses ?? null, expiresAt: init.expiresAt ?? null
  })
  const link: InviteLink = { room: init.context.room, secret, bootstrap: init.bootstrap ?? [], name: init.name ?? null }
  return { entry, link, url: formatInviteLink(link, init.origin), magnet: formatMagnetLink(link) }
}
