import { createServer, type Server } from 'node:http'

/** What the health endpoint reports: enough for a monitor, and for tests to find the relay. */
export interface RelayHealth {
  readonly peerId: string
  readonly multiaddrs: readonly string[]
  readonly connections: number
  readonly reservations: number
  readonly uptimeSeconds: number
  /** The Node.js version it runs on (supported: 20.19+ and 22+), e.g. "v22.12.0". */
  readonly node: string
}

/** Serves GET /health as JSON; anything else is 404. Resolves once listening. */
export async function startHealthServer (host: string, port: number, health: () => RelayHealth): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/health') {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': '*' })
    res.end(JSON.stringify(health()))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  return server
}
