import type { Validated } from './result.ts'
import type { AuthorId, ChannelId } from './types.ts'

/**
 * What feed validation asks of the room's replayed authority state. Implemented by the
 * authority module's ACL state; feeds depend only on this, so either can change inside.
 */
export interface AclView {
  /** Whether the room's state is complete (no authority entries waiting for missing parents). */
  readonly complete: boolean
  /**
   * May `author` have written entry `seq` of its feed in `channel`? Rejects (reason banned or
   * unauthorized) when the author is banned beyond that point, lacks the right to post under
   * the room's policy, or the channel does not exist or is archived for new writes.
   */
  mayAppend (author: AuthorId, channel: ChannelId, seq: number): Validated<true>
  /** Whether `author` currently holds a capability (e.g. 'delete', 'pin'), optionally over `target` (rank rule). */
  can (author: AuthorId, capability: string, target?: AuthorId): boolean
}
