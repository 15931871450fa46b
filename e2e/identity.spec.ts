import { expect, test } from '@playwright/test'

test.beforeEach(async ({ page }) => {
  await page.goto('http://127.0.0.1:5173/e2e/harness/storage.html')
  await page.waitForFunction(() => window.storageHarnessReady)
})

test('Chromium\'s WebCrypto reaches the expected verdict on every Ed25519 vector', async ({ page }) => {
  const hasEd25519 = await page.evaluate(async () => {
    const keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
    return keys.privateKey.algorithm.name
  })
  expect(hasEd25519).toBe('Ed25519')
  expect(await page.evaluate(() => window.storageHarness.ed25519VectorFailures())).toEqual([])
})
