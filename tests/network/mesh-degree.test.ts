// The choice of mesh degree, and the GossipSub behaviour it relies on: real routers in Node over
// WebSockets (Node-to-Node WebRTC is unreliable here), with this project's gossip options.
import { afterEach, describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { gossipOptions } from '../../src/network/gossip-options.ts'
import { THIN_MESH, WIDE_MESH, meshDegreeFor, type MeshDegree } from '../../src/network/mesh-degree.ts'

describe('meshDegreeFor', () => {
  it('is thin exactly when every online peer of every room is gossiped with directly', () => {
    const peer = fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5')
    const room = fc.record({ online: fc.uniqueArray(peer), direct: fc.uniqueArray(peer) })
    fc.assert(fc.property(fc.array(room, { maxLength: 4 }), (rooms) => {
      const reached = rooms.every((r) => r.online.every((p) => r.direct.includes(p)))
      expect(meshDegreeFor(rooms.map((r) => ({ online: r.online, direct: new Set(r.direct) })))).toBe(reached ? THIN_MESH : WIDE_MESH)
    }))
  })

  it('keeps every room wide while one room has a member it reaches only through others', () => {
    const full = { online: ['a', 'b'], direct: new Set(['a', 'b', 'x']) }
    expect(meshDegreeFor([full])).toBe(THIN_MESH)
    expect(meshDegreeFor([full, { online: ['c'], direct: new Set<string>() }])).toBe(WIDE_MESH)
  })

  it('gives a wide degree within GossipSub\'s constraints (Dlo <= D <= Dhi, Dout below Dlo and at most D/2, Dscore at most D) and a thin one that grafts no one but accepts grafts', () => {
    const m = WIDE_MESH
    expect(m.Dlo).toBeLessThanOrEqual(m.D)
    expect(m.D).toBeLessThanOrEqual(m.Dhi)
    expect(m.Dout).toBeLessThan(m.Dlo)
    expect(m.Dout).toBeLessThanOrEqual(m.D / 2)
    expect(m.Dscore).toBeLessThanOrEqual(m.D)
    // Thin: no mesh of its own (no grafts, no outbound or score quota), yet room for wide tabs' grafts.
    expect(THIN_MESH).toMatchObject({ D: 0, Dlo: 0, Dout: 0, Dscore: 0 })
    expect(THIN_MESH.Dhi).toBeGreaterThanOrEqual(1)
    expect(gossipOptions()).toMatchObject(WIDE_MESH)
  })
})

type Router = Libp2p<{ identify: unknown, pubsub: GossipSub }>
const TOPIC = 'mesh-degree-test'

describe('GossipSub follows a degree changed in its options (what PeerNode.meshDegree relies on)', () => {
  let nodes: Router[] = []
  afterEach(async () => {
    await Promise.all(nodes.map(async (n) => n.stop()))
    nodes = []
  })

  const setDegree = (n: Router, degree: MeshDegree): void => { Object.assign((n.services.pubsub as unknown as { opts: object }).opts, degree) }
  // getMeshPeers is on the router class, not on the service interface
  const meshSizes = (): number[] => nodes.map((n) => (n.services.pubsub as unknown as { getMeshPeers: (topic: string) => string[] }).getMeshPeers(TOPIC).length)

  it('five fully connected routers keep three or four others in the mesh when wide, none when thin, and still deliver to all', async () => {
    nodes = await Promise.all(Array.from({ length: 5 }, async () => createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: { denyDialMultiaddr: () => false },
      services: { identify: identify(), pubsub: gossipsub({ ...gossipOptions(), heartbeatInterval: 100 }) }
    }) as Promise<Router>))
    for (const [i, a] of nodes.entries()) for (const b of nodes.slice(i + 1)) await a.dial(b.getMultiaddrs())
    const received = nodes.map(() => new Set<string>())
    for (const [i, n] of nodes.entries()) {
      n.services.pubsub.addEventListener('message', (e) => { received[i]!.add(new TextDecoder().decode(e.detail.data)) })
      n.services.pubsub.subscribe(TOPIC)
    }

    // Wide (what every tab starts with): D 3 of 4 others, up to Dhi 4.
    await vi.waitFor(() => { for (const size of meshSizes()) expect(size).toBeGreaterThanOrEqual(WIDE_MESH.D) }, { timeout: 10_000, interval: 50 })

    for (const n of nodes) setDegree(n, THIN_MESH)
    // Each mesh holds more than Dhi, so the next heartbeat prunes it to D, none; a thin router grafts no one.
    await vi.waitFor(() => { expect(meshSizes()).toEqual(nodes.map(() => THIN_MESH.D)) }, { timeout: 10_000, interval: 50 })

    // Flood publishing still reaches every router in one hop, mesh or none.
    for (const [i, n] of nodes.entries()) await n.services.pubsub.publish(TOPIC, new TextEncoder().encode(`from ${i}`))
    await vi.waitFor(() => {
      for (const [i, got] of received.entries()) expect([...got].sort()).toEqual(nodes.map((_, j) => `from ${j}`).filter((t) => t !== `from ${i}`).sort())
    }, { timeout: 10_000, interval: 50 })
  }, 30_000)
})
