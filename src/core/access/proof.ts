import { decodeCanonical, encodeCanonical } from '../codec/canonical.ts'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, type Signer, signerFromSeed } from '../identity/ed25519.ts'
import { type Validated, accept, reject, RejectReason } from '../result.ts'
import { type AccessContext, accessMessage } from './challenge.ts'

/** An access proof is two keys and two signatures in a small map: anything larger is garbage. */
export const ACCESS_PROOF_MAX_BYTES = 512

/** One key's signature over {@link accessMessage}. */
export interface KeyProof { readonly key: Uint8Array, readonly sig: Uint8Array }

/**
 * The requester's answer to a challenge: its identity key's proof and, while it may still be
 * joining, the invite key's proof (the invite link's secret seed), so a verifier that has not yet
 * seen its JOIN still serves it what the join needs.
 */
export interface AccessProof { readonly member: KeyProof, readonly invite: KeyProof | null }

const keyProof = async (signer: Signer, context: AccessContext): Promise<KeyProof> =>
  ({ key: signer.publicKey, sig: await signer.sign(accessMessage(context, signer.publicKey)) })

/** Signs the challenge with the identity key, and with the invite's key when an invite secret is given. */
export async function signAccessProof (signer: Signer, context: AccessContext, inviteSecret?: Uint8Array | null): Promise<Uint8Array> {
  const member = await keyProof(signer, context)
  const invite = inviteSecret != null ? await keyProof(signerFromSeed(inviteSecret), context) : null
  return encodeCanonical({ v: 1, member, invite })
}

const isKeyProof = (v: unknown): v is KeyProof => {
  if (typeof v !== 'object' || v == null || Array.isArray(v)) return false
  const p = v as Record<string, unknown>
  return Object.keys(p).sort().join() === 'key,sig' &&
    p.key instanceof Uint8Array && p.key.length === PUBLIC_KEY_BYTES &&
    p.sig instanceof Uint8Array && p.sig.length === SIGNATURE_BYTES
}

/** Shape only (size, canonical form, fields); never throws. Signatures are checked by verifyAccess. */
export function decodeAccessProof (bytes: Uint8Array): Validated<AccessProof> {
  const d = decodeCanonical<Record<string, unknown>>(bytes, ACCESS_PROOF_MAX_BYTES, 'access proof')
  if (!d.ok) return d
  const p = d.value
  if (typeof p !== 'object' || p == null || Array.isArray(p) || p.v !== 1) return reject(RejectReason.Malformed, 'not a v1 access proof')
  if (Object.keys(p).sort().join() !== 'invite,member,v') return reject(RejectReason.Malformed, `fields are [${Object.keys(p).sort().join()}]`)
  if (!isKeyProof(p.member)) return reject(RejectReason.Malformed, 'member is not a key and a 64-byte signature')
  if (p.invite !== null && !isKeyProof(p.invite)) return reject(RejectReason.Malformed, 'invite is neither null nor a key and a 64-byte signature')
  return accept({ member: p.member, invite: p.invite })
}
