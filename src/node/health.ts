import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer, type ServerOptions } from 'node:https'
import type { TurnCredentials } from './turn-credentials.ts'

/** What the health endpoint reports: enough for a monitor, and for tests to find the relay. */
export interface RelayHealth {
  readonly peerId: string
  /** The addresses browsers dial (the announced ones when --announce or --public-name is set). */
  readonly multiaddrs: readonly string[]
  readonly connections: number
  readonly reservations: number
  readonly uptimeSeconds: number
  /** The Node.js version it runs on (supported: 20.19+ and 22+), e.g. "v22.12.0". */
  readonly node: string
  /** Whether the relay serves TLS itself (wss). */
  readonly tls: boolean
}

/** What the relay's HTTP endpoint answers. */
export interface RelayEndpoints {
  readonly health: () => RelayHealth
  /** Fresh TURN credentials for GET /turn-credentials; absent: that path is 404. */
  readonly turnCredentials?: () => TurnCredentials
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': '*' }

/**
 * Serves GET /health and GET /turn-credentials as JSON (any origin may read them: the app is static
 * and may be hosted anywhere); anything else is 404. Over TLS when given server options, since an
 * https page may not fetch from http. Resolves once listening.
 */
export async function startHealthServer (host: string, port: number, endpoints: RelayEndpoints, tls?: ServerOptions): Promise<Server> {
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url?.split('?')[0]
    const body = req.method !== 'GET'
      ? undefined
      : path === '/health' ? endpoints.health() : path === '/turn-credentials' ? endpoints.turnCredentials?.() : undefined
    if (body == null) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, JSON_HEADERS)
    res.end(JSON.stringify(body))
  }
  const server: Server = tls != null ? createTlsServer(tls, handle) : createServer(handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  return server
}
