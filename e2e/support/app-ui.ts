import { expect, type Page } from '@playwright/test'

/** Creates the identity on the app's onboarding screen, through the UI. */
export async function onboard (page: Page, name: string): Promise<void> {
  await page.getByLabel('Display name').fill(name)
  await page.getByRole('button', { name: 'Create identity' }).click()
  await expect(page.getByText(name, { exact: true }).first()).toBeVisible()
}
