import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test'
import { AxeBuilder } from '@axe-core/playwright'
import { startRelay, type RelayProcess } from './support/relay.ts'

/**
 * The rough edges a new user hits (issue 19, section 3), each reached through the UI of the
 * production build, one user per browser context, over a real relay process: what a banned user is
 * told, links that are malformed or name a room nobody serves, one consistent story in the status
 * bar and member list, invite onboarding, moderation with confirmation, the phone layout, and axe
 * on every screen in both themes. Screenshots go to e2e-artifacts/ui-edges.
 */
const APP = process.env.APP_URL ?? 'http://127.0.0.1:4173/'
const SHOTS = join(import.meta.dirname, '..', 'e2e-artifacts', 'ui-edges')
const PEER_TIMEOUT = { timeout: 90_000 }
/** Joining a room nobody serves gives up its first lookups after 20 s; the machine may be slow. */
const WAIT_TIMEOUT = { timeout: 120_000 }

async function openApp (browser: Browser, bootstrap: string, url = APP, colorScheme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext, page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme })
  await context.route('**/config.json', async (route) => {
    await route.fulfill({ json: { bootstrap: [bootstrap], profile: 'loopback', iceServers: [] } })
  })
  const page = await context.newPage()
  await page.goto(url)
  return { context, page }
}

async function onboard (page: Page, name: string): Promise<void> {
  await page.getByLabel('Display name').fill(name)
  await page.getByRole('button', { name: /^Create identity/ }).click()
  await expect(page.getByText(name, { exact: true }).first()).toBeVisible()
}

async function createRoom (page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Create a room' }).first().click()
  await page.getByLabel('Room name').fill(name)
  await page.getByRole('button', { name: 'Create room' }).click()
  await expect(page.getByRole('heading', { name })).toBeVisible()
}

async function inviteLink (page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Invite people' }).click()
  await page.getByRole('button', { name: 'Create invite' }).click()
  const link = await page.getByLabel('Invite link').inputValue()
  await page.getByRole('button', { name: 'Close' }).click()
  return link
}

const composer = (page: Page): Locator => page.getByRole('textbox', { name: /^Message #/ })
const message = (page: Page, text: string): Locator => page.locator('article.message', { hasText: text })
const netState = (page: Page): Locator => page.getByRole('button', { name: /^Connectivity:/ })
const peerCount = (page: Page): Locator => page.locator('.status-bar .peer-count')
const members = (page: Page): Locator => page.getByRole('complementary', { name: 'Members' })

async function send (page: Page, text: string): Promise<void> {
  await composer(page).fill(text)
  await composer(page).press('Enter')
  await expect(message(page, text)).toBeVisible()
}

/**
 * The status bar and the member list agree: the state the bar names, the number of others it says
 * are online, and the members the list marks online (ourselves excluded) are one and the same.
 */
async function expectOneStory (page: Page, state: RegExp, othersOnline: number): Promise<void> {
  await expect(netState(page)).toHaveAccessibleName(state, PEER_TIMEOUT)
  const words = othersOnline === 0 ? 'nobody else online' : `${othersOnline} ${othersOnline === 1 ? 'other' : 'others'} online`
  await expect(peerCount(page)).toHaveText(words, PEER_TIMEOUT)
  const online = members(page).getByRole('button', { name: /, online$/ })
  await expect(online).toHaveCount(othersOnline + 1, PEER_TIMEOUT)
  await expect(online.filter({ hasText: 'you' })).toHaveCount(1)
}

async function expectNoA11yViolations (page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze()
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

/**
 * axe in the page's theme and then in the other one: through the theme toggle where the screen has
 * one (the user panel), else by setting the theme the app would apply, then back again.
 */
async function expectNoA11yViolationsInBothThemes (page: Page): Promise<void> {
  await expectNoA11yViolations(page)
  const toggle = page.getByRole('button', { name: /^Switch to (dark|light) theme$/ })
  const flip = async (): Promise<void> => {
    if (await toggle.count() > 0) await toggle.click()
    else await page.evaluate(() => { document.documentElement.dataset.theme = document.documentElement.dataset.theme === 'light' ? 'dark' : 'light' })
  }
  await flip()
  await expectNoA11yViolations(page)
  await flip()
}

const shot = async (page: Page, name: string): Promise<void> => {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) })
}

