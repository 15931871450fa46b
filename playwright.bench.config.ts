import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './e2e/support/chromium.ts'

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
    { command: 'npx vite preview --port 4173 --strictPort', url: 'http://127.0.0.1:4173/', reuseExistingServer: true, timeout: 60_000 },
    { command: 'VITE_NO_HMR=1 npx vite --port 5173 --strictPort', url: 'http://127.0.0.1:5173/e2e/harness/index.html', reuseExistingServer: true, timeout: 120_000 }
  ]
})
