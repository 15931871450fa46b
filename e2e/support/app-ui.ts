import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test'
import type { RelayProcess } from './relay.ts'

/** The production build under `vite preview`; APP_URL points a local run at a build of its own. */
export const APP = process.env.APP_URL ?? 'http://127.0.0.1:4173/'
/** Messages, reactions and pins cross a real WebRTC link between two browser contexts. */
export const PEER_TIMEOUT = { timeout: 60_000 }

/** A page of the app: what its strict CSP blocked is collected, since the app must need nothing it forbids. */
export interface AppPage { readonly context: BrowserContext, readonly page: Page, readonly cspViolations: string[] }

/**
 * The app as users get it against the real relay process, in a browser context of its own (its own
 * IndexedDB and libp2p peer); `url` may be an invite link.
 */
export async function openApp (browser: Browser, relay: RelayProcess, url = APP): Promise<AppPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.route('**/config.json', async (route) => {
    await route.fulfill({ json: { bootstrap: [relay.multiaddr], profile: 'loopback', iceServers: [] } })
  })
  const page = await context.newPage()
  const cspViolations: string[] = []
  page.on('console', (m) => { if (m.text().includes('Content Security Policy')) cspViolations.push(m.text()) })
  await page.goto(url)
  return { context, page, cspViolations }
}

export async function onboard (page: Page, name: string): Promise<void> {
  await page.getByLabel('Display name').fill(name)
  await page.getByRole('button', { name: 'Create identity' }).click()
  await expect(page.getByText(name, { exact: true }).first()).toBeVisible()
}

export const composer = (page: Page): Locator => page.getByRole('textbox', { name: /^Message #/ })
export const message = (page: Page, text: string): Locator => page.locator('article.message', { hasText: text })

/** Creates a room (open by default) and waits for its view. */
export async function createRoom (page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Create a room' }).first().click()
  await page.getByLabel('Room name').fill(name)
  await page.getByRole('button', { name: 'Create room' }).click()
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible()
}

/** Sends through the composer and waits for the message in the sender's own view. */
export async function send (page: Page, text: string, shown = text): Promise<void> {
  await composer(page).fill(text)
  await composer(page).press('Enter')
  await expect(message(page, shown)).toBeVisible()
}

/** Creates an invite in the room on screen and returns its link. */
export async function inviteLink (page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Invite people' }).click()
  await page.getByRole('button', { name: 'Create invite' }).click()
  const link = await page.getByLabel('Invite link').inputValue()
  await page.getByRole('button', { name: 'Close' }).click()
  return link
}

/**
 * Alice creates a room and Bob, in another browser context, joins it by its invite link: both
 * onboarded through the UI, and Bob sees Alice's first message.
 */
export async function aliceAndBob (browser: Browser, relay: RelayProcess, room: string): Promise<{ alice: AppPage, bob: AppPage }> {
  const alice = await openApp(browser, relay)
  await onboard(alice.page, 'Alice')
  await createRoom(alice.page, room)
  await send(alice.page, `Welcome to ${room}`)
  const bob = await openApp(browser, relay, await inviteLink(alice.page))
  await onboard(bob.page, 'Bob')
  await expect(bob.page.getByRole('heading', { name: room })).toBeVisible(PEER_TIMEOUT)
  await expect(message(bob.page, `Welcome to ${room}`)).toBeVisible(PEER_TIMEOUT)
  return { alice, bob }
}

/** In the open emoji picker named `label`, searches and picks the first emoji whose name matches. */
export async function pickEmoji (page: Page, label: string, search: string, name: RegExp): Promise<void> {
  const picker = page.getByRole('dialog', { name: label })
  await picker.getByRole('searchbox', { name: 'Search emoji' }).fill(search)
  await picker.getByRole('group', { name: 'Search results' }).getByRole('button', { name }).first().click()
}

/** The connectivity dialog, opened from the status bar (its peer table says how each peer is reached). */
export async function openConnectivity (page: Page): Promise<Locator> {
  await page.getByRole('button', { name: /^Connectivity:/ }).click()
  return page.getByRole('dialog', { name: 'Connectivity' })
}
