import { expect, test } from '@playwright/test'

test('real IndexedDB in Chromium passes the storage contract', async ({ page }) => {
  await page.goto('http://127.0.0.1:5173/e2e/harness/storage.html')
  await page.waitForFunction(() => window.storageHarnessReady)
  const results = await page.evaluate(() => window.storageHarness.runStorageContract())
  expect(results.length).toBeGreaterThan(10)
  expect(results.filter((r) => r.failures.length > 0)).toEqual([])
})
