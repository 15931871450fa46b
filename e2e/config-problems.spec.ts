// A misconfigured deployment says so in the page: the production app, a /config.json served by
// the test (as a static host would), and a real relay for the config that works.
import { test, expect, type BrowserContext } from '@playwright/test'
import { startRelay, type RelayProcess } from './support/relay.ts'
import { APP_URL } from './support/origins.ts'

const APP = process.env.APP_URL ?? APP_URL

async function serveConfig (context: BrowserContext, body: string, status = 200): Promise<void> {
  await context.route('**/config.json', async (route) => { await route.fulfill({ status, contentType: 'application/json', body }) })
}

test.describe('config problems in the page', () => {
  let relay: RelayProcess
  test.beforeAll(async () => { relay = await startRelay() })
  test.afterAll(async () => { await relay.stop() })

  test('a config.json with a bad bootstrap address and a typo is named in an alert', async ({ context, page }) => {
    await serveConfig(context, JSON.stringify({ bootstrap: ['/dns4/relay.example.org/tcp/443/wss'], bootstap: [] }))
    await page.goto(APP)
    const alert = page.getByRole('alert', { name: 'Network configuration problems' })
    await expect(alert).toContainText('does not end in /p2p/<peer id>')
    await expect(alert).toContainText('unknown field "bootstap"')
    await expect(alert).toContainText('names no usable bootstrap node')
    await alert.getByRole('button', { name: 'Dismiss' }).click()
    await expect(alert).toBeHidden()
  })

  test('a missing config.json is named too', async ({ context, page }) => {
    await serveConfig(context, '', 404)
    await page.goto(APP)
    await expect(page.getByRole('alert', { name: 'Network configuration problems' })).toContainText('could not be loaded (HTTP 404)')
  })

  test('a correct config shows no alert and the page reaches the relay', async ({ context, page }) => {
    await serveConfig(context, JSON.stringify({ bootstrap: [relay.multiaddr], profile: 'loopback', iceServers: [] }))
    await page.goto(APP)
    await page.getByLabel('Display name').fill('Ada')
    await page.getByRole('button', { name: 'Create identity' }).click()
    await expect(page.getByText('Ada', { exact: true }).first()).toBeVisible()
    await expect.poll(async () => ((await (await fetch(relay.healthUrl)).json()) as { connections: number }).connections, { timeout: 60_000 }).toBeGreaterThan(0)
    await expect(page.getByRole('alert', { name: 'Network configuration problems' })).toHaveCount(0)
  })
})
