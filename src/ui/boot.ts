import type { PeerClient } from '../client/api.ts'

/**
 * Loads the client and the network stack on demand: they are most of the app's code, and keeping
 * them out of the entry chunk lets the first paint happen before libp2p is even parsed. A wrong
 * /config.json still starts the client (with what could be used), and its problems are returned
 * for the page to show.
 */
export async function startClient (singleWriter: boolean): Promise<{ client: PeerClient, configProblems: readonly string[] }> {
  const [{ createPeerClient }, { loadNetworkConfig }] = await Promise.all([
    import('../client/index.ts'),
    import('../network/config.ts')
  ])
  const { config, problems } = await loadNetworkConfig()
  const client = createPeerClient({ network: config, singleWriter })
  await client.start()
  return { client, configProblems: problems }
}
