// The bootstrap/relay node's command line. Polyfills first: Node 20 lacks what libp2p 3 uses.
import './polyfills.ts'
import type { Server } from 'node:http'
import { createRelayNode } from './relay-node.ts'
import { loadOrCreatePeerKey } from './peer-key.ts'
import { startHealthServer } from './health.ts'
import { loadRelayTls, type RelayTls } from './tls.ts'
import { mintTurnCredentials } from './turn-credentials.ts'
import { RELAY_USAGE, RelayOptionsError, parseRelayOptions, type RelayOptions } from './relay-options.ts'

let options: RelayOptions
try {
  const parsed = parseRelayOptions(process.argv.slice(2), process.env)
  if (parsed.help) {
    console.log(RELAY_USAGE)
    process.exit(0)
  }
  options = parsed
} catch (err) {
  if (!(err instanceof RelayOptionsError) && (err as NodeJS.ErrnoException).code == null) throw err
  console.error(`relay: ${(err as Error).message}\n${RELAY_USAGE}`)
  process.exit(2)
}

let tls: RelayTls | undefined
try {
  tls = options.tls != null ? loadRelayTls(options.tls.certFile, options.tls.keyFile) : undefined
} catch (err) {
  console.error(`relay: cannot use --tls-cert/--tls-key: ${(err as Error).message}`)
  process.exit(2)
}

const node = await createRelayNode({
  privateKey: await loadOrCreatePeerKey(options.dataDir),
  host: options.host,
  port: options.port,
  announce: options.announce,
  profile: options.profile,
  maxConnections: options.maxConnections,
  limits: options.limits,
  ...(tls != null ? { tls: tls.serverOptions } : {})
})
await node.start()
const startedAt = Date.now()
for (const ma of node.getMultiaddrs()) console.log(`relay listening ${ma.toString()}`)

const turn = options.turn
const health: Server = await startHealthServer(options.host, options.healthPort, {
  health: () => ({
    peerId: node.peerId.toString(),
    multiaddrs: node.getMultiaddrs().map((a) => a.toString()),
    connections: node.getConnections().length,
    reservations: node.services.relay.reservations.size,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    node: process.version,
    tls: tls != null
  }),
  ...(turn != null ? { turnCredentials: () => mintTurnCredentials(turn) } : {})
}, tls?.serverOptions)
const healthAddress = health.address()
const shownHost = options.host === '0.0.0.0' ? '127.0.0.1' : options.host
const healthPort = typeof healthAddress === 'object' && healthAddress != null ? healthAddress.port : options.healthPort
console.log(`relay health ${tls != null ? 'https' : 'http'}://${shownHost}:${healthPort}/health`)
if (turn != null) console.log(`relay turn-credentials ${tls != null ? 'https' : 'http'}://${shownHost}:${healthPort}/turn-credentials`)

// certificate renewals (certbot, acme.sh) end with a SIGHUP: new handshakes get the new pair
process.on('SIGHUP', () => {
  if (tls == null) return
  try {
    tls.reload()
    console.log('relay tls reloaded')
  } catch (err) {
    console.error(`relay tls reload failed, keeping the old certificate: ${(err as Error).message}`)
  }
})

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
