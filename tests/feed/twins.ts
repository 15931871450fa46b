// Test doubles for the feed, messages and sync tests: the real in-memory storage, and an AclView
// twin (allow all, ban with a frontier, deny a capability) standing in for the authority state.
import { vi } from 'vitest'
import type { AclView } from '../../src/core/acl-view.ts'
import { accept, reject, RejectReason, type Validated } from '../../src/core/result.ts'
import type { Storage } from '../../src/core/storage.ts'
import type { AuthorId, ChannelId } from '../../src/core/types.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'

/**
 * The real in-memory storage backend (src/storage/memory.ts), started, with putEntries counted so
 * tests can check that one ingest batch is one write.
 */
export async function startedMemoryStorage (): Promise<Storage & { readonly putCalls: () => number }> {
  const storage = createMemoryStorage()
  await storage.start()
  const put = vi.spyOn(storage.feeds, 'putEntries')
  return Object.assign(storage, { putCalls: () => put.mock.calls.length })
}

/**
 * AclView twin: everyone may post and holds every capability, except authors banned with a
 * frontier (per channel: entries above that seq are refused) or listed as lacking a capability.
 */
export interface AclViewTwin extends AclView {
  complete: boolean
  ban (author: AuthorId, frontier: ReadonlyMap<ChannelId, number>): void
  deny (author: AuthorId, capability: string): void
}

export function createAclViewTwin (): AclViewTwin {
  const bans = new Map<AuthorId, ReadonlyMap<ChannelId, number>>()
  const denied = new Set<string>()
  return {
    complete: true,
    ban (author, frontier) { bans.set(author, frontier) },
    deny (author, capability) { denied.add(`${author}/${capability}`) },
    mayAppend (author, channel, seq): Validated<true> {
      const frontier = bans.get(author)
      if (frontier != null && seq > (frontier.get(channel) ?? 0)) return reject(RejectReason.Banned, `banned after seq ${frontier.get(channel) ?? 0}`)
      return accept(true)
    },
    can: (author, capability) => !bans.has(author) && !denied.has(`${author}/${capability}`)
  }
}
