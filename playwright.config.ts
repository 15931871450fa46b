import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './e2e/support/chromium.ts'
import { APP_PORT, APP_URL, DEV_PORT, HARNESS_ORIGIN } from './e2e/support/origins.ts'

// Specs read these from the environment; the config runs in every worker, so setting them here reaches all.
process.env.APP_URL ??= APP_URL
process.env.HARNESS_ORIGIN ??= HARNESS_ORIGIN

/**
 * Two servers: the production build (the app as users get it) and the Vite dev server, which
 * serves the test harness pages under e2e/harness/ that drive the core and network directly.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    launchOptions: chromiumLaunchOptions(),
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure'
  },
  webServer: [
    { command: `npx vite preview --port ${APP_PORT} --strictPort`, url: APP_URL, reuseExistingServer: !process.env.CI, timeout: 60_000 },
    { command: `VITE_NO_HMR=1 npx vite --port ${DEV_PORT} --strictPort`, url: `${HARNESS_ORIGIN}/e2e/harness/index.html`, reuseExistingServer: !process.env.CI, timeout: 120_000 }
  ]
})
