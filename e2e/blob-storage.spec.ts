import { expect, test } from '@playwright/test'
import { HARNESS_ORIGIN } from './support/origins.ts'

test('real IndexedDB in Chromium passes the blob store contract', async ({ page }) => {
  await page.goto(`${HARNESS_ORIGIN}/e2e/harness/storage.html`)
  await page.waitForFunction(() => window.storageHarnessReady)
  const results = await page.evaluate(() => window.storageHarness.runBlobStoreContract())
  expect(results.length).toBeGreaterThan(5)
  expect(results.filter((r) => r.failures.length > 0)).toEqual([])
})
