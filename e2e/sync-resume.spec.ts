import { test, expect, type Page } from '@playwright/test'
import { openClient, openUser, texts, total, createOpenRoom } from './support/client-page.ts'
import { relaysStoppedAfterEach } from './support/relay.ts'

/** The history only the owner holds: six range requests of 1,000, of which the joiner sends three at first. */
const HISTORY = 6_000
/** The owner's page goes away once the joiner has stored its first answer (500 entries), well inside the sync. */
const DROP_AT = 500

const progressOf = (page: Page, room: string): Promise<{ active: boolean, received: number, expected: number }> =>
  page.evaluate((r) => window.peer.sync(r), room)

test.describe('history sync resumes after a drop', () => {
  const startRelay = relaysStoppedAfterEach()

  test('a late joiner whose only source closes mid-sync ends with the whole history once the source is back, without fetching again what it already held', async ({ browser }) => {
    test.setTimeout(240_000)
    const relay = await startRelay()
    const owner = await openUser(browser, relay, 'owner')
    const { room, link } = await createOpenRoom(owner, 'resume room')
    await owner.evaluate(async ([r, n]) => window.peer.bulkWrite(r, n), [room, HISTORY] as const)

    const joiner = await openUser(browser, relay, 'joiner')
    // The join is not awaited: it resolves only once the sync it starts has settled.
    const joined = joiner.evaluate(async (l) => window.peer.join(l), link)
    await joiner.evaluate(async ([r, n]) => window.peer.waitForTotal(r, n), [room, DROP_AT] as const)

    // The owner's tab goes away, its IndexedDB staying in the context. A real drop: the RTCPeerConnection
    // dies with the page, and the joiner learns it when WebRTC reports the connection failed (~18 s
    // here). context.setOffline would not do: Chromium's WebRTC ignores it and keeps delivering.
    const ownerContext = owner.context()
    await owner.close()
    await joined
    await expect.poll(async () => (await progressOf(joiner, room)).active).toBe(false)
    const atDrop = await progressOf(joiner, room)
    expect(atDrop.received).toBeGreaterThanOrEqual(DROP_AT)
    expect(atDrop.received).toBeLessThan(HISTORY)
    // what the cut requests never delivered is no longer expected: the progress does not wait for it
    expect(atDrop.expected).toBe(atDrop.received)
    await expect.poll(() => total(joiner, room)).toBe(atDrop.received)

    // The owner opens the app again: same identity, peer key and history, from IndexedDB.
    const back = await openClient(ownerContext, relay)
    await expect.poll(() => total(joiner, room), { timeout: 120_000 }).toBe(HISTORY)

    const history = await texts(back, room)
    expect(history).toHaveLength(HISTORY)
    const synced = await texts(joiner, room)
    expect(synced).toEqual(history)
    expect(new Set(synced).size).toBe(HISTORY)
    // Resumed, not restarted: over both sessions the peers sent each entry once (`expected` counts
    // what they sent or owe; a restart would have sent the first atDrop.received again).
    await expect.poll(() => progressOf(joiner, room)).toEqual({ active: false, received: HISTORY, expected: HISTORY })
  })
})
