// The relay as a real process; a Node libp2p client over WebSockets stands in for a browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { multiaddr } from '@multiformats/multiaddr'
import { startRelay, type RelayProcess } from '../../e2e/support/relay.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { DHT_PROTOCOL } from '../../src/network/protocol.ts'
import { signUserRecord, userRecordKey, userRecordDhtOptions, validateUserRecord } from '../../src/network/user-record.ts'

type DhtClient = Libp2p<{ identify: unknown, ping: unknown, dht: KadDHT }>

async function dhtClient (): Promise<DhtClient> {
  return createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ protocol: DHT_PROTOCOL, clientMode: true, peerInfoMapper: passthroughMapper, ...userRecordDhtOptions })
    }
  })
}

async function valuesOf (client: DhtClient, key: Uint8Array): Promise<Uint8Array[]> {
  const values: Uint8Array[] = []
  for await (const ev of client.services.dht.get(key, { signal: AbortSignal.timeout(10_000) })) if (ev.name === 'VALUE') values.push(ev.value)
  return values
}

describe('bootstrap/relay node', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-unit-'))
  let relay: RelayProcess

  beforeAll(async () => { relay = await startRelay({ dataDir }) }, 30_000)
  afterAll(async () => { await relay.stop() })

  it('reports its peer id, addresses, connections and Node version on the health endpoint', async () => {
    const health = await (await fetch(relay.healthUrl)).json() as { peerId: string, multiaddrs: string[], connections: number, node: string }
    // the relay process runs on the same Node as the tests (npm run test:node22 runs both on 22)
    expect(health).toMatchObject({ peerId: relay.peerId, connections: 0, node: process.version })
    expect(health.multiaddrs).toContain(relay.multiaddr)
    expect((await fetch(relay.healthUrl.replace('/health', '/other'))).status).toBe(404)
  })

  it('stores a user record through its DHT server, answers with the newest, and refuses a forged one', async () => {
    const writer = await dhtClient()
    const reader = await dhtClient()
    try {
      for (const c of [writer, reader]) {
        await c.dial(multiaddr(relay.multiaddr))
        await expect.poll(() => (c.services.dht as unknown as { routingTable: { size: number } }).routingTable.size).toBe(1)
      }
      const alice = signerFromSeed(new Uint8Array(32).fill(7))
      const key = userRecordKey(alice.id)
      const older = await signUserRecord(alice, [{ peerId: writer.peerId.toString(), addrs: [] }], 1_000)
      const newer = await signUserRecord(alice, [{ peerId: writer.peerId.toString(), addrs: [] }], 2_000)
      for await (const _ of writer.services.dht.put(key, newer.bytes)) { /* drain */ }
      // an older record put later must not replace the newer one at the relay
      for await (const _ of writer.services.dht.put(key, older.bytes)) { /* drain */ }
      // a record signed by someone else under alice's key is refused by the relay's validator
      const mallory = await signUserRecord(signerFromSeed(new Uint8Array(32).fill(9)), [], 3_000)
      for await (const _ of writer.services.dht.put(key, mallory.bytes)) { /* drain */ }

      const values = await valuesOf(reader, key)
      expect(values.length).toBeGreaterThan(0)
      for (const v of values) {
        const checked = await validateUserRecord(key, v)
        expect(checked).toMatchObject({ ok: true, value: { ts: 2_000 } })
      }
    } finally {
      await writer.stop()
      await reader.stop()
    }
  })

  it('shuts down gracefully on SIGTERM and keeps its peer id across restarts (key in the data dir)', async () => {
    const before = relay.peerId
    expect(await relay.stop()).toBe(0)
    relay = await startRelay({ dataDir })
    expect(relay.peerId).toBe(before)
  }, 30_000)
})
