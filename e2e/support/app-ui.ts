import { expect, type Locator, type Page } from '@playwright/test'

/** The app's UI as a user drives it: the steps the browser specs share. */
export const composer = (page: Page): Locator => page.getByRole('textbox', { name: /^Message #/ })
export const message = (page: Page, text: string): Locator => page.locator('article.message', { hasText: text })

export async function onboard (page: Page, name: string): Promise<void> {
  await page.getByLabel('Display name').fill(name)
  await page.getByRole('button', { name: 'Create identity' }).click()
  await expect(page.getByText(name, { exact: true }).first()).toBeVisible()
}

export async function createRoom (page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Create a room' }).first().click()
  await page.getByLabel('Room name').fill(name)
  await page.getByRole('button', { name: 'Create room' }).click()
  await expect(page.getByRole('heading', { name })).toBeVisible()
}

/** Sends through the composer; `shown` is the text once markdown is rendered. */
export async function send (page: Page, text: string, shown = text): Promise<void> {
  await composer(page).fill(text)
  await composer(page).press('Enter')
  await expect(message(page, shown)).toBeVisible()
}

/** Makes an invite in the open room and returns its link. */
export async function inviteLink (page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Invite people' }).click()
  await page.getByRole('button', { name: 'Create invite' }).click()
  const link = await page.getByLabel('Invite link').inputValue()
  await page.getByRole('button', { name: 'Close' }).click()
  return link
}

/** The connectivity panel's row for a peer named `name` (the link column says how we reach it). */
export async function openConnectivity (page: Page): Promise<Locator> {
  await page.getByRole('button', { name: /^Connectivity:/ }).click()
  return page.getByRole('dialog', { name: 'Connectivity' })
}
