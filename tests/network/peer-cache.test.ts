import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryStorage } from '../../src/storage/memory.ts'
import { createPeerCache } from '../../src/network/peer-cache.ts'

describe('cached peers (MetaStore, in-memory twin)', () => {
  afterEach(() => { vi.useRealTimers() })

  it('returns the most recently seen first, forgets the oldest beyond the bound, and skips peers without addresses', async () => {
    const storage = createMemoryStorage()
    await storage.start()
    const cache = createPeerCache(storage.meta, 2)
    vi.useFakeTimers({ toFake: ['Date'] })
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      vi.setSystemTime(1_000 + i)
      await cache.remember(id, [`/ip4/1.2.3.4/tcp/${i}/ws/p2p/${id}`])
    }
    await cache.remember('d', [])
    expect((await cache.recent(10)).map((p) => p.peerId)).toEqual(['c', 'b'])
  })
})
