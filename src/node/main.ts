// The bootstrap/relay node's command line. Polyfills first: Node 20 lacks what libp2p 3 uses.
import './polyfills.ts'
import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import type { Server } from 'node:http'
import { createRelayNode } from './relay-node.ts'
import { loadOrCreatePeerKey } from './peer-key.ts'
import { startHealthServer } from './health.ts'
import { NetworkProfile } from '../network/profile.ts'

const USAGE = `usage: npm run relay -- [--port 9090] [--host 0.0.0.0] [--data-dir .data/relay]
       [--health-port PORT+1 (0: any free port)] [--announce MULTIADDR ...] [--profile default|loopback]
Each flag can also be set by env: RELAY_PORT, RELAY_HOST, RELAY_DATA_DIR, RELAY_HEALTH_PORT,
RELAY_ANNOUNCE (comma-separated), RELAY_PROFILE.`

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'health-port': { type: 'string' },
    announce: { type: 'string', multiple: true },
    profile: { type: 'string' },
    help: { type: 'boolean' }
  }
})
if (values.help === true) {
  console.log(USAGE)
  process.exit(0)
}

const env = process.env
const port = Number(values.port ?? env.RELAY_PORT ?? 9090)
const host = values.host ?? env.RELAY_HOST ?? '0.0.0.0'
const dataDir = resolve(values['data-dir'] ?? env.RELAY_DATA_DIR ?? '.data/relay')
const healthPort = Number(values['health-port'] ?? env.RELAY_HEALTH_PORT ?? (port === 0 ? 0 : port + 1))
const announce = values.announce ?? (env.RELAY_ANNOUNCE != null && env.RELAY_ANNOUNCE !== '' ? env.RELAY_ANNOUNCE.split(',') : [])
const profileName = values.profile ?? env.RELAY_PROFILE ?? NetworkProfile.Default
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(healthPort) || (profileName !== 'default' && profileName !== 'loopback')) {
  console.error(USAGE)
  process.exit(2)
}

const node = await createRelayNode({
  privateKey: await loadOrCreatePeerKey(dataDir),
  host,
  port,
  announce,
  profile: profileName
})
await node.start()
const startedAt = Date.now()
for (const ma of node.getMultiaddrs()) console.log(`relay listening ${ma.toString()}`)

const health: Server = await startHealthServer(host, healthPort, () => ({
  peerId: node.peerId.toString(),
  multiaddrs: node.getMultiaddrs().map((a) => a.toString()),
  connections: node.getConnections().length,
  reservations: node.services.relay.reservations.size,
  uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  node: process.version
}))
const healthAddress = health.address()
const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host
console.log(`relay health http://${shownHost}:${typeof healthAddress === 'object' && healthAddress != null ? healthAddress.port : healthPort}/health`)

let stopping = false
async function shutdown (signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  console.log(`relay stopping (${signal})`)
  health.close()
  await node.stop()
  process.exit(0)
}
process.on('SIGINT', () => { void shutdown('SIGINT') })
process.on('SIGTERM', () => { void shutdown('SIGTERM') })
