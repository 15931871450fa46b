import { encodeCanonical, decodeCanonical } from '../codec/canonical.ts'
import { hashOf } from '../codec/hash.ts'
import { RecordTooLargeError } from '../errors.ts'
import { type Validated, accept, reject, RejectReason } from '../result.ts'
import type { AuthorId, EntryHash } from '../types.ts'
import { type Signer, authorIdOf, isStrongPublicKey, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, verifySignature } from './ed25519.ts'
import { InvalidProfileError } from './errors.ts'

export const PROFILE_MAX_BYTES = 48 * 1024
export const AVATAR_MAX_BYTES = 32 * 1024
export const PROFILE_NAME_MAX_CHARS = 64

/** Raster formats only: an SVG avatar could carry script. */
export const AvatarMime = { Png: 'image/png', Jpeg: 'image/jpeg', Webp: 'image/webp', Gif: 'image/gif', Avif: 'image/avif' } as const
export type AvatarMime = typeof AvatarMime[keyof typeof AvatarMime]
const avatarMimes: ReadonlySet<string> = new Set(Object.values(AvatarMime))

export interface Avatar {
  readonly mime: AvatarMime
  readonly bytes: Uint8Array
}

/** A validated signed profile: the author's display name and avatar, newest one wins. */
export interface Profile {
  readonly author: AuthorId
  readonly name: string
  readonly avatar?: Avatar
  /** Author's clock (ms): orders versions of one author's profile, nothing else. */
  readonly updatedAt: number
  readonly hash: EntryHash
  /** Canonical signed bytes: what is stored and sent to peers. */
  readonly bytes: Uint8Array
}

/** The signed record on the wire: DAG-CBOR map, `avatar` absent when there is none. */
interface ProfileRecord {
  v: 1
  t: 'profile'
  author: Uint8Array
  name: string
  avatar?: { mime: string, bytes: Uint8Array }
  updatedAt: number
  sig: Uint8Array
}
const REQUIRED_KEYS = ['author', 'name', 'sig', 't', 'updatedAt', 'v']

// Control characters and bidirectional overrides: they break layouts and let a name impersonate another.
const FORBIDDEN_IN_NAME = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u

/** Why a display name breaks the rules, or undefined when it is fine. Names are compared as sent: no folding. */
export function profileNameProblem (name: unknown): string | undefined {
  if (typeof name !== 'string') return 'the name is not text'
  if (name !== name.trim()) return 'the name has surrounding spaces'
  const chars = [...name].length
  if (chars < 1 || chars > PROFILE_NAME_MAX_CHARS) return `the name has ${chars} characters, allowed 1 to ${PROFILE_NAME_MAX_CHARS}`
  if (FORBIDDEN_IN_NAME.test(name)) return 'the name holds control or direction-override characters'
  return undefined
}

function avatarProblem (avatar: unknown): { reason: RejectReason, detail: string } | undefined {
  if (avatar === null || typeof avatar !== 'object' || Array.isArray(avatar)) return { reason: RejectReason.Malformed, detail: 'the avatar is not a map' }
  const { mime, bytes } = avatar as Record<string, unknown>
  if (Object.keys(avatar).sort().join() !== 'bytes,mime') return { reason: RejectReason.Malformed, detail: 'the avatar has other fields than mime and bytes' }
  if (typeof mime !== 'string' || !avatarMimes.has(mime)) return { reason: RejectReason.Malformed, detail: `avatar type ${String(mime)} is not one of ${[...avatarMimes].join(', ')}` }
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return { reason: RejectReason.Malformed, detail: 'the avatar has no image bytes' }
  if (bytes.length > AVATAR_MAX_BYTES) return { reason: RejectReason.TooLarge, detail: `the avatar is ${bytes.length} bytes, limit ${AVATAR_MAX_BYTES}` }
  return undefined
}

export interface ProfileInit {
  /** Trimmed before signing. */
  readonly name: string
  readonly avatar?: Avatar
  /** Defaults to now, and always after `previous` so the new version wins even under a clock that went back. */
  readonly updatedAt?: number
  /** The author's current profile, if any. */
  readonly previous?: Profile
}

