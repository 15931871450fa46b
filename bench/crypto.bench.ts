import { test } from '@playwright/test'
import { HARNESS_ORIGIN } from '../e2e/support/origins.ts'
import { recordMetrics } from './support/record.ts'

test('bare WebCrypto Ed25519 verify throughput (the baseline other figures are ratios of)', async ({ page }) => {
  await page.goto(`${HARNESS_ORIGIN}/e2e/harness/core.html`)
  await page.waitForFunction(() => window.coreReady)
  const perSecond = await page.evaluate(async () => {
    const n = 5000
    const keyPair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
    const messages = Array.from({ length: n }, (_, i) => new TextEncoder().encode(`message ${i} `.padEnd(300, 'x')))
    const sigs = await Promise.all(messages.map((m) => crypto.subtle.sign({ name: 'Ed25519' }, keyPair.privateKey, m)))
    const t0 = performance.now()
    for (let i = 0; i < n; i++) await crypto.subtle.verify({ name: 'Ed25519' }, keyPair.publicKey, sigs[i]!, messages[i]!)
    return n / ((performance.now() - t0) / 1000)
  })
  recordMetrics('crypto', { verify_raw_per_s: { value: Math.round(perSecond), unit: 'verifies/s' } })
})
