import { expect, test } from '@playwright/test'
import { HARNESS_ORIGIN } from './support/origins.ts'

for (const singleWriter of [false, true]) {
  test(`real IndexedDB in Chromium passes the storage contract${singleWriter ? ' as the only writer (appends commit at once)' : ''}`, async ({ page }) => {
    await page.goto(`${HARNESS_ORIGIN}/e2e/harness/storage.html`)
    await page.waitForFunction(() => window.storageHarnessReady)
    const results = await page.evaluate((only) => window.storageHarness.runStorageContract(only), singleWriter)
    expect(results.length).toBeGreaterThan(10)
    expect(results.filter((r) => r.failures.length > 0)).toEqual([])
  })
}

test('real IndexedDB in Chromium moves a version 1 database into chunks on open, losing nothing', async ({ page }) => {
  await page.goto(`${HARNESS_ORIGIN}/e2e/harness/storage.html`)
  await page.waitForFunction(() => window.storageHarnessReady)
  expect(await page.evaluate(() => window.storageHarness.v1MigrationFailures())).toEqual([])
})
