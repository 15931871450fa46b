import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './e2e/support/chromium.ts'
import { APP_PORT, APP_URL, DEV_PORT, HARNESS_ORIGIN } from './e2e/support/origins.ts'

// Specs read these from the environment; the config runs in every worker, so setting them here reaches all.
process.env.APP_URL ??= APP_URL
process.env.HARNESS_ORIGIN ??= HARNESS_ORIGIN

/** Benchmarks: real Chromium, one at a time so they do not compete for the two cores. */
export default defineConfig({
  testDir: 'bench',
  testMatch: '**/*.bench.ts',
  outputDir: 'test-results/bench',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 300_000,
  reporter: [['list']],
  use: { launchOptions: chromiumLaunchOptions() },
  webServer: [
    { command: `npx vite preview --port ${APP_PORT} --strictPort`, url: APP_URL, reuseExistingServer: true, timeout: 60_000 },
    { command: `VITE_NO_HMR=1 npx vite --port ${DEV_PORT} --strictPort`, url: `${HARNESS_ORIGIN}/e2e/harness/index.html`, reuseExistingServer: true, timeout: 120_000 }
  ]
})
