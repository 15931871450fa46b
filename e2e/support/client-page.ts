import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { harnessContext } from './network-page.ts'
import { HARNESS_ORIGIN } from './origins.ts'
import type { RelayProcess } from './relay.ts'

/** The test page that runs one real PeerClient (IndexedDB storage, libp2p in the loopback profile) as window.peer. */
export const CLIENT_HARNESS = `${HARNESS_ORIGIN}/e2e/harness/client.html`

/** How a test tab's client runs: `rtcConnectionBudget` makes it refuse WebRTC after that many connections. */
export interface ClientOptions { readonly rtcConnectionBudget?: number }

/**
 * Opens the client harness in `context` and starts its peer against the relay. A page opened again
 * in the same context finds the same IndexedDB: the same identity, peer key, rooms and history.
 */
export async function openClient (context: BrowserContext, relay: RelayProcess, options: ClientOptions = {}): Promise<Page> {
  const page = await context.newPage()
  await page.goto(CLIENT_HARNESS)
  await page.waitForFunction(() => window.peerReady)
  await page.evaluate(async ([b, budget]) => window.peer.start([b], 'test', budget), [relay.multiaddr, options.rtcConnectionBudget] as const)
  return page
}

/**
 * One browser context per user (its own IndexedDB, its own libp2p peer, no Vite reloads), with an
 * identity named `name`.
 */
export async function openUser (browser: Browser, relay: RelayProcess, name: string, options: ClientOptions = {}): Promise<Page> {
  const page = await openClient(await harnessContext(browser), relay, options)
  await page.evaluate(async (n) => window.peer.createIdentity(n), name)
  return page
}

/** The channel's texts in display order. */
export const texts = async (page: Page, room: string): Promise<Array<string | undefined>> =>
  (await page.evaluate(async (r) => window.peer.messages(r), room)).map((m) => m.text)
/** How many messages the channel holds. */
export const total = (page: Page, room: string): Promise<number> => page.evaluate(async (r) => window.peer.total(r), room)
export const idOf = async (page: Page): Promise<string> => (await page.evaluate(() => window.peer.identity()))!.id

/** Joins by link; once join resolves the user is a member (no JOIN left in flight) and may post at once. */
export async function join (page: Page, link: string, room: string, name: string): Promise<void> {
  await page.evaluate(async (l) => window.peer.join(l), link)
  const me = await idOf(page)
  expect(await page.evaluate((r) => window.peer.room(r).members.map((m) => m.id), room)).toContain(me)
  await expect.poll(() => page.evaluate((r) => window.peer.room(r).name, room)).toBe(name)
}

/** Creates an open room on `page` and returns it with its invite link. */
export async function createOpenRoom (page: Page, name: string): Promise<{ room: string, link: string }> {
  const room = await page.evaluate(async (n) => window.peer.createRoom(n, 'open'), name)
  return { room, link: await page.evaluate((r) => window.peer.shareLink(r), room) }
}