/** Builds and signs the local user's profile. Throws InvalidProfileError on a bad name or avatar. */
export async function buildProfile (signer: Signer, init: ProfileInit): Promise<Profile> {
  const name = init.name.trim()
  const nameProblem = profileNameProblem(name)
  if (nameProblem !== undefined) throw new InvalidProfileError(nameProblem)
  const avatarIssue = init.avatar === undefined ? undefined : avatarProblem({ mime: init.avatar.mime, bytes: init.avatar.bytes })
  if (avatarIssue !== undefined) throw new InvalidProfileError(avatarIssue.detail)
  const updatedAt = Math.max(init.updatedAt ?? Date.now(), (init.previous?.updatedAt ?? -1) + 1)
  const body: Omit<ProfileRecord, 'sig'> = {
    v: 1,
    t: 'profile',
    author: signer.publicKey,
    name,
    ...(init.avatar === undefined ? {} : { avatar: { mime: init.avatar.mime, bytes: init.avatar.bytes } }),
    updatedAt
  }
  const sig = await signer.sign(encodeCanonical(body))
  const bytes = encodeCanonical({ ...body, sig })
  if (bytes.length > PROFILE_MAX_BYTES) throw new RecordTooLargeError('profile', bytes.length, PROFILE_MAX_BYTES)
  return { author: signer.id, name, ...(init.avatar === undefined ? {} : { avatar: init.avatar }), updatedAt, hash: hashOf(bytes), bytes }
}

/** Validates a profile from a peer: canonical, within size, well-formed, strong key, good signature. Never throws. */
export async function validateProfile (bytes: Uint8Array): Promise<Validated<Profile>> {
  const decoded = decodeCanonical<Record<string, unknown>>(bytes, PROFILE_MAX_BYTES, 'profile')
  if (!decoded.ok) return decoded
  const record = decoded.value
  if (record === null || typeof record !== 'object' || Array.isArray(record) || record instanceof Uint8Array) return reject(RejectReason.Malformed, 'the profile is not a map')
  const keys = Object.keys(record).filter((k) => k !== 'avatar').sort()
  if (keys.join() !== REQUIRED_KEYS.join()) return reject(RejectReason.Malformed, `the profile has fields ${keys.join(', ')}, expected ${REQUIRED_KEYS.join(', ')} and optionally avatar`)
  const { v, t, author, name, avatar, updatedAt, sig } = record
  if (v !== 1 || t !== 'profile') return reject(RejectReason.Malformed, 'not a version-1 profile')
  if (!(author instanceof Uint8Array) || author.length !== PUBLIC_KEY_BYTES) return reject(RejectReason.Malformed, 'the author is not a 32-byte key')
  if (!isStrongPublicKey(author)) return reject(RejectReason.WeakKey, 'the author key is small-order, mixed-order or non-canonical')
  const nameProblem = profileNameProblem(name)
  if (nameProblem !== undefined) return reject(RejectReason.Malformed, nameProblem)
  if (!Number.isSafeInteger(updatedAt) || (updatedAt as number) < 0) return reject(RejectReason.Malformed, 'updatedAt is not a non-negative integer')
  if ('avatar' in record) {
    const issue = avatarProblem(avatar)
    if (issue !== undefined) return reject(issue.reason, issue.detail)
  }
  if (!(sig instanceof Uint8Array) || sig.length !== SIGNATURE_BYTES) return reject(RejectReason.Malformed, 'the signature is not 64 bytes')
  const { sig: _sig, ...body } = record
  if (!await verifySignature(author, encodeCanonical(body), sig)) return reject(RejectReason.BadSignature, 'the signature does not verify')
  const checkedAvatar = avatar as Avatar | undefined
  return accept({
    author: authorIdOf(author),
    name: name as string,
    ...(checkedAvatar === undefined ? {} : { avatar: { mime: checkedAvatar.mime, bytes: checkedAvatar.bytes } }),
    updatedAt: updatedAt as number,
    hash: hashOf(bytes),
    bytes
  })
}

/**
 * Which of two versions of one author's profile to show: the newer updatedAt, and on a tie the
 * lower hash, so every peer settles on the same one whatever the arrival order.
 */
export function newerProfile (a: Profile, b: Profile): Profile {
  if (a.author !== b.author) throw new InvalidProfileError('profiles of different authors are not versions of each other')
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? a : b
  return a.hash <= b.hash ? a : b
}
