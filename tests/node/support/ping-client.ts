import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'

/** A libp2p node over WebSockets (ws or wss, any address) that can ping: the simplest real dial. */
export async function pingClient (): Promise<Libp2p<{ identify: unknown, ping: Ping }>> {
  return createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: { identify: identify(), ping: ping() }
  })
}

/** Dials addr with a fresh pingClient, pings once, stops; resolves with the connection's remote address. */
export async function pingOnce (addr: string): Promise<string> {
  const client = await pingClient()
  try {
    await client.services.ping.ping(multiaddr(addr), { signal: AbortSignal.timeout(20_000) })
    return client.getConnections()[0]?.remoteAddr.toString() ?? ''
  } finally {
    await client.stop()
  }
}
