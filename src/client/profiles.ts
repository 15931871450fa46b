import { type Profile, newerProfile, validateProfile } from '../core/identity/profile.ts'
import type { MetaStore } from '../core/storage.ts'
import type { AuthorId } from '../core/types.ts'
import type { ProfileSnapshot } from './api.ts'

/**
 * Signed profiles known to this peer: ours and those gossiped by others, newest valid one per
 * author (the core's rule, so every peer shows the same), persisted so names survive a reload.
 */
export interface ProfileBook {
  load (): Promise<void>
  /**
   * Validates a profile from a peer and keeps it if newer. `admit`, asked only for a valid profile
   * we do not hold yet, decides whether its author may be stored at all (members of the room it
   * came through, within their rate): one not admitted is 'ignore'd, neither kept nor forwarded.
   */
  offer (bytes: Uint8Array, admit?: (author: AuthorId) => boolean): Promise<'accept' | 'reject' | 'ignore'>
  keep (profile: Profile): Promise<void>
  get (author: AuthorId): Profile | undefined
  /** The signed bytes we hold of these authors' profiles: what we answer a room peer who asks. */
  held (authors: readonly AuthorId[]): Uint8Array[]
  snapshot (author: AuthorId): ProfileSnapshot | undefined
}

const PREFIX = 'profiles/'

export function createProfileBook (meta: MetaStore, onChange: (author: AuthorId) => void): ProfileBook {
  const profiles = new Map<AuthorId, Profile>()
  const snapshots = new Map<AuthorId, ProfileSnapshot>()
  const urls = new Map<AuthorId, string>()

  const keep = async (profile: Profile): Promise<void> => {
    const known = profiles.get(profile.author)
    if (known != null && newerProfile(known, profile) === known) return
    profiles.set(profile.author, profile)
    snapshots.delete(profile.author)
    const old = urls.get(profile.author)
    if (old != null) { URL.revokeObjectURL(old); urls.delete(profile.author) }
    await meta.put(PREFIX + profile.author, profile.bytes)
    onChange(profile.author)
  }

  return {
    async load () {
      for (const [, bytes] of await meta.list<Uint8Array>(PREFIX)) {
        const v = await validateProfile(bytes)
        if (v.ok) profiles.set(v.value.author, v.value)
      }
    },
    async offer (bytes, admit) {
      const v = await validateProfile(bytes)
      if (!v.ok) return 'reject'
      const known = profiles.get(v.value.author)
      if (known != null && known.hash === v.value.hash) return 'ignore'
      if (admit != null && !admit(v.value.author)) return 'ignore'
      await keep(v.value)
      return 'accept'
    },
    keep,
    get: (author) => profiles.get(author),
    held: (authors) => authors.flatMap((a) => profiles.get(a)?.bytes ?? []),
    snapshot (author) {
      const p = profiles.get(author)
      if (p == null) return undefined
      let s = snapshots.get(author)
      if (s == null) {
        let avatarUrl = urls.get(author)
        if (avatarUrl == null && p.avatar != null && typeof URL.createObjectURL === 'function') {
          avatarUrl = URL.createObjectURL(new Blob([new Uint8Array(p.avatar.bytes)], { type: p.avatar.mime }))
          urls.set(author, avatarUrl)
        }
        s = { author, name: p.name, updatedAt: p.updatedAt, ...(avatarUrl != null ? { avatarUrl } : {}) }
        snapshots.set(author, s)
      }
      return s
    }
  }
}
