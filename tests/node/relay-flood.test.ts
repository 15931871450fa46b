// Issue 17: throwaway identities must not lock newcomers out of the relay's signalling.
// A real relay process; every client is a real libp2p node over WebSockets with the circuit-relay
// transport a browser tab uses. Flooders dial from 127.0.0.2 (bound locally), legitimate peers from
// 127.0.0.1, so the relay sees two IPs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { FaultTolerance } from '@libp2p/interface'
import { installOptionedWebSocket, setWebSocketOptions } from './support/websocket.ts'
import { startRelayCli, type RelayCli } from './support/relay-cli.ts'

type Client = Libp2p<{ identify: unknown, ping: Ping }>

const FLOOD_IP = '127.0.0.2'

async function client (relay: string | undefined): Promise<Client> {
  return createLibp2p({
    addresses: { listen: relay != null ? [`${relay}/p2p-circuit`] : [] },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    transportManager: { faultTolerance: FaultTolerance.NO_FATAL },
    services: { identify: identify(), ping: ping() }
  })
}

const hasReservation = (c: Client): boolean => c.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit'))

async function reservations (relay: RelayCli): Promise<number> {
  return ((await (await fetch(relay.healthUrl)).json()) as { reservations: number }).reservations
}

/** A throwaway identity from the flood IP that asks for a reservation; resolves whether or not it got one. */
async function flooder (relay: RelayCli): Promise<Client> {
  setWebSocketOptions({ localAddress: FLOOD_IP })
  try {
    // a refused reservation is a failed listen, which start() shrugs off (NO_FATAL), as a tab does
    const c = await client(relay.multiaddr)
    await c.start()
    return c
  } finally {
    setWebSocketOptions({})
  }
}

describe('relay under a flood of throwaway identities', () => {
  let relay: RelayCli
  let restoreWebSocket: () => void
  beforeAll(async () => {
    restoreWebSocket = installOptionedWebSocket()
    // libp2p's own rate limit (5 connections a second per IP by default) would refuse some churning
    // flooders at the handshake; these tests are about what gets past it, so it is raised here
    relay = await startRelayCli(['--profile', 'loopback', '--max-reservations', '12', '--max-reservations-per-ip', '4', '--max-connection-rate-per-ip', '1000'])
  }, 60_000)
  afterAll(async () => {
    await relay.stop()
    restoreWebSocket()
  })

  /** Two legitimate peers: B takes a reservation, A reaches B through it and pings. */
  async function legitimatePeersSignal (): Promise<void> {
    const b = await client(relay.multiaddr)
    const a = await client(undefined)
    try {
      await b.start()
      await a.start()
      expect(hasReservation(b)).toBe(true)
      const rtt = await a.services.ping.ping(multiaddr(`${relay.multiaddr}/p2p-circuit/p2p/${b.peerId.toString()}`), { signal: AbortSignal.timeout(20_000) })
      expect(rtt).toBeGreaterThanOrEqual(0)
    } finally {
      await a.stop()
      await b.stop()
    }
  }

  it('frees a reservation when its peer disconnects, so churned identities leave room for newcomers', async () => {
    // 30 identities reserve and leave, more than the relay's 12 reservations; one at a time so the per-IP cap never bites
    for (let i = 0; i < 30; i++) {
      const f = await flooder(relay)
      expect(hasReservation(f), `flooder ${i}`).toBe(true)
      await f.stop()
      await expect.poll(async () => reservations(relay), { timeout: 20_000 }).toBe(0)
    }
    await legitimatePeersSignal()
  }, 300_000)

  it('caps reservations per IP, so identities that stay connected from one address cannot take them all', async () => {
    const flood: Client[] = []
    try {
      for (let i = 0; i < 16; i++) flood.push(await flooder(relay))
      expect(flood.filter(hasReservation)).toHaveLength(4)
      expect(await reservations(relay)).toBe(4)
      await legitimatePeersSignal()
    } finally {
      await Promise.all(flood.map(async (f) => { await f.stop() }))
    }
  }, 300_000)
})
