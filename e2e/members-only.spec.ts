import { test, expect } from '@playwright/test'
import { idOf, join, openUser, texts } from './support/client-page.ts'
import { relaysStoppedAfterEach } from './support/relay.ts'

test.describe('members-only access to an invite-only room (issue 17)', () => {
  const startRelay = relaysStoppedAfterEach()

  test('an outsider who knows the room id is refused history and profiles and hears nothing on the topics it can name; members keep syncing', async ({ browser }) => {
    test.setTimeout(240_000)
    const relay = await startRelay()
    const a = await openUser(browser, relay, 'alice')
    const room = await a.evaluate(async () => window.peer.createRoom('members only', 'invite-only'))
    const link = await a.evaluate(async (r) => window.peer.invite(r), room)
    const b = await openUser(browser, relay, 'bob')
    await join(b, link, room, 'members only')
    await a.evaluate(async (r) => window.peer.send(r, 'before mallory'), room)
    await expect.poll(() => texts(b, room)).toEqual(['before mallory'])

    const mallory = await openUser(browser, relay, 'mallory')
    const malloryPeer = await mallory.evaluate(() => window.peer.peerId())
    const alicePeer = await a.evaluate(() => window.peer.peerId())
    const members = [await idOf(a), await idOf(b)]
    await mallory.evaluate((r) => { window.peer.eavesdrop(r) }, room)

    await test.step('history: a refusal and nothing else', async () => {
      const answer = await mallory.evaluate(async ([p, r]) => window.peer.askHistory(p!, r!), [alicePeer, room])
      expect(answer).toMatchObject({ t: 'error', code: 'refused' })
      expect(answer.message).toMatch(/^unauthorized/)
    })

    await test.step('profiles: a refusal and no profile', async () => {
      const answer = await mallory.evaluate(async ([p, r, m]) => window.peer.askProfiles(p, r, m), [alicePeer, room, members] as const)
      expect(answer.profiles).toBeUndefined()
      expect(answer.refused).toMatch(/^unauthorized/)
    })

    await test.step('gossip: subscribed to every topic named by the room id, it hears none of the room\'s messages', async () => {
      const [feedTopic] = await mallory.evaluate((r) => window.peer.nameableTopics(r).filter((t) => t.endsWith('/feed')), room)
      // Alice knows Mallory subscribes to it, so she would send her anything published on it.
      await expect.poll(() => a.evaluate((t) => window.peer.topicPeers(t), feedTopic!)).toContain(malloryPeer)
      await a.evaluate(async (r) => window.peer.send(r, 'after mallory'), room)
      await b.evaluate((r) => { window.peer.typing(r) }, room)
      await expect.poll(() => texts(b, room)).toEqual(['before mallory', 'after mallory'])
      await expect.poll(() => a.evaluate((r) => window.peer.typers(r), room)).toEqual([members[1]])
      expect(await mallory.evaluate(() => window.peer.heard())).toBe(0)
    })

    await test.step('a refusal is not misbehaviour: Mallory is not counted as a bad peer, and is no member', async () => {
      expect(await a.evaluate(() => window.peer.badPeers())).toEqual([])
      expect((await a.evaluate((r) => window.peer.room(r).members.map((m) => m.id), room)).sort()).toEqual([...members].sort())
    })

    await test.step('an invitee is served for its join and syncs the history; members still sync', async () => {
      const c = await openUser(browser, relay, 'carol')
      await join(c, link, room, 'members only')
      await expect.poll(() => texts(c, room)).toEqual(['before mallory', 'after mallory'])
      await c.evaluate(async (r) => window.peer.send(r, 'hello from carol'), room)
      for (const p of [a, b]) await expect.poll(() => texts(p, room)).toContain('hello from carol')
      expect(await mallory.evaluate(() => window.peer.heard())).toBe(0)
    })
  })
})
