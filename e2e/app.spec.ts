import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { test, expect, chromium, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test'
import { AxeBuilder } from '@axe-core/playwright'
import { chromiumLaunchOptions } from './support/chromium.ts'
import { onboard } from './support/app-ui.ts'
import { startRelay, type RelayProcess } from './support/relay.ts'
import { fakeCameraFlag, qrCodeVideo } from './support/qr-video.ts'

const run = promisify(execFile)
/** The production build under `vite preview`; APP_URL points a local run at a build of its own. */
const APP = process.env.APP_URL ?? 'http://127.0.0.1:4173/'
const SHOTS = join(import.meta.dirname, '..', 'e2e-artifacts', 'app')
const PEER_TIMEOUT = { timeout: 60_000 }
/** Profiles (names) reach a newcomer on the client's presence rounds, slower than messages. */
const PROFILE_TIMEOUT = { timeout: 150_000 }

/** What the page's strict CSP blocked: the app must need nothing it forbids. */
const cspViolations: string[] = []

/**
 * Desktop notifications, observed: the browser's Notification is replaced by a recorder that is
 * already allowed, and the tab can be made to look hidden, as when the user is in another tab.
 */
function spyOnNotifications (): void {
  const w = window as unknown as { shown: string[], hideTab: boolean }
  w.shown = []
  w.hideTab = false
  Object.defineProperty(document, 'hidden', { get: () => w.hideTab })
  class RecordingNotification {
    static readonly permission = 'granted'
    static requestPermission = (): Promise<string> => Promise.resolve('granted')
    onclick: (() => void) | null = null
    constructor (title: string) { w.shown.push(title) }
    close (): void {}
  }
  Object.defineProperty(window, 'Notification', { value: RecordingNotification })
}

/**
 * The app as users get it (the production build served by `vite preview`) against the real relay
 * process: each user is a separate browser context (or browser), driven only through the UI.
 */
async function openApp (browser: Browser, relay: RelayProcess | string, url = APP, colorScheme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext, page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme })
  // `npm start` serves /config.json next to the app; here the test's own relay is the bootstrap node.
  const bootstrap = typeof relay === 'string' ? relay : relay.multiaddr
  await context.route('**/config.json', async (route) => {
    await route.fulfill({ json: { bootstrap: [bootstrap], profile: 'loopback', iceServers: [] } })
  })
  await context.addInitScript(spyOnNotifications)
  const page = await context.newPage()
  page.on('console', (m) => { if (m.text().includes('Content Security Policy')) cspViolations.push(m.text()) })
  await page.goto(url)
  return { context, page }
}

const composer = (page: Page): Locator => page.getByRole('textbox', { name: /^Message #/ })
const message = (page: Page, text: string): Locator => page.locator('article.message', { hasText: text })

/** Sends through the composer; `shown` is the text once markdown is rendered. */
async function createRoom (page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Create a room' }).first().click()
  await page.getByLabel('Room name').fill(name)
  await page.getByRole('button', { name: 'Create room' }).click()
  await expect(page.getByRole('heading', { name })).toBeVisible()
}

async function send (page: Page, text: string, shown = text): Promise<void> {
  await composer(page).fill(text)
  await composer(page).press('Enter')
  await expect(message(page, shown)).toBeVisible()
}

async function expectNoA11yViolations (page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze()
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

const shot = async (page: Page, name: string): Promise<void> => {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) })
}

