// The WebRTC connection budget against a real attacker: a stock js-libp2p node that knows a tab's
// peer id and dials its WebRTC address over and over, through a real circuit relay. The "tab" is
// this project's browser libp2p stack, run in Node (node-datachannel gives it RTCPeerConnection).
// A refused offer is refused at signalling, so these checks do not depend on WebRTC completing.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { createBrowserLibp2p } from '../../src/network/browser-libp2p.ts'
import { createConnectionBudget, type Admission } from '../../src/network/connection-budget.ts'
import { NetworkProfile } from '../../src/network/profile.ts'
import { createRelayNode } from '../../src/node/relay-node.ts'

const WAIT = { timeout: 30_000, interval: 50 }

/** A stock libp2p node as anyone could run it: WebRTC over circuit relay, nothing of ours. */
async function stockPeer (): Promise<Libp2p> {
  return createLibp2p({
    transports: [webRTC({ rtcConfiguration: { iceServers: [] } }), webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: { identify: identify() }
  })
}

describe('inbound WebRTC offers against a real attacker', () => {
  const stops: Array<() => Promise<void>> = []
  afterEach(async () => {
    await Promise.all(stops.splice(0).map(async (stop) => stop()))
  })

  it('an outsider dialling a tab forty times makes one RTCPeerConnection there; a member is still admitted', async () => {
    const relay = await createRelayNode({ privateKey: await generateKeyPair('Ed25519'), host: '127.0.0.1', port: 0, profile: NetworkProfile.Loopback })
    await relay.start()
    stops.push(async () => relay.stop())
    const [attacker, member] = await Promise.all([stockPeer(), stockPeer()])
    for (const n of [attacker, member]) { await n.start(); stops.push(async () => n.stop()) }

    // the clock stands still: every offer of the attacker falls within the ban its first one earned
    const budget = createConnectionBudget({ limit: 400, isMember: (peer) => peer === member.peerId.toString(), now: () => 1_000 })
    const admit = vi.spyOn(budget, 'admit')
    const tab = await createBrowserLibp2p({ profile: NetworkProfile.Loopback, budget, maxConnections: 48, relayReservations: 8, circuitListeners: 1 })
    await tab.start()
    stops.push(async () => tab.stop())
    await tab.dial(relay.getMultiaddrs())
    await vi.waitFor(() => { expect(tab.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit/webrtc'))).toBe(true) }, WAIT)
    const target = multiaddr(`${relay.getMultiaddrs()[0]!.toString()}/p2p-circuit/webrtc/p2p/${tab.peerId.toString()}`)

    for (let i = 0; i < 40; i++) {
      try {
        const c = await attacker.dial(target, { signal: AbortSignal.timeout(60_000) })
        await c.close()
      } catch { /* refused, as it should be after the first */ }
    }
    const verdicts = admit.mock.results.map((r) => r.value as Admission)
    expect(verdicts[0]).toEqual({ ok: true, outsider: true })
    expect(verdicts.length).toBeGreaterThan(1)
    expect(verdicts.slice(1).every((v) => !v.ok && v.reason === 'banned')).toBe(true)
    expect(budget.used).toBe(1)

    // (whether the member's WebRTC link then completes is up to node-datachannel, not the budget)
    void member.dial(target, { signal: AbortSignal.timeout(60_000) }).catch(() => undefined)
    await vi.waitFor(() => { expect(admit.mock.results.at(-1)?.value).toEqual({ ok: true, outsider: false }) }, { timeout: 60_000, interval: 50 })
    expect(budget.used).toBe(2)
  }, 240_000)
})
