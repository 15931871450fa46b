// GossipSub peer scoring with this project's options: real routers in Node over WebSockets
// (Node-to-Node WebRTC is unreliable here), all on 127.0.0.1.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { gossipsub, TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { SCORE_THRESHOLDS, gossipOptions, scoreTopic } from '../../src/network/gossip-options.ts'

type Router = Libp2p<{ identify: unknown, pubsub: GossipSub }>
const TOPIC = 'scoring-test'
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const WAIT = { timeout: 20_000, interval: 50 }
/** The router's score of `peer` (getScore is on the router class, not on the service interface). */
const scoreAt = (n: Router, peer: Router): number => (n.services.pubsub as unknown as { getScore: (id: string) => number }).getScore(peer.peerId.toString())

async function router (): Promise<Router> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    // every router here dials from 127.0.0.1: lift the per-address inbound rate limit (5/s)
    connectionManager: { inboundConnectionThreshold: 100 },
    services: { identify: identify(), pubsub: gossipsub({ ...gossipOptions(), heartbeatInterval: 100 }) }
  })
}

/** Subscribes the way PeerNode.subscribe does: a scored topic and a validator that Rejects `bad…`. */
function join (n: Router, received?: Array<{ data: string, from: string }>): void {
  scoreTopic(n.services.pubsub, TOPIC)
  n.services.pubsub.topicValidators.set(TOPIC, (_peer, msg) =>
    new TextDecoder().decode(msg.data).startsWith('bad') ? TopicValidatorResult.Reject : TopicValidatorResult.Accept)
  n.services.pubsub.addEventListener('gossipsub:message', (e) => {
    received?.push({ data: new TextDecoder().decode(e.detail.msg.data), from: e.detail.propagationSource.toString() })
  })
  n.services.pubsub.subscribe(TOPIC)
}

describe('GossipSub peer scoring', () => {
  let nodes: Router[] = []
  afterEach(async () => {
    await Promise.all(nodes.map(async (n) => n.stop()))
    nodes = []
  })

  it('scores down every Reject, graylists the sender from the third, and it is still graylisted when it is hung up on and dials straight back', async () => {
    nodes = await Promise.all([router(), router(), router()])
    const [victim, honest, attacker] = nodes as [Router, Router, Router]
    for (const [a, b] of [[victim, honest], [victim, attacker], [honest, attacker]] as const) await a.dial(b.getMultiaddrs())
    const atVictim: Array<{ data: string, from: string }> = []
    join(victim, atVictim)
    join(honest)
    // the attacker's own router accepts everything: it is what a stock libp2p node publishing garbage looks like
    attacker.services.pubsub.subscribe(TOPIC)
    await vi.waitFor(() => { expect(victim.services.pubsub.getSubscribers(TOPIC)).toHaveLength(2) }, WAIT)
    await vi.waitFor(() => { expect(honest.services.pubsub.getSubscribers(TOPIC)).toHaveLength(2) }, WAIT)
    const scoreOf = (): number => scoreAt(victim, attacker)

    const scores: number[] = []
    for (const n of [1, 2, 3]) {
      await attacker.services.pubsub.publish(TOPIC, text(`bad ${n}`))
      const before = scores[scores.length - 1] ?? 0
      await vi.waitFor(() => { expect(scoreOf()).toBeLessThan(before) }, WAIT)
      scores.push(scoreOf())
    }
    expect(scores[0]).toBeLessThan(SCORE_THRESHOLDS.gossipThreshold!)
    expect(scores[1]).toBeLessThan(SCORE_THRESHOLDS.publishThreshold!)
    expect(scores[2]).toBeLessThan(SCORE_THRESHOLDS.graylistThreshold!)
    expect(scoreAt(victim, honest)).toBeGreaterThanOrEqual(0)

    // Hung up on, the offender dials straight back. Its score is retained, so the victim drops its
    // RPCs unread (its subscription too): a valid message it publishes reaches the victim only
    // through the honest peer, which relays it, never from the attacker directly.
    await victim.hangUp(attacker.peerId)
    // (until the attacker has seen the close, its dial would return the dying connection)
    await vi.waitFor(() => { expect(attacker.getConnections(victim.peerId)).toEqual([]) }, WAIT)
    await attacker.dial(victim.getMultiaddrs())
    await vi.waitFor(() => { expect(victim.services.pubsub.getPeers().map(String), 'the victim\'s router has the attacker back').toContain(attacker.peerId.toString()) }, WAIT)
    await vi.waitFor(() => { expect(attacker.services.pubsub.getSubscribers(TOPIC).map(String), 'the attacker knows the victim subscribes').toContain(victim.peerId.toString()) }, WAIT)
    expect(scoreOf()).toBeLessThan(SCORE_THRESHOLDS.graylistThreshold!)
    await attacker.services.pubsub.publish(TOPIC, text('good'))
    await vi.waitFor(() => { expect(atVictim.map((m) => m.data)).toContain('good') }, WAIT)
    expect(atVictim.find((m) => m.data === 'good')?.from).toBe(honest.peerId.toString())
    expect(atVictim.map((m) => m.data).filter((d) => d.startsWith('bad'))).toEqual([])
  }, 90_000)

  it('does not score down fourteen honest peers that share one IP address (as peers signalled through one relay do)', async () => {
    nodes = await Promise.all(Array.from({ length: 15 }, async () => router()))
    const [hub, ...spokes] = nodes as [Router, ...Router[]]
    for (const s of spokes) await s.dial(hub.getMultiaddrs())
    for (const n of nodes) join(n)
    await vi.waitFor(() => { expect(hub.services.pubsub.getSubscribers(TOPIC)).toHaveLength(spokes.length) }, WAIT)
    for (const s of spokes) expect(scoreAt(hub, s)).toBeGreaterThanOrEqual(0)
  }, 90_000)
})
