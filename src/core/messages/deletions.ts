import type { AclView } from '../acl-view.ts'
import { storedTypeOf } from '../feed/entry.ts'
import type { Storage, StoredFeedEntry } from '../storage.ts'
import type { AuthorId, EntryHash } from '../types.ts'
import { ChatType, decodeChatPayload } from './payloads.ts'

export interface DeletionComponents {
  readonly storage: Pick<Storage, 'feeds'>
  readonly acl: Pick<AclView, 'can'>
}

export interface DeletionInit {
  /** How many deletes may wait for a target not stored yet; default 1,000 (oldest dropped). */
  readonly waitingLimit?: number
}

/**
 * Removes deleted messages' payloads from storage: the entry and its chain stay (the entry signs
 * only the payload hash), the text is gone. Fed with every batch the ingest accepts.
 */
export interface DeletionApplier {
  /** Applies the deletes among newly accepted entries, and earlier deletes waiting for them; resolves to how many payloads were removed. */
  apply (accepted: readonly StoredFeedEntry[]): Promise<number>
  /**
   * Whether a delete this applier allowed targets `hash` (remembered for this session, the newest
   * 10,000): a peer that still holds the payload must not fill it back in.
   */
  deleted (hash: EntryHash): boolean
}

const DELETED_REMEMBERED = 10_000

interface Deleter { readonly author: AuthorId, readonly channel: StoredFeedEntry['channel'] }

/** Whether `deleter`'s delete removes `target`: its own message, or one it outranks with 'delete', in the same channel. */
export const deleteAllowed = (acl: Pick<AclView, 'can'>, deleter: Deleter, target: StoredFeedEntry): boolean =>
  deleter.channel === target.channel && (deleter.author === target.author || acl.can(deleter.author, 'delete', target.author))

export function createDeletionApplier (components: DeletionComponents, init: DeletionInit = {}): DeletionApplier {
  const { storage, acl } = components
  const limit = init.waitingLimit ?? 1_000
  /** Deletes whose target has not arrived (sync may bring a delete before its message). */
  const waiting = new Map<EntryHash, Deleter>()

  const allowed = (deleter: Deleter, target: StoredFeedEntry): boolean => deleteAllowed(acl, deleter, target)

  /** Targets of allowed deletes, oldest first. */
  const deleted = new Set<EntryHash>()

  async function remove (target: StoredFeedEntry): Promise<number> {
    deleted.delete(target.hash)
    if (deleted.size >= DELETED_REMEMBERED) deleted.delete(deleted.values().next().value!)
    deleted.add(target.hash)
    if (target.payload == null) return 0
    await storage.feeds.setPayload(target.channel, target.author, target.seq, null)
    return 1
  }

  /** Targets of deletes being checked now: no fill-in until the check is done. */
  const checking = new Map<EntryHash, number>()
  const hold = (hashes: readonly EntryHash[], by: 1 | -1): void => {
    for (const h of hashes) {
      const n = (checking.get(h) ?? 0) + by
      if (n > 0) checking.set(h, n)
      else checking.delete(h)
    }
  }

  return {
    deleted: (hash) => deleted.has(hash) || checking.has(hash),
    async apply (accepted) {
      let removed = 0
      // read before the first await: a copy with the payload arriving meanwhile must not refill a target
      const targets = accepted.map(deleteTargetOf)
      const held = targets.filter((t) => t != null)
      hold(held, 1)
      try {
        for (const [i, entry] of accepted.entries()) {
          const early = waiting.get(entry.hash)
          if (early != null) {
            waiting.delete(entry.hash)
            if (allowed(early, entry)) removed += await remove(entry)
          }
          const targetHash = targets[i]
          if (targetHash == null) continue
          const deleter = { author: entry.author, channel: entry.channel }
          const target = await storage.feeds.getByHash(targetHash)
          if (target != null) {
            if (allowed(deleter, target)) removed += await remove(target)
          } else {
            if (waiting.size >= limit) waiting.delete(waiting.keys().next().value!)
            waiting.set(targetHash, deleter)
          }
        }
      } finally {
        hold(held, -1)
      }
      return removed
    }
  }
}

/** The entry a delete names, or undefined for any other entry (or a delete without its payload). */
function deleteTargetOf (entry: StoredFeedEntry): EntryHash | undefined {
  if (entry.payload == null || storedTypeOf(entry.bytes) !== ChatType.Delete) return undefined
  const payload = decodeChatPayload(ChatType.Delete, entry.payload)
  return payload.ok && payload.value.type === ChatType.Delete ? payload.value.target : undefined
}
