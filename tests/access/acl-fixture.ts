import type { Policy } from '../../src/core/authority/entry.ts'
import type { AccessAcl } from '../../src/core/access/verify.ts'
import type { AuthorId } from '../../src/core/types.ts'

/** An ACL as the vectors write it: a plain in-memory twin of what the authority log answers. */
export interface AclFixture {
  readonly policy: string
  readonly roles: Partial<Record<string, string>>
  readonly invites: Partial<Record<string, { revoked: boolean, expiresAt: number | null, remainingUses: number | null }>>
}

export const aclOf = (f: AclFixture): AccessAcl => ({
  policy: f.policy as Policy,
  roleOf: (author: AuthorId) => f.roles[author] ?? null,
  invite: (key: AuthorId) => f.invites[key]
})
