import type { Browser, BrowserContext, Page } from '@playwright/test'
import { HARNESS_ORIGIN } from './origins.ts'

export const NETWORK_HARNESS = `${HARNESS_ORIGIN}/e2e/harness/network.html`

/**
 * A fresh browser context (one per peer, as separate users) whose Vite HMR socket is stubbed: other
 * engineers editing src/, or Vite re-optimising dependencies, would otherwise reload the page and
 * drop its peer mid-test.
 */
export async function harnessContext (browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext()
  await context.routeWebSocket(new URL(HARNESS_ORIGIN).host, () => { /* never connect: no HMR reloads */ })
  return context
}

/** Opens the network harness in its own context and starts its peer against `bootstrap`. */
export async function openPeer (browser: Browser, bootstrap: string[], options: { rtcConnectionBudget?: number } = {}): Promise<Page> {
  const page = await (await harnessContext(browser)).newPage()
  await page.goto(NETWORK_HARNESS)
  await page.waitForFunction(() => window.netReady)
  await page.evaluate(async ([b, o]) => window.net.start(b, o), [bootstrap, options] as const)
  return page
}
