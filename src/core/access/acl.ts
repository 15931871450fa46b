import type { AuthorityLog } from '../authority/log.ts'
import type { AuthorId } from '../types.ts'
import type { AccessAcl } from './verify.ts'

/** The access rule's view of a room's replayed authority log, read afresh at every check. */
export function accessAclOf (log: Pick<AuthorityLog, 'info' | 'roleOf' | 'invites'>): AccessAcl {
  return {
    get policy () { return log.info().policy },
    roleOf: (author: AuthorId) => log.roleOf(author),
    invite: (key: AuthorId) => log.invites().find((i) => i.key === key)
  }
}
