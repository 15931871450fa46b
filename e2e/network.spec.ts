import { test, expect, type Page } from '@playwright/test'
import { openPeer } from './support/network-page.ts'
import { relaysStoppedAfterEach, type RelayProcess } from './support/relay.ts'
import { rawCidOf } from '../src/core/codec/hash.ts'

const TOPIC = 'peer-rooms/test/room'

const peerIdOf = (page: Page): Promise<string> => page.evaluate(() => window.net.status().peerId)
const texts = (page: Page): Promise<string[]> => page.evaluate((t) => window.net.received(t).map((m) => m.text), TOPIC)

/** Waits until the page advertises WebRTC addresses through each given relay. */
async function reachableVia (page: Page, relays: RelayProcess[]): Promise<void> {
  await expect.poll(() => page.evaluate((ids) => {
    const addrs = window.net.status().addresses
    return ids.every((id) => addrs.some((a) => a.includes(`/p2p/${id}/p2p-circuit/webrtc`)))
  }, relays.map((r) => r.peerId))).toBe(true)
}

/**
 * Publishes until delivered: gossip needs the subscription exchange first, which has no event to
 * await here. Each attempt carries its own suffix because GossipSub ids a message by the hash of its
 * data, so republishing identical bytes is dropped as a duplicate (and a first attempt made before
 * the exchange reached nobody).
 */
async function expectDelivered (from: Page, to: Page, text: string): Promise<void> {
  let attempt = 0
  const delivered = async (): Promise<boolean> => (await texts(to)).some((t) => t.startsWith(`${text} #`))
  await expect.poll(async () => {
    if (!(await delivered())) await from.evaluate(async ([t, x]) => window.net.publish(t!, x!), [TOPIC, `${text} #${++attempt}`])
    return delivered()
  }).toBe(true)
}

