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
}

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

  async function remove (target: StoredFeedEntry): Promise<number> {
    if (target.payload == null) return 0
    await storage.feeds.setPayload(target.channel, target.author, target.seq, null)
    return 1
  }

  return {
    async apply (accepted) {
      let removed = 0
      for (const entry of accepted) {
        const early = waiting.get(entry.hash)
        if (early != null) {
          waiting.delete(entry.hash)
          if (allowed(early, entry)) removed += await remove(entry)
        }
        if (entry.payload == null || storedTypeOf(entry.bytes) !== ChatType.Delete) continue
        const payload = decodeChatPayload(ChatType.Delete, entry.payload)
        if (!payload.ok || payload.value.type !== ChatType.Delete) continue
        const deleter = { author: entry.author, channel: entry.channel }
        const target = await storage.feeds.getByHash(payload.value.target)
        if (target != null) {
          if (allowed(deleter, target)) removed += await remove(target)
        } else {
          if (waiting.size >= limit) waiting.delete(waiting.keys().next().value!)
          waiting.set(payload.value.target, deleter)
        }
      }
      return removed
    }
  }
}