test.describe('the app over the real relay', () => {
  let relay: RelayProcess
  test.beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    relay = await startRelay()
  })
  test.afterAll(async () => { await relay.stop() })
  test.afterEach(() => { expect(cspViolations.splice(0)).toEqual([]) })

  test('onboarding, a room, invites by link and by QR, chat with reply/edit/delete/reactions/mentions, and a ban', async ({ browser }) => {
    test.setTimeout(300_000)

    // Alice: onboarding (accessible), then a room.
    const { page: alice } = await openApp(browser, relay)
    await expect(alice.getByRole('button', { name: 'Create identity' })).toBeVisible()
    await expectNoA11yViolations(alice)
    await shot(alice, '1-onboarding')
    await onboard(alice, 'Alice')
    await alice.getByRole('button', { name: 'Create a room' }).first().click()
    await alice.getByLabel('Room name').fill('Book Club')
    await alice.getByLabel('Description').fill('Monthly reads')
    await alice.getByLabel('Tags (comma separated)').fill('books, fiction')
    await alice.getByRole('button', { name: 'Create room' }).click()
    await expect(alice.getByRole('heading', { name: 'Book Club' })).toBeVisible()
    await expect(composer(alice)).toBeEnabled()
    await send(alice, 'Welcome to the **club**', 'Welcome to the club')
    await expect(message(alice, 'Welcome to the club').locator('strong')).toHaveText('club')
    // Markup in a message is text, and unsafe links are dropped: html:false, then DOMPurify.
    await send(alice, 'look <img src=x onerror="document.title=1"> [here](javascript:alert(1)) and https://example.org', 'look <img src=x')
    const unsafe = message(alice, 'look <img src=x')
    await expect(unsafe.locator('img')).toHaveCount(0)
    await expect(unsafe.locator('a[href^="javascript"]')).toHaveCount(0)
    await expect(unsafe.getByRole('link', { name: 'https://example.org' })).toHaveAttribute('rel', /noopener/)

    // Invite by link: Bob opens it.
    await alice.getByRole('button', { name: 'Invite people' }).click()
    await alice.getByRole('button', { name: 'Create invite' }).click()
    const link = await alice.getByLabel('Invite link').inputValue()
    await expect(alice.getByRole('img', { name: 'QR code of the invite link' })).toBeVisible()
    await expectNoA11yViolations(alice)
    await shot(alice, '2-invite-dialog')
    await alice.getByRole('button', { name: 'Close' }).click()

    // A newcomer opens the link: onboarding first, then the app joins the room the link names.
    expect(link).toContain('#/join/')
    const { page: bob } = await openApp(browser, relay, link, 'dark')
    await onboard(bob, 'Bob')
    await expect(bob.getByRole('heading', { name: 'Book Club' })).toBeVisible(PEER_TIMEOUT)
    await expect(message(bob, 'Welcome to the club')).toBeVisible(PEER_TIMEOUT)

    // Invite by QR: Carol's camera (a separate browser with a fake camera) shows the code.
    await alice.getByRole('button', { name: 'Invite people' }).click()
    await alice.getByRole('button', { name: 'Create invite' }).click()
    const qrLink = await alice.getByLabel('Invite link').inputValue()
    await alice.getByRole('button', { name: 'Close' }).click()
    const cameraBrowser = await chromium.launch(chromiumLaunchOptions([fakeCameraFlag(await qrCodeVideo(qrLink))]))
    try {
      const { page: carol } = await openApp(cameraBrowser, relay)
      await onboard(carol, 'Carol')
      await carol.getByRole('button', { name: 'Join a room' }).first().click()
      await carol.getByRole('button', { name: 'Scan a QR code' }).click()
      await expect(carol.getByRole('heading', { name: 'Book Club' })).toBeVisible(PEER_TIMEOUT)
      await expect(message(carol, 'Welcome to the club')).toBeVisible(PEER_TIMEOUT)
      await send(carol, 'Carol here, scanned in')
      await expect(message(alice, 'Carol here, scanned in')).toBeVisible(PEER_TIMEOUT)

      // Chat both ways: a reply, an edit, a reaction, a mention, a delete.
      await send(bob, 'Hi everyone')
      await expect(message(alice, 'Hi everyone')).toBeVisible(PEER_TIMEOUT)
      await message(alice, 'Hi everyone').hover()
      await message(alice, 'Hi everyone').getByRole('button', { name: 'Reply' }).click()
      await expect(alice.getByText('Replying to')).toBeVisible()
      await send(alice, 'Hello Bob, glad you came')
      const reply = message(bob, 'Hello Bob, glad you came')
      await expect(reply).toBeVisible(PEER_TIMEOUT)
      await expect(reply.locator('.reply-preview')).toContainText('Hi everyone')
      await reply.getByRole('button', { name: /^Go to the message by .* this replies to$/ }).click()
      await expect(message(bob, 'Hi everyone').first()).toBeInViewport()

      await message(alice, 'Welcome to the club').hover()
      await message(alice, 'Welcome to the club').getByRole('button', { name: 'Edit' }).click()
      await alice.getByRole('textbox', { name: 'Edit message' }).fill('Welcome to the **book** club')
      await alice.getByRole('textbox', { name: 'Edit message' }).press('Enter')
      await expect(message(bob, 'Welcome to the book club')).toContainText('(edited)', PEER_TIMEOUT)

      await message(bob, 'Welcome to the book club').hover()
      await message(bob, 'Welcome to the book club').getByRole('button', { name: 'Add reaction' }).click()
      await bob.getByRole('button', { name: 'React with 👍' }).click()
      await expect(message(alice, 'Welcome to the book club').getByRole('button', { name: /^👍 1/ })).toBeVisible(PEER_TIMEOUT)

      // Suggestions list members by their profile names, which arrive by gossip after the join.
      await expect(bob.getByRole('button', { name: /^Alice, / })).toBeVisible(PROFILE_TIMEOUT)
      await alice.evaluate(() => { (window as unknown as { hideTab: boolean }).hideTab = true })
      await composer(bob).fill('thanks @Al')
      await bob.getByRole('option', { name: /@Alice/ }).click()
      await composer(bob).press('Enter')
      await expect(message(alice, 'thanks @Alice')).toHaveClass(/mentioned/, PEER_TIMEOUT)
      await expect.poll(() => alice.evaluate(() => (window as unknown as { shown: string[] }).shown)).toContainEqual(expect.stringMatching(/mentioned you in Book Club$/))
      await alice.evaluate(() => { (window as unknown as { hideTab: boolean }).hideTab = false })

      // Typing is announced (ephemeral, never stored) and shown under the other side's list.
      // Keystrokes until it shows: the client sends at most one notice per few seconds while typing goes on.
      await expect.poll(async () => {
        await composer(bob).press('x')
        return await alice.locator('.typing').textContent()
      }, PEER_TIMEOUT).toContain('is typing…')
      await composer(bob).fill('')

      await send(alice, 'this one was a typo')
      await expect(message(bob, 'this one was a typo')).toBeVisible(PEER_TIMEOUT)
      await message(alice, 'this one was a typo').hover()
      await message(alice, 'this one was a typo').getByRole('button', { name: 'Delete' }).click()
      await alice.getByRole('dialog', { name: 'Delete message' }).getByRole('button', { name: 'Delete' }).click()
      await expect(message(bob, 'this one was a typo')).toHaveCount(0, PEER_TIMEOUT)
      await expect(bob.getByText('This message was deleted.')).toBeVisible()

      await expectNoA11yViolations(alice)
      await expectNoA11yViolations(bob)
      await shot(alice, '3-chat')
      await shot(bob, '3-chat-bob-dark')

      // A ban: Alice bans Carol with a reason; every peer knows, and Carol can no longer post.
      await alice.getByRole('button', { name: /^Carol, / }).click()
      await alice.getByRole('button', { name: 'Ban…' }).click()
      await alice.getByLabel('Reason (optional, shown to them)').fill('spoilers')
      await alice.getByRole('button', { name: 'Ban Carol' }).click()
      await expect(alice.getByRole('button', { name: 'Carol, banned', exact: true })).toBeVisible()
      await expect(bob.getByRole('button', { name: 'Carol, banned', exact: true })).toBeVisible(PEER_TIMEOUT)
      await expect(carol.getByRole('status', { name: 'You are banned from this room' })).toContainText('“spoilers”', PEER_TIMEOUT)
      await expect(composer(carol)).toHaveCount(0)
      await expect(message(alice, 'Carol here, scanned in')).toBeVisible()

      await alice.getByRole('button', { name: 'Room settings' }).click()
      await expect(alice.getByText('“spoilers”')).toBeVisible()
      await expectNoA11yViolations(alice)
      await shot(alice, '4-room-settings')
      await alice.getByRole('button', { name: 'Close' }).click()

      await alice.getByRole('button', { name: /^Connectivity:/ }).click()
      await expect(alice.getByRole('dialog', { name: 'Connectivity' })).toContainText('Peers in this room')
      // A peer is named by the member whose signed presence notice claimed it.
      await expect(alice.getByRole('dialog', { name: 'Connectivity' }).getByRole('row', { name: /^Bob \S+ direct \(WebRTC\)/ })).toBeVisible(PEER_TIMEOUT)
      await expectNoA11yViolations(alice)
      await shot(alice, '5-connectivity')
      await alice.getByRole('button', { name: 'Close' }).click()

      // Phone width: one column; the member list is a drawer with its own close button.
      await bob.setViewportSize({ width: 390, height: 800 })
      await bob.getByRole('complementary', { name: 'Members' }).getByRole('button', { name: 'Close the member list' }).click()
      await expect(bob.getByRole('complementary', { name: 'Members' })).toHaveCount(0)
      await expect(composer(bob)).toBeVisible()
      await shot(bob, '6-phone')
      await bob.getByRole('button', { name: 'Show channels' }).click()
      await expect(bob.getByRole('navigation', { name: 'Channels' })).toBeVisible()
      await shot(bob, '7-phone-channels')
    } finally {
      await cameraBrowser.close()
    }
  })

  test('moderation: roles, channels, pins and deleting another member\'s message, offered by capability', async ({ browser }) => {
    const { page: owner } = await openApp(browser, relay)
    await onboard(owner, 'Olga')
    await createRoom(owner, 'Modlab')
    await owner.getByRole('button', { name: 'Invite people' }).click()
    await owner.getByRole('button', { name: 'Create invite' }).click()
    const link = await owner.getByLabel('Invite link').inputValue()
    await owner.getByRole('button', { name: 'Close' }).click()
    // Max joins by pasting the link into the join dialog.
    const { page: member } = await openApp(browser, relay)
    await onboard(member, 'Max')
    await member.getByRole('button', { name: 'Join a room' }).first().click()
    await member.getByLabel('Invite link').fill(link)
    await member.getByRole('button', { name: 'Join', exact: true }).click()
    await expect(member.getByRole('heading', { name: 'Modlab' })).toBeVisible(PEER_TIMEOUT)

    // A plain member is offered no moderation: no channel, role or ban controls, no pin or delete on others.
    await send(member, 'a message from Max')
    await expect(message(owner, 'a message from Max')).toBeVisible(PEER_TIMEOUT)
    await send(owner, 'pin me')
    await expect(message(member, 'pin me')).toBeVisible(PEER_TIMEOUT)
    await expect(message(member, 'pin me').getByRole('button', { name: 'Delete' })).toHaveCount(0)
    await expect(message(member, 'pin me').getByRole('button', { name: 'Pin' })).toHaveCount(0)
    await member.getByRole('button', { name: 'Room settings' }).click()
    const memberSettings = member.getByRole('dialog', { name: 'Modlab settings' })
    await expect(memberSettings.getByRole('heading', { name: 'Roles', exact: true })).toBeVisible()
    await expect(memberSettings.getByRole('heading', { name: 'Channels', exact: true })).toHaveCount(0)
    await expect(memberSettings.getByLabel('New role')).toHaveCount(0)
    await member.getByRole('button', { name: 'Close' }).click()

    // The owner pins, deletes the member's message, defines a role and manages channels.
    await message(owner, 'pin me').getByRole('button', { name: 'Pin' }).click()
    await expect(message(member, 'pin me')).toContainText('pinned', PEER_TIMEOUT)
    await message(owner, 'a message from Max').getByRole('button', { name: 'Delete' }).click()
    await owner.getByRole('dialog', { name: 'Delete message' }).getByRole('button', { name: 'Delete' }).click()
    await expect(message(member, 'a message from Max')).toHaveCount(0, PEER_TIMEOUT)

    await owner.getByRole('button', { name: 'Room settings' }).click()
    const settings = owner.getByRole('dialog', { name: 'Modlab settings' })
    await settings.getByLabel('New role').fill('helper')
    await settings.getByRole('checkbox', { name: 'pin' }).check()
    await settings.getByRole('button', { name: 'Define role' }).click()
    await expect(settings.getByRole('cell', { name: 'helper' })).toBeVisible()
    await settings.getByLabel('New channel').fill('announcements')
    await settings.getByRole('button', { name: 'Create channel' }).click()
    await expect(settings.getByLabel('Name of #announcements')).toBeVisible()
    await settings.getByLabel('Name of #announcements').fill('news')
    await settings.getByRole('button', { name: 'Rename' }).nth(1).click()
    await expect(settings.getByLabel('Name of #news')).toBeVisible()
    await owner.getByRole('button', { name: 'Close' }).click()
    await expect(member.getByRole('button', { name: 'news' })).toBeVisible(PEER_TIMEOUT)

    // Unread counts: a message in a channel Max is not viewing; opening it marks it read.
    await owner.getByRole('button', { name: 'news' }).click()
    await send(owner, 'first news')
    await expect(member.getByRole('button', { name: /^news, 1 unread/ })).toBeVisible(PEER_TIMEOUT)
    await member.getByRole('button', { name: /^news/ }).click()
    await expect(message(member, 'first news')).toBeVisible()
    await expect(member.getByRole('button', { name: 'news', exact: true })).toBeVisible()
    await member.getByRole('button', { name: /^general/ }).click()

    // Granting the new role gives the member its capability: pins are now offered to them.
    await owner.getByRole('button', { name: /^Max, / }).click()
    await owner.getByLabel('Role').selectOption('helper')
    await owner.getByRole('button', { name: 'Change role' }).click()
    await expect(member.getByRole('button', { name: /^Max, helper/ })).toBeVisible(PEER_TIMEOUT)
    await expect(message(member, 'pin me').getByRole('button', { name: 'Unpin' })).toHaveCount(1)
  })

  test('the status bar tells offline, nobody else in the room, and bootstrap unreachable apart', async ({ browser }) => {
    const { context, page } = await openApp(browser, relay)
    await onboard(page, 'Erin')
    await createRoom(page, 'Quiet room')
    const state = page.getByRole('button', { name: /^Connectivity:/ })
    await expect(state).toHaveAccessibleName(/^Connectivity: Nobody else online\./)
    await context.setOffline(true)
    await expect(state).toHaveAccessibleName(/^Connectivity: Offline\./)
    await context.setOffline(false)
    await expect(state).toHaveAccessibleName(/^Connectivity: Nobody else online\./)
    await page.getByRole('button', { name: 'Room settings' }).click()
    await page.getByRole('button', { name: 'Leave room…' }).click()
    await page.getByRole('button', { name: 'Leave room', exact: true }).click()
    await expect(page.getByRole('heading', { name: 'Welcome to Peer Rooms' })).toBeVisible()

    // A relay that is not there (its address, a closed port): the app says so and still works locally.
    const deadRelay = relay.multiaddr.replace(/\/tcp\/\d+\//, '/tcp/9/')
    const { page: lost } = await openApp(browser, deadRelay)
    await onboard(lost, 'Finn')
    await createRoom(lost, 'Island')
    await expect(lost.getByRole('button', { name: /^Connectivity:/ })).toHaveAccessibleName(/^Connectivity: Relay unreachable\./)
    await send(lost, 'still works offline')
    await expect(message(lost, 'still works offline')).toContainText('not yet delivered')
  })

  test('one tab at a time runs the client; "Use here" moves it, with the rooms and history', async ({ browser }) => {
    const { context, page: first } = await openApp(browser, relay)
    await onboard(first, 'Tabitha')
    await createRoom(first, 'Tab room')
    await send(first, 'written in the first tab')
    const elsewhere = (page: Page): Locator => page.getByRole('status').filter({ hasText: 'Peer Rooms is open in another tab' })

    // A second tab of the same profile does not start a second peer for the same identity.
    const second = await context.newPage()
    await second.goto(APP)
    await expect(elsewhere(second)).toBeVisible()
    await expect(second.getByRole('heading', { name: 'Tab room' })).toHaveCount(0)

    // "Use here": the first tab stops and says where the app went; the second opens the same profile.
    await second.getByRole('button', { name: 'Use here' }).click()
    await expect(elsewhere(first)).toBeVisible()
    await second.getByRole('button', { name: /Tab room/ }).first().click()
    await expect(message(second, 'written in the first tab')).toBeVisible()
    await send(second, 'written in the second tab')

    // And back again: the first tab sees what the second wrote.
    await first.getByRole('button', { name: 'Use here' }).click()
    await expect(elsewhere(second)).toBeVisible()
    await first.getByRole('button', { name: /Tab room/ }).first().click()
    await expect(message(first, 'written in the second tab')).toBeVisible()

    // A reload keeps the profile in its tab: the old page lets go as the new one asks.
    await first.reload()
    await first.getByRole('button', { name: /Tab room/ }).first().click()
    await expect(message(first, 'written in the second tab')).toBeVisible()
    await expect(elsewhere(second)).toBeVisible()
    await context.close()
  })

  test('an identity exported as a passphrase-encrypted backup is restored in another browser profile', async ({ browser }) => {
    const { page: first } = await openApp(browser, relay)
    // A 1600x1200 photo-like picture is resized in the page to fit the 32 KiB avatar limit.
    const picture = join(mkdtempSync(join(tmpdir(), 'avatar-')), 'big.png')
    await run('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'nullsrc=s=1600x1200,geq=random(1)*255:128:128', '-frames:v', '1', picture])
    await first.getByLabel('Avatar (optional)').setInputFiles(picture)
    await expect(first.getByRole('img', { name: 'Avatar preview' })).toBeVisible()
    expect(Number((await first.locator('.avatar-picker .hint').textContent())?.replace(/\D/g, ''))).toBeLessThanOrEqual(32)
    await onboard(first, 'Dana')
    const fingerprint = await first.locator('.welcome .fingerprint').textContent()
    expect(fingerprint).toBeTruthy()
    await first.getByRole('button', { name: 'Create a room' }).first().click()
    await first.getByLabel('Room name').fill('Dana’s notes')
    await first.getByRole('button', { name: 'Create room' }).click()
    await expect(first.locator('.user-panel img.avatar')).toBeVisible()
    await first.getByRole('button', { name: 'Your profile and backup' }).click()
    await expect(first.getByRole('dialog', { name: 'Your identity' })).toContainText(fingerprint!)
    await first.getByLabel('Backup passphrase').fill('correct horse battery')
    await first.getByRole('button', { name: 'Create backup' }).click()
    const backup = await first.getByLabel('Backup text').inputValue()
    expect(backup.length).toBeGreaterThan(40)

    const { page: second } = await openApp(browser, relay)
    await second.getByRole('button', { name: 'Restore a backup' }).click()
    await second.getByLabel('…or paste the backup').fill(backup)
    await second.getByLabel('Passphrase').fill('wrong passphrase')
    await second.getByRole('button', { name: 'Restore identity' }).click()
    await expect(second.getByRole('alert')).toBeVisible()
    await second.getByLabel('Passphrase').fill('correct horse battery')
    await second.getByRole('button', { name: 'Restore identity' }).click()
    await expect(second.locator('.welcome .fingerprint')).toHaveText(fingerprint!)
  })
})
