import type { ProviderInfo } from './peer-node.ts'

export interface DiscoverRoundComponents {
  /** Providers in the order the DHT lookup finds them (see PeerNode.streamProviders). */
  readonly providers: AsyncIterable<ProviderInfo>
  /** Connects to a provider; resolves with its peer id, or undefined when it cannot be reached. Must not reject. */
  readonly dial: (provider: ProviderInfo) => Promise<string | undefined>
  /** Syncs with a group of peers in one plan, so history is spread over all of them; resolves with those synced. */
  readonly syncAll: (peers: readonly string[]) => Promise<readonly string[]>
  /** Syncs with one peer found after the first group; resolves with whether it synced. */
  readonly syncOne: (peer: string) => Promise<boolean>
}

export interface DiscoverRoundResult {
  /** Providers the lookup named. */
  readonly found: number
  /** Peers synced with, in the order their sync settled. */
  readonly synced: readonly string[]
}

/**
 * One round of "find the room's peers and sync with them", without waiting for the DHT lookup to
 * finish: a lookup keeps walking the DHT for a while after the first response named the providers,
 * so each provider is dialled the moment it is found. The providers found before the first of
 * those dials settles (usually all of them: one response names them together) form the first
 * group and are synced in one plan, so a joiner's history comes from all of them at once; any
 * found later join the sync one by one. Resolves once the lookup has ended and every sync settled.
 */
export async function discoverRound (components: DiscoverRoundComponents): Promise<DiscoverRoundResult> {
  const { dial, syncAll, syncOne } = components
  const synced: string[] = []
  const group: Array<Promise<string | undefined>> = []
  const later: Array<Promise<void>> = []
  let first: Promise<void> | undefined
  let groupClosed = false
  let found = 0

  const runGroup = async (): Promise<void> => {
    await Promise.race(group)
    groupClosed = true
    const reached = (await Promise.all(group)).filter((p) => p != null)
    if (reached.length > 0) synced.push(...await syncAll(reached))
  }

  try {
    for await (const provider of components.providers) {
      found++
      const dialled = dial(provider)
      if (!groupClosed) {
        group.push(dialled)
        first ??= runGroup()
        continue
      }
      later.push(dialled.then(async (peer) => {
        if (peer != null && await syncOne(peer)) synced.push(peer)
      }))
    }
  } finally {
    await Promise.allSettled([first, ...later])
  }
  return { found, synced }
}
