import { test, expect, type Page } from '@playwright/test'
import { startRelay, type RelayProcess } from './support/relay.ts'
import { PEER_TIMEOUT, aliceAndBob, composer, message, send } from './support/app-ui.ts'

const channelTitle = (page: Page, name: string) => page.getByRole('heading', { name, level: 1, exact: true })

/** Search across rooms, the pinned view and the quick switcher, through the UI of the production build. */
test.describe('search, pins and the quick switcher', () => {
  let relay: RelayProcess
  test.beforeAll(async () => { relay = await startRelay() })
  test.afterAll(async () => { await relay.stop() })

  test('search finds a message in a channel not open and opens it in context; the pinned view lists another user\'s pin; Ctrl+K switches channels', async ({ browser }) => {
    test.setTimeout(300_000)
    const { alice, bob } = await aliceAndBob(browser, relay, 'Search Room')

    // Alice makes a second channel, writes the message to find there, pins it, and buries it among taller ones.
    await alice.page.getByRole('button', { name: 'Room settings' }).click()
    const settings = alice.page.getByRole('dialog', { name: 'Search Room settings' })
    await settings.getByLabel('New channel').fill('archive-talk')
    await settings.getByRole('button', { name: 'Create channel' }).click()
    await expect(settings.getByLabel('Name of #archive-talk')).toBeVisible()
    await alice.page.getByRole('button', { name: 'Close' }).click()
    await alice.page.getByRole('button', { name: 'archive-talk' }).click()
    await expect(channelTitle(alice.page, 'archive-talk')).toBeVisible()
    const filler = async (label: string): Promise<void> => {
      await composer(alice.page).fill(`${label}\n${'more\n'.repeat(6)}end`)
      await composer(alice.page).press('Enter')
      await expect(message(alice.page, label)).toBeVisible()
    }
    for (let i = 1; i <= 8; i++) await filler(`before ${i}`)
    await send(alice.page, 'The zebra migration report is due Friday')
    await message(alice.page, 'The zebra migration').hover()
    await message(alice.page, 'The zebra migration').getByRole('button', { name: 'Pin' }).click()
    await expect(message(alice.page, 'The zebra migration')).toHaveClass(/\bpinned\b/)
    for (let i = 1; i <= 10; i++) await filler(`filler ${i}`)

    // Bob stays in #general, where none of that shows, and searches.
    await expect(channelTitle(bob.page, 'general')).toBeVisible()
    await expect(bob.page.getByRole('button', { name: /^archive-talk/ })).toBeVisible(PEER_TIMEOUT)
    await bob.page.getByRole('button', { name: 'Search messages' }).click()
    const search = bob.page.getByRole('dialog', { name: 'Search messages' })
    await search.getByRole('searchbox', { name: 'Search messages' }).fill('zebra migr')
    const hit = search.getByRole('list', { name: 'Search results' }).getByRole('button', { name: /The zebra migration report is due Friday/ })
    await expect(hit).toBeVisible(PEER_TIMEOUT)
    await expect(hit).toContainText('Search Room · #archive-talk · Alice')
    await expect(search.getByRole('list', { name: 'Search results' }).getByRole('listitem')).toHaveCount(1)
    await hit.click()

    // The result opens its channel at the message, scrolled to and marked, though newer ones fill the screen.
    await expect(channelTitle(bob.page, 'archive-talk')).toBeVisible()
    const found = message(bob.page, 'The zebra migration report')
    await expect(found).toBeInViewport()
    await expect(bob.page.locator('.message-row.focused')).toContainText('The zebra migration report')
    await expect(message(bob.page, 'filler 10')).not.toBeInViewport()
    await expect(message(bob.page, 'before 1')).not.toBeInViewport()

    // The pinned view: Alice's pin, listed at Bob, and its jump.
    await bob.page.getByRole('button', { name: 'Pinned messages' }).click()
    const pins = bob.page.getByRole('dialog', { name: 'Pinned messages in #archive-talk' })
    await expect(pins.getByRole('list', { name: 'Pinned messages' }).getByRole('listitem')).toHaveCount(1, PEER_TIMEOUT)
    await expect(pins.getByRole('listitem')).toContainText('The zebra migration report is due Friday')
    await expect(pins.getByRole('listitem')).toContainText('Alice')
    await bob.page.getByRole('button', { name: 'Close' }).click()

    // Ctrl+K: back to #general by typing part of its name.
    await bob.page.keyboard.press('Control+k')
    const switcher = bob.page.getByRole('dialog', { name: 'Go to a room or channel' })
    await switcher.getByRole('combobox', { name: 'Room or channel' }).fill('gener')
    await expect(switcher.getByRole('option')).toHaveText(['Search Room › #general'])
    await switcher.getByRole('combobox', { name: 'Room or channel' }).press('Enter')
    await expect(channelTitle(bob.page, 'general')).toBeVisible()

    // The index follows new messages: one sent now is found at once, and an edit replaces its words.
    await alice.page.getByRole('button', { name: 'general' }).click()
    await send(alice.page, 'a fresh quokka sighting')
    await expect(message(bob.page, 'a fresh quokka sighting')).toBeVisible(PEER_TIMEOUT)
    await bob.page.getByRole('button', { name: 'Search messages' }).click()
    await search.getByRole('searchbox', { name: 'Search messages' }).fill('quokka')
    await expect(search.getByRole('list', { name: 'Search results' }).getByRole('button', { name: /a fresh quokka sighting/ })).toBeVisible(PEER_TIMEOUT)
    await bob.page.getByRole('button', { name: 'Close' }).click()
    await composer(alice.page).press('ArrowUp')
    await alice.page.getByRole('textbox', { name: 'Edit message' }).fill('a fresh wombat sighting')
    await alice.page.getByRole('textbox', { name: 'Edit message' }).press('Enter')
    await expect(message(bob.page, 'a fresh wombat sighting')).toBeVisible(PEER_TIMEOUT)
    await bob.page.getByRole('button', { name: 'Search messages' }).click()
    await search.getByRole('searchbox', { name: 'Search messages' }).fill('wombat')
    await expect(search.getByRole('list', { name: 'Search results' }).getByRole('button', { name: /a fresh wombat sighting/ })).toBeVisible(PEER_TIMEOUT)
    await search.getByRole('searchbox', { name: 'Search messages' }).fill('quokka')
    await expect(search.getByRole('status')).toContainText('0 results')

    expect([...alice.cspViolations, ...bob.cspViolations]).toEqual([])
  })
})
