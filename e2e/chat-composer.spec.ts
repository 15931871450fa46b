import { test, expect } from '@playwright/test'
import { startRelay, type RelayProcess } from './support/relay.ts'
import { PEER_TIMEOUT, aliceAndBob, composer, message, pickEmoji, send } from './support/app-ui.ts'

/** Chat features of the composer and of reactions, through the UI of the production build. */
test.describe('composer and reactions', () => {
  let relay: RelayProcess
  test.beforeAll(async () => { relay = await startRelay() })
  test.afterAll(async () => { await relay.stop() })

  test('a picked emoji, in a message and as a reaction, shows at the other user in the app\'s own emoji font; a message over the limit is refused, not cut; Up edits the last message', async ({ browser }) => {
    test.setTimeout(180_000)
    const { alice, bob } = await aliceAndBob(browser, relay, 'Emoji Room')
    const fontRequests: string[] = []
    bob.page.on('requestfinished', (r) => { if (r.url().includes('noto-color-emoji')) fontRequests.push(r.url()) })

    // The composer's picker: search, pick, and the emoji lands at the caret.
    await composer(alice.page).fill('Party time ')
    await alice.page.getByRole('button', { name: 'Insert emoji', exact: true }).click()
    await pickEmoji(alice.page, 'Insert an emoji', 'partying', /partying face/)
    await expect(composer(alice.page)).toHaveValue('Party time 🥳')
    await composer(alice.page).press('Enter')
    await expect(message(bob.page, 'Party time 🥳')).toBeVisible(PEER_TIMEOUT)

    // A reaction with an emoji that is not among the six quick ones, found by search.
    const target = message(alice.page, 'Party time')
    await target.hover()
    await target.getByRole('button', { name: 'Add reaction' }).click()
    await target.getByRole('button', { name: 'More reactions' }).click()
    await pickEmoji(alice.page, 'React with any emoji', 'avocado', /avocado/)
    const seen = message(bob.page, 'Party time').getByRole('button', { name: /^🥑 1, Alice/ })
    await expect(seen).toBeVisible(PEER_TIMEOUT)

    // Bob's page drew them with the app's own font, fetched from the app (this machine has no emoji font).
    await expect.poll(() => bob.page.evaluate(async () => {
      await document.fonts.ready
      return document.fonts.check('16px "Noto Color Emoji"', '🥑')
    })).toBe(true)
    expect(fontRequests.length).toBeGreaterThan(0)
    expect(fontRequests.every((u) => u.startsWith(new URL(bob.page.url()).origin))).toBe(true)

    // The picker remembers what was used: it opens with the avocado among the recent ones.
    await target.hover()
    await target.getByRole('button', { name: 'Add reaction' }).click()
    await target.getByRole('button', { name: 'More reactions' }).click()
    await expect(alice.page.getByRole('dialog', { name: 'React with any emoji' }).getByRole('group', { name: 'Recently used' }).getByRole('button', { name: 'avocado' })).toBeVisible()
    await alice.page.keyboard.press('Escape')
    await expect(alice.page.getByRole('dialog', { name: 'React with any emoji' })).toHaveCount(0)

    // Over the limit: counted, refused, and nothing sent or cut.
    const long = 'x'.repeat(100_000)
    await composer(alice.page).fill(long)
    await expect(alice.page.getByRole('alert')).toContainText('96,000 characters over the 4,000 limit')
    await expect(alice.page.getByRole('button', { name: 'Send' })).toBeDisabled()
    await composer(alice.page).press('Enter')
    await expect(composer(alice.page)).toHaveValue(long)
    await composer(alice.page).fill('y'.repeat(3_700))
    await expect(alice.page.getByText('3,700 / 4,000')).toBeVisible()
    await composer(alice.page).fill('')

    // Up in the empty composer edits Alice's newest message.
    await send(alice.page, 'Tpyo here')
    await composer(alice.page).press('ArrowUp')
    await expect(alice.page.getByRole('textbox', { name: 'Edit message' })).toHaveValue('Tpyo here')
    await alice.page.getByRole('textbox', { name: 'Edit message' }).fill('Typo fixed')
    await alice.page.getByRole('textbox', { name: 'Edit message' }).press('Enter')
    await expect(message(bob.page, 'Typo fixed')).toContainText('(edited)', PEER_TIMEOUT)

    expect([...alice.cspViolations, ...bob.cspViolations]).toEqual([])
  })
})
