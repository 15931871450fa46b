import { createKeyRate } from '../core/access/key-rate.ts'
import type { AuthorityLog } from '../core/authority/log.ts'
import type { AuthorId } from '../core/types.ts'
import type { ValidationVerdict } from '../network/peer-node.ts'

/**
 * Presence per key: a refresh every 20 s and typing every 3 s per channel fit well inside a burst of
 * 10 refilled every second; a flood beyond it is ignored, not relayed.
 */
export const PRESENCE_RATE = { burst: 10, refillMs: 1_000, maxKeys: 1_024 }
/** Profile updates per key: a few edits in a row, then one a minute. */
export const PROFILE_RATE = { burst: 3, refillMs: 60_000, maxKeys: 1_024 }

/** Who may be seen in a room (presence, typing) and have a profile stored through it. */
export interface MemberNotices {
  /** 'accept' for a member within its rate, 'reject' for a banned key, 'ignore' for anyone else. */
  readonly presence: (author: AuthorId) => ValidationVerdict
  /** Whether a new profile of `author` may be stored: a member within its rate. */
  readonly admitProfile: (author: AuthorId) => boolean
}

/**
 * Issue 17: profiles of keys that never joined were stored without a cap, and non-members showed
 * as typing and steered which peers a page dialled. Only keys holding a role now, each rate-limited,
 * so what a room stores and shows grows with its members, not with what strangers send. A key not
 * known as a member is ignored rather than rejected: it may be a joiner whose JOIN has not reached us.
 */
export function createMemberNotices (log: Pick<AuthorityLog, 'roleOf'>, now: () => number = Date.now): MemberNotices {
  const presenceRate = createKeyRate(PRESENCE_RATE)
  const profileRate = createKeyRate(PROFILE_RATE)
  const isMember = (author: AuthorId): boolean => {
    const role = log.roleOf(author)
    return role != null && role !== 'banned'
  }
  return {
    presence: (author) => {
      if (log.roleOf(author) === 'banned') return 'reject'
      return isMember(author) && presenceRate.take(author, now()) ? 'accept' : 'ignore'
    },
    admitProfile: (author) => isMember(author) && profileRate.take(author, now())
  }
}
