import { test, expect, type Browser, type Page } from '@playwright/test'
import { idOf, join, openUser, texts, total, createOpenRoom } from './support/client-page.ts'
import { relaysStoppedAfterEach } from './support/relay.ts'

const names = async (page: Page, room: string): Promise<string[]> =>
  (await page.evaluate((r) => window.peer.room(r).members.map((m) => m.name), room)).sort()

/** Sends and waits until every other page holds the message. */
async function sendAndSee (from: Page, room: string, text: string, to: Page[]): Promise<void> {
  await from.evaluate(async ([r, t]) => window.peer.send(r!, t!), [room, text])
  for (const page of to) await expect.poll(async () => (await texts(page, room)).includes(text)).toBe(true)
}

test.describe('rooms over the real relay', () => {
  const startRelay = relaysStoppedAfterEach()

  /** A relay, Alice with a new open room, and `name` joined by its link. */
  async function aliceAndOne (browser: Browser, roomName: string, name: string) {
    const relay = await startRelay()
    const a = await openUser(browser, relay, 'alice')
    const { room, link } = await createOpenRoom(a, roomName)
    const other = await openUser(browser, relay, name)
    await join(other, link, room, roomName)
    return { relay, a, other, room, link }
  }

  test('join by link, chat both ways, late joiner syncs from several peers, ban rejects later entries, chat survives the relay', async ({ browser }) => {
    test.setTimeout(300_000)
    const relay = await startRelay()
    const a = await openUser(browser, relay, 'alice')
    const { room, link } = await createOpenRoom(a, 'test room')
    await a.evaluate(async (r) => window.peer.send(r, 'hello from alice'), room)
    const reachedOfFirst = async (): Promise<number | undefined> => (await a.evaluate(async (r) => window.peer.messages(r), room)).find((m) => m.text === 'hello from alice')?.reached
    // Sent with nobody online: not delivered yet.
    expect(await reachedOfFirst()).toBe(0)
    const b = await openUser(browser, relay, 'bob')
    const c = await openUser(browser, relay, 'carol')

    await test.step('B and C join by link; messages flow both ways; all three hold the same history', async () => {
      await join(b, link, room, 'test room')
      await join(c, link, room, 'test room')
      await expect.poll(() => texts(b, room)).toEqual(['hello from alice'])
      await expect.poll(() => texts(c, room)).toEqual(['hello from alice'])
      await sendAndSee(b, room, 'hello from bob', [a, c])
      await sendAndSee(c, room, 'hello from carol', [a, b])
      await sendAndSee(a, room, 'welcome both', [b, c])
      const history = await texts(a, room)
      expect(history).toHaveLength(4)
      expect(await texts(b, room)).toEqual(history)
      expect(await texts(c, room)).toEqual(history)
      const members = await a.evaluate((r) => window.peer.room(r).members.map((m) => m.id), room)
      expect(members.sort()).toEqual([await idOf(a), await idOf(b), await idOf(c)].sort())
    })

    await test.step('each tab reaches the two others directly, so it thins its GossipSub mesh (mesh-degree.ts)', async () => {
      for (const p of [a, b, c]) await expect.poll(() => p.evaluate(() => window.peer.meshDegree()), { timeout: 15_000 }).toBe(0)
    })

    await test.step('profiles, typing and the delivery indicator travel between the peers', async () => {
      await expect.poll(async () => (await a.evaluate((r) => window.peer.room(r).members.map((m) => m.name), room)).sort()).toEqual(['alice', 'bob', 'carol'])
      await expect.poll(async () => (await c.evaluate((r) => window.peer.room(r).members.map((m) => m.name), room)).sort()).toEqual(['alice', 'bob', 'carol'])
      await b.evaluate((r) => { window.peer.typing(r) }, room)
      await expect.poll(() => a.evaluate((r) => window.peer.typers(r), room)).toEqual([await idOf(b)])
      const mine = (await a.evaluate(async (r) => window.peer.messages(r), room)).find((m) => m.text === 'welcome both')
      expect(mine?.reached).toBeGreaterThanOrEqual(1)
      // The message sent before anyone joined reached B and C by history sync, and its mark followed.
      await expect.poll(reachedOfFirst).toBeGreaterThanOrEqual(1)
    })

    let d: Page | undefined
    await test.step('late joiner D syncs 1,200 earlier messages from several peers, in order', async () => {
      await Promise.all([a, b, c].map(async (p, i) => p.evaluate(async ([r, prefix]) => window.peer.sendMany(r!, prefix!, 400), [room, `bulk ${i}`])))
      for (const p of [a, b, c]) await expect.poll(() => total(p, room), { timeout: 120_000 }).toBe(1204)
      const expected = await texts(a, room)
      d = await openUser(browser, relay, 'dave')
      await join(d, link, room, 'test room')
      await expect.poll(() => total(d!, room), { timeout: 120_000 }).toBe(1204)
      expect(await texts(d, room)).toEqual(expected)
      const sources = await d.evaluate((r) => window.peer.syncSources(r), room)
      expect(sources.filter(([, n]) => n > 0).length).toBeGreaterThanOrEqual(2)
    })

    await test.step('the owner bans C: C\'s later entries are rejected by A, B and D (not stored, not relayed); earlier ones stay', async () => {
      const carol = await idOf(c)
      const before = (await texts(d!, room)).filter((t) => t?.startsWith('bulk 2 ')).length
      expect(before).toBe(400)
      await a.evaluate(async ([r, t]) => window.peer.ban(r!, t!), [room, carol])
      for (const p of [b, c, d!]) {
        await expect.poll(() => p.evaluate(([r, t]) => window.peer.room(r!).members.find((m) => m.id === t)?.banned, [room, carol])).toBe(true)
      }
      const forged = await c.evaluate(async (r) => window.peer.forcePublish(r, 'posted after the ban'), room)
      await expect.poll(() => a.evaluate(([r, t]) => window.peer.rejected(r!).some((x) => x.author === t && x.reason === 'banned'), [room, carol])).toBe(true)
      // A later message from A reaching B and D shows they processed what arrived before it.
      await sendAndSee(a, room, 'after the ban', [b, d!])
      for (const p of [a, b, d!]) {
        expect(await p.evaluate(async (h) => window.peer.stored(h), forged)).toBe(false)
        expect((await texts(p, room)).filter((t) => t?.startsWith('bulk 2 '))).toHaveLength(400)
        expect(await texts(p, room)).not.toContain('posted after the ban')
      }
    })

    await test.step('the relay stops: A, B and D keep chatting over direct WebRTC', async () => {
      await relay.kill()
      await sendAndSee(a, room, 'no relay: alice', [b, d!])
      await sendAndSee(b, room, 'no relay: bob', [a, d!])
      await sendAndSee(d!, room, 'no relay: dave', [a, b])
    })
  })

  test('a peer sending garbage on the sync stream is dropped from sync, counted and disconnected; the room keeps working', async ({ browser }) => {
    const relay = await startRelay()
    const a = await openUser(browser, relay, 'alice')
    const { room, link } = await createOpenRoom(a, 'garbage room')
    await expect.poll(() => a.evaluate(() => window.peer.connectivity().state)).toBe('no-peers')
    const b = await openUser(browser, relay, 'bob')
    await join(b, link, room, 'garbage room')
    await sendAndSee(b, room, 'hello', [a])
    await expect.poll(() => a.evaluate(() => window.peer.connectivity().state)).toBe('connected')
    const mallory = await openUser(browser, relay, 'mallory')
    const malloryPeer = await mallory.evaluate(() => window.peer.peerId())
    const alicePeer = await a.evaluate(() => window.peer.peerId())
    await mallory.evaluate(async (p) => window.peer.sendGarbage(p), alicePeer)
    await expect.poll(() => a.evaluate(() => window.peer.badPeers())).toContainEqual([malloryPeer, 1])
    await expect.poll(() => a.evaluate((p) => window.peer.connectedTo(p), malloryPeer)).toBe(false)
    await sendAndSee(a, room, 'still here', [b])
  })

  test('a newcomer sees the members\' names as soon as it has synced, even of a member who is offline and cannot announce again', async ({ browser }) => {
    const { relay, a, other: c, room, link } = await aliceAndOne(browser, 'names room', 'carol')
    await sendAndSee(c, room, 'carol was here', [a])
    await expect.poll(() => names(a, room)).toEqual(['alice', 'carol'])
    // Carol leaves the network: her name can now only come from what Alice holds.
    await c.evaluate(async () => window.peer.stop())

    const d = await openUser(browser, relay, 'dave')
    await join(d, link, room, 'names room')
    await expect.poll(() => texts(d, room)).toEqual(['carol was here'])
    await expect.poll(() => names(d, room)).toEqual(['alice', 'carol', 'dave'])
  })

  test('a link opened while the room\'s only member is away: joining keeps looking and completes once the member is back', async ({ browser }) => {
    const relay = await startRelay()
    const a = await openUser(browser, relay, 'alice')
    const { room, link } = await createOpenRoom(a, 'away room')
    await a.evaluate(async (r) => window.peer.send(r, 'said before going away'), room)
    await a.evaluate(async () => window.peer.stop())

    const b = await openUser(browser, relay, 'bob')
    let settled = false
    const joined = b.evaluate(async (l) => window.peer.join(l), link).finally(() => { settled = true })
    // two lookups have found nobody to sync with, and the join is still waiting rather than resolved empty
    await expect.poll(() => b.evaluate((r) => window.peer.lookups(r), room)).toBeGreaterThanOrEqual(2)
    expect(settled).toBe(false)

    await a.evaluate(async (addr) => window.peer.start(addr), [relay.multiaddr])
    await joined
    expect(await b.evaluate((r) => window.peer.room(r).members.map((m) => m.id), room)).toContain(await idOf(b))
    expect(await b.evaluate((r) => window.peer.room(r).name, room)).toBe('away room')
    await expect.poll(() => texts(b, room)).toEqual(['said before going away'])
  })

  test('a page reloads: identity, rooms and history come back from IndexedDB and it reconnects', async ({ browser }) => {
    const { relay, a, other: b, room } = await aliceAndOne(browser, 'reload room', 'bob')
    await sendAndSee(a, room, 'before reload', [b])
    await sendAndSee(b, room, 'bob before reload', [a])
    const bob = await idOf(b)

    await b.reload()
    await b.waitForFunction(() => window.peerReady)
    await b.evaluate(async (addr) => window.peer.start(addr), [relay.multiaddr])
    expect(await idOf(b)).toBe(bob)
    expect(await b.evaluate(() => window.peer.rooms())).toEqual([room])
    expect(await texts(b, room)).toEqual(['before reload', 'bob before reload'])
    await sendAndSee(a, room, 'after reload', [b])
    await sendAndSee(b, room, 'bob after reload', [a])
  })

  test('a message published before its own write committed is stored on the next start, and the feed does not fork', async ({ browser }) => {
    const relay = await startRelay()
    const a = await openUser(browser, relay, 'alice')
    const { room, link } = await createOpenRoom(a, 'journal room')
    await a.evaluate(async (r) => window.peer.send(r, 'one'), room)
    // A send records its entry in the journal before publishing it; this tab "dies" before the write.
    await a.evaluate(async (r) => window.peer.journalWithoutStoring(r, 'two'), room)
    expect(await texts(a, room)).toEqual(['one'])

    await a.reload()
    await a.waitForFunction(() => window.peerReady)
    await a.evaluate(async (addr) => window.peer.start(addr), [relay.multiaddr])
    // nobody else holds the room: only the journal can have brought 'two' back
    await expect.poll(() => texts(a, room)).toEqual(['one', 'two'])
    expect(await a.evaluate((r) => window.peer.journalCount(r), room)).toBe(0)
    await a.evaluate(async (r) => window.peer.send(r, 'three'), room)

    // A peer that syncs the feed gets one chain: 'three' continues 'two' instead of taking its seq.
    const b = await openUser(browser, relay, 'bob')
    await join(b, link, room, 'journal room')
    await expect.poll(() => texts(b, room)).toEqual(['one', 'two', 'three'])
    expect(await b.evaluate((r) => window.peer.room(r).forkedAuthors, room)).toEqual([])
  })

  test('a tab that closes is seen gone by its peers at once, not when WebRTC gives up on it', async ({ browser }) => {
    const relay = await startRelay()
    const a = await openUser(browser, relay, 'alice')
    const b = await openUser(browser, relay, 'bob')
    const { room, link } = await createOpenRoom(a, 'closing room')
    await join(b, link, room, 'closing room')
    const alice = await a.evaluate(() => window.peer.peerId())
    await expect.poll(() => b.evaluate((p) => window.peer.connections().some((c) => c.peerId === p && c.transport === 'webrtc'), alice)).toBe(true)
    const aliceOnline = (): Promise<boolean | undefined> => b.evaluate((r) => window.peer.room(r).members.find((m) => m.name === 'alice')?.online, room)
    await expect.poll(aliceOnline).toBe(true)
    await a.close()
    // A page torn down with its WebRTC connections open tells its peers nothing: they find out when
    // ICE consent fails, ~16 s here. The closing tab closes them itself (pagehide), and each peer ends
    // the connection on the SCTP abort (patches/@libp2p+webrtc+6.0.33+002+sctp-close.patch): ~80 ms.
    await expect.poll(() => b.evaluate((p) => window.peer.connectedTo(p), alice), { timeout: 8_000 }).toBe(false)
    // Her only tab is gone, so she is shown offline now, not 90 s after her last presence notice.
    await expect.poll(aliceOnline).toBe(false)
  })

  test('a member no WebRTC link reaches: it gossips and syncs over a relayed circuit, and every message reaches everyone', async ({ browser }) => {
    const relay = await startRelay()
    const a = await openUser(browser, relay, 'alice')
    const { room, link } = await createOpenRoom(a, 'mesh room')
    // Bob may open one RTCPeerConnection, his link to Alice: Carol, who joins later, reaches him only
    // over a relayed circuit, as across a symmetric NAT without TURN.
    const b = await openUser(browser, relay, 'bob', { rtcConnectionBudget: 1 })
    await join(b, link, room, 'mesh room')
    const c = await openUser(browser, relay, 'carol')
    await join(c, link, room, 'mesh room')
    const [alice, carol] = await Promise.all([a, c].map(async (p) => p.evaluate(() => window.peer.peerId())))
    await expect.poll(() => c.evaluate((p) => window.peer.connections().some((x) => x.peerId === p && x.kind === 'direct'), alice)).toBe(true)
    await expect.poll(() => b.evaluate((r) => window.peer.room(r).members.find((m) => m.name === 'carol')?.online, room), { timeout: 20_000 }).toBe(true)
    await expect.poll(() => b.evaluate((p) => window.peer.connections().some((x) => x.peerId === p && x.kind === 'relayed'), carol), { timeout: 20_000 }).toBe(true)
    expect(await b.evaluate((p) => window.peer.connections().some((x) => x.peerId === p && x.kind === 'direct'), carol)).toBe(false)

    await sendAndSee(c, room, 'from carol', [a, b])
    await sendAndSee(b, room, 'from bob', [a, c])
    await sendAndSee(a, room, 'from alice', [b, c])
  })

  test('a message a tab failed to store, with nothing later from its author to show the gap, arrives by the next clock comparison; its sender is not blamed', async ({ browser }) => {
    const { a, other: b, room } = await aliceAndOne(browser, 'lossy room', 'bob')
    await sendAndSee(a, room, 'first', [b])
    const alice = await a.evaluate(() => window.peer.peerId())

    // Bob's next write of received entries fails, as a transient IndexedDB error would: the message
    // reaches him by gossip and is not stored, and Alice sends nothing after it.
    await b.evaluate(() => { window.peer.failNextFeedWrite() })
    const lost = await a.evaluate(async (r) => window.peer.send(r, 'stored at the second try'), room)
    await expect.poll(() => b.evaluate(() => window.peer.injectedFailures())).toBe(1)
    // RoomSession.catchUp compares clocks with a room peer every refresh round (5 s in tests).
    await expect.poll(() => b.evaluate(async (h) => window.peer.stored(h), lost)).toBe(true)
    expect(await texts(b, room)).toEqual(['first', 'stored at the second try'])
    // A failure of ours is not the sender's fault: Alice is neither counted nor disconnected.
    expect(await b.evaluate(() => window.peer.badPeers())).toEqual([])
    expect(await b.evaluate((p) => window.peer.connectedTo(p), alice)).toBe(true)
  })
})
