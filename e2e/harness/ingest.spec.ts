import { expect, test } from '@playwright/test'
import { HARNESS_ORIGIN } from '../support/origins.ts'

// The feed vectors again, in Chromium: WebCrypto (BoringSSL) verifies and IndexedDB stores, where
// the unit tests run Node's verifier and the in-memory backend. Every peer must reach the same verdicts.
test('feed vectors give the same outcomes in Chromium with WebCrypto and IndexedDB', async ({ page }) => {
  await page.goto(`${HARNESS_ORIGIN}/e2e/harness/ingest.html`)
  await page.waitForFunction(() => window.ingestHarnessReady)
  const { ran, mismatches } = await page.evaluate(() => window.ingestHarness.runVectors())
  expect(mismatches).toEqual([])
  expect(ran).toBeGreaterThanOrEqual(20)
})