test.describe('rough edges, through the UI', () => {
  let relay: RelayProcess
  test.beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    relay = await startRelay()
  })
  test.afterAll(async () => { await relay.stop() })

  test('three users: consistent status, invite onboarding, fingerprints, kick and ban confirmed, what a banned user is told', async ({ browser }) => {
    test.setTimeout(600_000)
    const { page: alice } = await openApp(browser, relay.multiaddr)
    await onboard(alice, 'Alice')
    await createRoom(alice, 'Edge Club')
    await expectOneStory(alice, /^Connectivity: Nobody else online\./, 0)

    // A channel from the '+' beside the channel list.
    await alice.getByRole('button', { name: 'Create a channel' }).click()
    await alice.getByLabel('Channel name').fill('random')
    await alice.getByRole('dialog', { name: 'Create a channel' }).getByRole('button', { name: 'Create channel' }).click()
    await expect(alice.getByRole('heading', { name: 'random', exact: true })).toBeVisible()
    await alice.getByRole('button', { name: /^general/ }).click()
    await expectNoA11yViolationsInBothThemes(alice)
    await shot(alice, '01-alone-in-room')

    // Bob opens the invite: onboarding names the room he is joining.
    const link = await inviteLink(alice)
    const { page: bob } = await openApp(browser, relay.multiaddr, link, 'dark')
    await expect(bob.getByRole('heading', { name: 'You are invited to join Edge Club' })).toBeVisible()
    await expect(bob.getByRole('button', { name: 'Create identity and join Edge Club' })).toBeVisible()
    await expectNoA11yViolationsInBothThemes(bob)
    await shot(bob, '02-invite-onboarding-dark')
    await onboard(bob, 'Bob')
    await expect(bob.getByRole('heading', { name: 'Edge Club' })).toBeVisible(PEER_TIMEOUT)

    const { page: carol } = await openApp(browser, relay.multiaddr, await inviteLink(alice))
    await onboard(carol, 'Carol')
    await expect(carol.getByRole('heading', { name: 'Edge Club' })).toBeVisible(PEER_TIMEOUT)

    // Connected: the bar's count and the list's online members agree, on every page.
    for (const page of [alice, bob, carol]) await expectOneStory(page, /^Connectivity: Connected\./, 2)
    // After a reload the story is told again from scratch, and still agrees.
    await carol.reload()
    await expect(carol.getByRole('heading', { name: 'Edge Club' })).toBeVisible(PEER_TIMEOUT)
    await expectOneStory(carol, /^Connectivity: Connected\./, 2)
    await send(bob, 'hello from Bob')
    await expect(message(alice, 'hello from Bob')).toBeVisible(PEER_TIMEOUT)
    await expectNoA11yViolationsInBothThemes(alice)
    await shot(alice, '03-three-connected')

    // Esc closes the reaction picker.
    await message(alice, 'hello from Bob').hover()
    await message(alice, 'hello from Bob').getByRole('button', { name: 'Add reaction' }).click()
    await expect(alice.getByRole('group', { name: 'Pick a reaction' })).toBeVisible()
    await alice.keyboard.press('Escape')
    await expect(alice.getByRole('group', { name: 'Pick a reaction' })).toHaveCount(0)

    // Another member's key is shown in the same form as one's own, so they can be compared.
    const bobsOwn = await bob.locator('.user-panel .fingerprint').textContent()
    expect(bobsOwn).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/)
    await members(alice).getByRole('button', { name: /^Bob, / }).click()
    const bobDialog = alice.getByRole('dialog', { name: 'Bob' })
    await expect(bobDialog.locator('.fingerprint')).toHaveText(bobsOwn!)
    await expect(bobDialog.getByRole('option', { name: 'banned' })).toHaveCount(0)
    await expectNoA11yViolations(alice)
    await shot(alice, '04-member-dialog')

    // A ban asks first, takes no reason if none is given, and Bob is told plainly.
    await bobDialog.getByRole('button', { name: 'Ban…' }).click()
    await expect(bobDialog.getByRole('form', { name: 'Ban Bob?' })).toBeVisible()
    await expectNoA11yViolations(alice)
    await shot(alice, '05-ban-confirm')
    await bobDialog.getByRole('button', { name: 'Ban Bob' }).click()
    await expect(members(alice).getByRole('button', { name: 'Bob, banned', exact: true })).toBeVisible()
    const notice = bob.getByRole('status', { name: 'You are banned from this room' })
    await expect(notice).toBeVisible(PEER_TIMEOUT)
    await expect(notice).toContainText('Alice banned you on')
    await expect(notice).toContainText('without giving a reason')
    await expect(notice).toContainText('You can still read the history')
    await expect(composer(bob)).toHaveCount(0)
    // Nothing that would fail is offered: no edit, reply, reaction or delete on his own message.
    await message(bob, 'hello from Bob').hover()
    await expect(message(bob, 'hello from Bob').getByRole('toolbar', { name: 'Message actions' }).getByRole('button')).toHaveCount(0)
    await expectNoA11yViolationsInBothThemes(bob)
    await shot(bob, '06-banned')

    // Kick, confirmed: Carol loses her role and is told she is no longer a member.
    await expectOneStory(alice, /^Connectivity: Connected\./, 1)
    await members(alice).getByRole('button', { name: /^Carol, / }).click()
    const carolDialog = alice.getByRole('dialog', { name: 'Carol' })
    await carolDialog.getByRole('button', { name: 'Kick…' }).click()
    await expect(carolDialog.getByRole('group', { name: 'Kick Carol?' })).toContainText('until someone sends them a new invite')
    await carolDialog.getByRole('button', { name: 'Kick Carol' }).click()
    await expect(carol.getByRole('status').filter({ hasText: 'You are not a member of Edge Club' })).toBeVisible(PEER_TIMEOUT)
    await expect(composer(carol)).toHaveCount(0)
    // And she stays out: a message Alice sends after the kick reaches Carol, and she has not walked
    // back in on her old invite meanwhile (her client would have joined again at once).
    await send(alice, 'after the kick')
    await expect(message(carol, 'after the kick')).toBeVisible(PEER_TIMEOUT)
    await expect(composer(carol)).toHaveCount(0)
    await expect(members(alice).getByRole('button', { name: /^Carol, / })).toHaveCount(0)
    await expectNoA11yViolations(carol)
    await shot(carol, '07-kicked')

    // Phone width: the member drawer has a backdrop and a close button; Join is in the header.
    await alice.setViewportSize({ width: 390, height: 800 })
    await expect(alice.getByRole('button', { name: 'Join a room' })).toBeVisible()
    if (await members(alice).count() === 0) await alice.getByRole('button', { name: 'Member list' }).click()
    await expect(members(alice)).toBeVisible()
    await expectNoA11yViolations(alice)
    await shot(alice, '08-phone-members')
    await members(alice).getByRole('button', { name: 'Close the member list' }).click()
    await expect(members(alice)).toHaveCount(0)
    await expect(composer(alice)).toBeVisible()
    await alice.getByRole('button', { name: 'Member list' }).click()
    await alice.mouse.click(20, 400)
    await expect(members(alice)).toHaveCount(0)
    await shot(alice, '09-phone-chat')
  })

  test('links: malformed ones in plain words, a room nobody serves waits under its name, and offline is told apart', async ({ browser }) => {
    test.setTimeout(400_000)
    // A malformed link opened directly: onboarding says so in plain words, then a toast that closes.
    const { context, page: dana } = await openApp(browser, relay.multiaddr, `${APP}#/join/not*an*invite`)
    await expect(dana.getByRole('alert')).toContainText('This invite link is damaged or incomplete')
    await expect(dana.getByRole('alert')).not.toContainText('base64url')
    await expectNoA11yViolationsInBothThemes(dana)
    await shot(dana, '10-onboarding-bad-link')
    await onboard(dana, 'Dana')
    const toast = dana.getByRole('alert').filter({ hasText: 'damaged or incomplete' })
    await expect(toast).toBeVisible()
    await expectNoA11yViolations(dana)
    await shot(dana, '11-bad-link-toast')
    await toast.getByRole('button', { name: 'Dismiss' }).click()
    await expect(toast).toHaveCount(0)

    // Pasted into the join dialog: the same plain words, never the parser's.
    await dana.getByRole('button', { name: 'Join a room' }).first().click()
    await dana.getByLabel('Invite link').fill('https://example.org/chat')
    await dana.getByRole('button', { name: 'Join', exact: true }).click()
    const dialog = dana.getByRole('dialog', { name: 'Join a room' })
    await expect(dialog.getByRole('alert')).toContainText('does not contain an invite')
    await expectNoA11yViolations(dana)
    await dialog.getByRole('button', { name: 'Close' }).click()

    // A toast also closes by itself.
    await dana.goto(`${APP}#/join/AAAA`)
    await expect(dana.getByRole('alert').filter({ hasText: 'damaged or incomplete' })).toBeVisible()
    await expect(dana.getByRole('alert').filter({ hasText: 'damaged or incomplete' })).toHaveCount(0, { timeout: 60_000 })

    // A room whose only member has gone: it shows under the link's name, waiting, and can be given up.
    const { context: erinContext, page: erin } = await openApp(browser, relay.multiaddr)
    await onboard(erin, 'Erin')
    await createRoom(erin, 'Ghost Town')
    const ghostLink = await inviteLink(erin)
    await erinContext.close()
    await dana.goto(ghostLink)
    await expect(dana.getByRole('heading', { name: 'Looking for Ghost Town…' })).toBeVisible()
    await expect(dana.getByRole('button', { name: 'Ghost Town' })).toBeVisible()
    await expect(dana.getByRole('heading', { name: 'Waiting for someone from Ghost Town to come online' })).toBeVisible(WAIT_TIMEOUT)
    await expect(dana.getByRole('main', { name: 'Joining Ghost Town' })).toContainText('We keep trying')
    await expectNoA11yViolationsInBothThemes(dana)
    await shot(dana, '12-waiting-for-room')
    await dana.getByRole('button', { name: 'Stop waiting and remove' }).click()
    await expect(dana.getByRole('heading', { name: 'Welcome to Peer Rooms' })).toBeVisible()
    await expect(dana.getByRole('button', { name: 'Ghost Town' })).toHaveCount(0)

    // Alone in a room of her own, then offline: the bar and the list say the same each time.
    await createRoom(dana, 'Solo')
    await expectOneStory(dana, /^Connectivity: Nobody else online\./, 0)
    await context.setOffline(true)
    await expectOneStory(dana, /^Connectivity: Offline\./, 0)
    await expectNoA11yViolationsInBothThemes(dana)
    await shot(dana, '13-offline')
    await context.setOffline(false)
    await expectOneStory(dana, /^Connectivity: Nobody else online\./, 0)

    // A relay that does not answer is its own state.
    const deadRelay = relay.multiaddr.replace(/\/tcp\/\d+\//, '/tcp/9/')
    const { page: lost } = await openApp(browser, deadRelay)
    await onboard(lost, 'Finn')
    await createRoom(lost, 'Island')
    await expectOneStory(lost, /^Connectivity: Relay unreachable\./, 0)
    await expectNoA11yViolationsInBothThemes(lost)
    await shot(lost, '14-relay-unreachable')
  })
})
