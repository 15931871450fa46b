// In-memory twins of the storage port and the ACL view, for unit tests until src/storage and
// src/core/authority land. Named as twins: they stand in for the real parts, nothing more.
import type { AclView } from '../../src/core/acl-view.ts'
import { accept, reject, RejectReason, type Validated } from '../../src/core/result.ts'
import type { FeedHead, FeedStore, ForkProof, OrderKey, StoredFeedEntry } from '../../src/core/storage.ts'
import type { AuthorId, ChannelId, EntryHash, RoomId } from '../../src/core/types.ts'

const compareOrder = (a: OrderKey, b: OrderKey): number =>
  a.lamport - b.lamport || (a.author < b.author ? -1 : a.author > b.author ? 1 : 0) || a.seq - b.seq

/** In-memory FeedStore twin with the port's documented semantics (first write at a position wins). */
export interface MemoryFeedStoreTwin extends FeedStore {
  readonly putCalls: number
  all (): StoredFeedEntry[]
}

export function createMemoryFeedStoreTwin (): MemoryFeedStoreTwin {
  const byPos = new Map<string, StoredFeedEntry>()
  const byHash = new Map<EntryHash, StoredFeedEntry>()
  const proofs: ForkProof[] = []
  let putCalls = 0
  const pos = (channel: ChannelId, author: AuthorId, seq: number): string => `${channel}/${author}/${seq}`
  const inChannel = (channel: ChannelId): StoredFeedEntry[] => [...byPos.values()].filter((e) => e.channel === channel)
  const ok = <T>(value: T): Promise<T> => Promise.resolve(value)
  return {
    get putCalls () { return putCalls },
    all: () => [...byPos.values()],
    putEntries (entries) {
      putCalls++
      for (const e of entries) {
        const key = pos(e.channel, e.author, e.seq)
        if (byPos.has(key)) continue
        byPos.set(key, e)
        byHash.set(e.hash, e)
      }
      return ok(undefined)
    },
    getEntry: (channel, author, seq) => ok(byPos.get(pos(channel, author, seq))),
    getByHash: (hash) => ok(byHash.get(hash)),
    getRange: (channel, author, fromSeq, toSeq) => ok(inChannel(channel)
      .filter((e) => e.author === author && e.seq >= fromSeq && e.seq <= toSeq)
      .sort((a, b) => a.seq - b.seq)),
    heads (channel) {
      const best = new Map<AuthorId, StoredFeedEntry>()
      for (const e of inChannel(channel)) if ((best.get(e.author)?.seq ?? 0) < e.seq) best.set(e.author, e)
      return ok([...best.values()].map((e): FeedHead => ({ author: e.author, seq: e.seq, hash: e.hash, lamport: e.lamport })))
    },
    page (channel, query) {
      const sorted = inChannel(channel).sort(compareOrder)
      const { before, after } = query
      if (before === 'end') return ok(sorted.filter((e) => after == null || compareOrder(e, after) > 0).slice(-query.limit))
      if (before != null) {
        const older = sorted.filter((e) => compareOrder(e, before) < 0)
        return ok(older.slice(Math.max(0, older.length - query.limit)))
      }
      return ok(sorted.filter((e) => after == null || compareOrder(e, after) > 0).slice(0, query.limit))
    },
    count: (channel) => ok(inChannel(channel).length),
    setPayload (channel, author, seq, payload) {
      const e = byPos.get(pos(channel, author, seq))
      if (e != null) {
        const next = { ...e, payload }
        byPos.set(pos(channel, author, seq), next)
        byHash.set(e.hash, next)
      }
      return ok(undefined)
    },
    putForkProof (proof) { proofs.push(proof); return ok(undefined) },
    forkProofs: (room: RoomId) => ok(proofs.filter((p) => p.room === room))
  }
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
