// Operator-set limits on relayed circuits: a circuit through the relay is cut after --circuit-data
// bytes. Real relay process, real libp2p clients with the circuit-relay transport.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import { startRelayCli, type RelayCli } from './support/relay-cli.ts'

const SINK = '/peer-rooms-test/sink/1.0.0'

async function client (listen: string[]): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: { identify: identify() }
  })
}

/** Sends 1 KB chunks over a fresh circuit stream to `to` until `total` bytes or the stream fails; resolves with what the receiver got. */
async function pushThrough (from: Libp2p, to: Libp2p, relay: RelayCli, total: number, received: () => number): Promise<number> {
  const stream = await from.dialProtocol(multiaddr(`${relay.multiaddr}/p2p-circuit/p2p/${to.peerId.toString()}`), SINK, { runOnLimitedConnection: true, signal: AbortSignal.timeout(20_000) })
  const chunk = new Uint8Array(1024).fill(7)
  try {
    for (let sent = 0; sent < total; sent += chunk.length) {
      if (!stream.send(chunk)) await stream.onDrain({ signal: AbortSignal.timeout(20_000) })
    }
    await stream.close({ signal: AbortSignal.timeout(20_000) })
  } catch {
    // the relay cut the circuit
  }
  // the receiving end settles once its side of the circuit ends, closed or reset
  await expect.poll(() => stream.status !== 'open' || received() >= total, { timeout: 30_000 }).toBe(true)
  return received()
}

describe('relayed circuit limits', () => {
  let relay: RelayCli
  beforeAll(async () => {
    relay = await startRelayCli(['--profile', 'loopback', '--circuit-data', '8192'])
  }, 60_000)
  afterAll(async () => { await relay.stop() })

  it('lets signalling-sized traffic through and cuts a circuit that carries more than --circuit-data bytes', async () => {
    const b = await client([`${relay.multiaddr}/p2p-circuit`])
    const a = await client([])
    let received = 0
    let ended = false
    await b.handle(SINK, async (stream) => {
      for await (const data of stream) received += data.byteLength
      ended = true
    }, { runOnLimitedConnection: true })
    try {
      await b.start()
      await a.start()
      // 4 KB, as much as an SDP offer and its ICE candidates: all of it arrives
      expect(await pushThrough(a, b, relay, 4096, () => received)).toBe(4096)
      await expect.poll(() => ended).toBe(true)
      received = 0
      ended = false
      // 64 KB over a fresh circuit: cut at the limit (noise and yamux framing count too)
      const got = await pushThrough(a, b, relay, 65_536, () => received)
      expect(got).toBeLessThan(8192)
    } finally {
      await a.stop()
      await b.stop()
    }
  }, 120_000)
})
