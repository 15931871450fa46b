import type { PeerClient } from '../client/api.ts'

/**
 * Loads the client and the network stack on demand: they are most of the app's code, and keeping
 * them out of the entry chunk lets the first paint happen before libp2p is even parsed.
 */
export async function startClient (singleWriter: boolean): Promise<PeerClient> {
  const [{ createPeerClient }, { loadNetworkConfig }] = await Promise.all([
    import('../client/index.ts'),
    import('../network/config.ts')
  ])
  const client = createPeerClient({ network: await loadNetworkConfig(), singleWriter })
  await client.start()
  return client
}
