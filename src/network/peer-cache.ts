import type { MetaStore } from '../core/storage.ts'

/** A peer seen before, with the addresses it announced then. */
export interface CachedPeer {
  readonly peerId: string
  readonly addrs: readonly string[]
  /** When it was last connected (ms). */
  readonly seen: number
}

const PREFIX = 'network/peer/'

/**
 * Addresses of peers we were connected to, kept in the MetaStore so a restart can reach the
 * network through them before (or without) a bootstrap node. Bounded: the oldest are forgotten.
 */
export interface PeerCache {
  remember (peerId: string, addrs: readonly string[]): Promise<void>
  /** Most recently seen first. */
  recent (limit: number): Promise<CachedPeer[]>
}

export function createPeerCache (meta: MetaStore, max = 32): PeerCache {
  const all = async (): Promise<CachedPeer[]> =>
    (await meta.list<CachedPeer>(PREFIX)).map(([, v]) => v).sort((a, b) => b.seen - a.seen)
  return {
    async remember (peerId, addrs) {
      if (addrs.length === 0) return
      await meta.put(PREFIX + peerId, { peerId, addrs: [...addrs], seen: Date.now() } satisfies CachedPeer)
      const peers = await all()
      for (const stale of peers.slice(max)) await meta.delete(PREFIX + stale.peerId)
    },
    async recent (limit) {
      return (await all()).slice(0, limit)
    }
  }
}