test.describe('browser peers over the real relay', () => {
  const startRelay = relaysStoppedAfterEach()

  test('find each other via DHT providers, connect over direct WebRTC, gossip, and keep gossiping after the relay is killed', async ({ browser }) => {
    const relay = await startRelay()
    const alice = await openPeer(browser, [relay.multiaddr])
    const bob = await openPeer(browser, [relay.multiaddr])
    for (const page of [alice, bob]) {
      await expect.poll(() => page.evaluate(() => window.net.status())).toMatchObject({ state: 'connected', relays: [{ connected: true }], dht: { mode: 'client' } })
      await page.evaluate((t) => { window.net.subscribe(t) }, TOPIC)
    }
    await expect.poll(() => alice.evaluate(() => window.net.status().dht.routingTableSize)).toBeGreaterThan(0)
    await reachableVia(alice, [relay])
    // publishing where nobody listens is normal, not an error
    expect(await alice.evaluate(async () => window.net.publish('peer-rooms/test/empty-room', 'anyone?'))).toEqual({ recipients: 0 })

    const room = rawCidOf(new TextEncoder().encode('a room key')).toString()
    await alice.evaluate(async (k) => window.net.provide(k), room)
    const aliceId = await peerIdOf(alice)
    await expect.poll(async () => (await bob.evaluate(async (k) => window.net.findProviders(k), room)).map((p) => p.peerId)).toContain(aliceId)

    const conn = await bob.evaluate(async (id) => window.net.dial(id), aliceId)
    expect(conn).toMatchObject({ peerId: aliceId, kind: 'direct', transport: 'webrtc' })
    await expect.poll(() => alice.evaluate(() => window.net.status().connections.filter((c) => c.transport === 'webrtc').length)).toBe(1)
    // the circuit the WebRTC signalling came through is closed on both sides once WebRTC is up
    const bobId = await peerIdOf(bob)
    for (const [page, other] of [[alice, bobId], [bob, aliceId]] as const) {
      await expect.poll(() => page.evaluate((id) => window.net.status().connections.filter((c) => c.peerId === id).map((c) => c.transport), other)).toEqual(['webrtc'])
    }

    // request/response over a stream on the WebRTC connection, with the size limit enforced
    await alice.evaluate(async () => window.net.serveEcho('/peer-rooms/test/echo/1'))
    expect(await bob.evaluate(async (id) => window.net.request(id, '/peer-rooms/test/echo/1', 'ping'), aliceId)).toBe('echo: ping')
    await expect(bob.evaluate(async (id) => window.net.request(id, '/peer-rooms/test/echo/1', 'x'.repeat(100)), aliceId)).rejects.toThrow()

    await expectDelivered(alice, bob, 'hello from alice')
    await expectDelivered(bob, alice, 'hello from bob')
    // each joins the other's mesh, by its own graft or the other's, and the room layer is told (onMeshPeer)
    for (const [page, other] of [[alice, bobId], [bob, aliceId]] as const) {
      await expect.poll(() => page.evaluate((t) => window.net.meshPeersSeen(t), TOPIC)).toContain(other)
    }
    // the validator's Reject: a rejected message is not delivered, and the next one still is
    expect(await alice.evaluate(async (t) => window.net.publish(t, 'bad message'), TOPIC)).toEqual({ recipients: 1 })
    await expectDelivered(alice, bob, 'after the bad one')
    expect(await texts(bob)).not.toContain('bad message')

    await relay.kill()
    await expect.poll(() => alice.evaluate(() => window.net.status().relays[0]!.connected)).toBe(false)
    await expect.poll(() => bob.evaluate(() => window.net.status().relays[0]!.connected)).toBe(false)
    await expectDelivered(alice, bob, 'alice, relay gone')
    await expectDelivered(bob, alice, 'bob, relay gone')
    expect(await alice.evaluate(() => window.net.status().state)).toBe('connected')
  })

  test('with two relays, one killed, a newcomer still joins via the other', async ({ browser }) => {
    const r1 = await startRelay()
    const r2 = await startRelay()
    const bootstrap = [r1.multiaddr, r2.multiaddr]
    const alice = await openPeer(browser, bootstrap)
    await expect.poll(() => alice.evaluate(() => window.net.status().relays.map((r) => r.connected))).toEqual([true, true])
    await alice.evaluate((t) => { window.net.subscribe(t) }, TOPIC)
    await reachableVia(alice, [r1, r2])
    await expect.poll(() => alice.evaluate(() => window.net.status().dht.routingTableSize)).toBe(2)
    const room = rawCidOf(new TextEncoder().encode('two relays')).toString()
    await alice.evaluate(async (k) => window.net.provide(k), room)

    await r1.kill()
    const carol = await openPeer(browser, bootstrap)
    await expect.poll(() => carol.evaluate(() => window.net.status().relays.map((r) => r.connected))).toEqual([false, true])
    expect(await carol.evaluate(() => window.net.status().state)).toBe('connected')
    await carol.evaluate((t) => { window.net.subscribe(t) }, TOPIC)

    const aliceId = await peerIdOf(alice)
    await expect.poll(async () => (await carol.evaluate(async (k) => window.net.findProviders(k), room)).map((p) => p.peerId)).toContain(aliceId)
    const conn = await carol.evaluate(async (id) => window.net.dial(id), aliceId)
    expect(conn).toMatchObject({ peerId: aliceId, kind: 'direct', transport: 'webrtc' })
    await expectDelivered(alice, carol, 'welcome, carol')
    await expectDelivered(carol, alice, 'thanks, alice')
  })

  test('user routing-hint records: put by one browser, got by another, newest wins, and they lead to the peer', async ({ browser }) => {
    const relay = await startRelay()
    const alice = await openPeer(browser, [relay.multiaddr])
    const bob = await openPeer(browser, [relay.multiaddr])
    await reachableVia(alice, [relay])
    await expect.poll(() => bob.evaluate(() => window.net.status().dht.routingTableSize)).toBeGreaterThan(0)
    const seed = '11'.repeat(32)
    const author = await alice.evaluate((s) => window.net.authorOfSeed(s), seed)
    const aliceId = await peerIdOf(alice)

    expect(await bob.evaluate(async (a) => window.net.getUserRecord(a), author)).toBeUndefined()
    expect((await alice.evaluate(async (s) => window.net.putUserRecord(s), seed)).stored).toBeGreaterThan(0)
    const first = await bob.evaluate(async (a) => window.net.getUserRecord(a), author)
    expect(first).toMatchObject({ author, hints: [{ peerId: aliceId }] })

    // a later put replaces it: the relay's selector keeps the newest valid record
    await expect.poll(async () => {
      await alice.evaluate(async (s) => window.net.putUserRecord(s), seed)
      return (await bob.evaluate(async (a) => window.net.getUserRecord(a), author))?.ts
    }).toBeGreaterThan(first!.ts)

    const conn = await bob.evaluate(async (addrs) => window.net.dial(addrs), [...first!.hints[0]!.addrs])
    expect(conn).toMatchObject({ peerId: aliceId, kind: 'direct', transport: 'webrtc' })
  })

  test('after the relay is gone, a mutual peer relays the WebRTC signalling between two peers', async ({ browser }) => {
    const relay = await startRelay()
    const alice = await openPeer(browser, [relay.multiaddr])
    const bob = await openPeer(browser, [relay.multiaddr])
    const carol = await openPeer(browser, [relay.multiaddr])
    await reachableVia(alice, [relay])
    const aliceId = await peerIdOf(alice)
    const carolId = await peerIdOf(carol)
    for (const page of [bob, carol]) {
      expect(await page.evaluate(async (id) => window.net.dial(id), aliceId)).toMatchObject({ transport: 'webrtc' })
    }
    await relay.kill()
    await expect.poll(() => bob.evaluate(() => window.net.status().relays[0]!.connected)).toBe(false)
    // carol takes a reservation on alice (her relay server) once the bootstrap relay is gone; bob then
    // reaches carol by peer id alone, signalling through alice
    await expect.poll(async () => (await bob.evaluate(async (id) => window.net.dial(id).catch(() => undefined), carolId))?.transport).toBe('webrtc')
    expect(await carol.evaluate((id) => window.net.status().connections.some((c) => c.peerId === id && c.transport === 'webrtc'), await peerIdOf(bob))).toBe(true)
  })

  test('a restarted relay: the peer reconnects with backoff, re-provides, and a newcomer finds and reaches it', async ({ browser }) => {
    const first = await startRelay()
    const alice = await openPeer(browser, [first.multiaddr])
    await reachableVia(alice, [first])
    const room = rawCidOf(new TextEncoder().encode('restart')).toString()
    await alice.evaluate(async (k) => window.net.provide(k), room)

    await first.kill()
    await expect.poll(() => alice.evaluate(() => window.net.status().state)).toBe('bootstrap-unreachable')
    // same key, same port: the same multiaddr, but an empty DHT
    const second = await startRelay({ dataDir: first.dataDir, port: first.port })
    expect(second.multiaddr).toBe(first.multiaddr)
    await expect.poll(() => alice.evaluate(() => window.net.status()), { timeout: 30_000 }).toMatchObject({ state: 'connected', relays: [{ connected: true }] })
    await reachableVia(alice, [second])

    const carol = await openPeer(browser, [second.multiaddr])
    const aliceId = await peerIdOf(alice)
    await expect.poll(async () => (await carol.evaluate(async (k) => window.net.findProviders(k), room)).map((p) => p.peerId)).toContain(aliceId)
    expect(await carol.evaluate(async (id) => window.net.dial(id), aliceId)).toMatchObject({ peerId: aliceId, transport: 'webrtc' })
  })

  test('a tab that has spent its RTCPeerConnection budget stops opening WebRTC connections and falls back to the relay', async ({ browser }) => {
    const relay = await startRelay()
    const alice = await openPeer(browser, [relay.multiaddr])
    const carol = await openPeer(browser, [relay.multiaddr])
    const bob = await openPeer(browser, [relay.multiaddr], { rtcConnectionBudget: 1 })
    await reachableVia(alice, [relay])
    await reachableVia(carol, [relay])
    expect(await bob.evaluate(async (id) => window.net.dial(id), await peerIdOf(alice))).toMatchObject({ transport: 'webrtc' })
    expect(await bob.evaluate(async (id) => window.net.dial(id), await peerIdOf(carol))).toMatchObject({ kind: 'relayed' })
    expect(await bob.evaluate(() => window.net.status().rtcConnectionsUsed)).toBe(1)
    // incoming offers are refused too: carol cannot open WebRTC to bob
    await expect(carol.evaluate(async (id) => window.net.dial(id), await peerIdOf(bob))).resolves.toMatchObject({ kind: 'relayed' })
  })

  test('a restarted tab reaches the network through the peers it cached, with no bootstrap address', async ({ browser }) => {
    const relay = await startRelay()
    const alice = await openPeer(browser, [relay.multiaddr])
    await reachableVia(alice, [relay])
    await alice.evaluate(async () => window.net.restart([]))
    await expect.poll(() => alice.evaluate(() => window.net.status())).toMatchObject({ state: 'connected', relays: [] })
    expect(await alice.evaluate(() => window.net.status().connections.map((c) => c.peerId))).toContain(relay.peerId)
  })

  test('says offline when the browser is offline, and connected to the relay again when it comes back', async ({ browser }) => {
    const relay = await startRelay()
    const alice = await openPeer(browser, [relay.multiaddr])
    await expect.poll(() => alice.evaluate(() => window.net.status().state)).toBe('connected')
    await alice.context().setOffline(true)
    await expect.poll(() => alice.evaluate(() => window.net.status().state)).toBe('offline')
    await alice.context().setOffline(false)
    await expect.poll(() => alice.evaluate(() => window.net.status())).toMatchObject({ state: 'connected', relays: [{ connected: true }] })
  })
})
