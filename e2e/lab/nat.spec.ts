import { test, expect, type Browser, type Page } from '@playwright/test'
import { buildLab, labUnavailableReason, NatKind, sweepStaleLabs, type Lab } from './netns.ts'
import { makeLabPki, type LabPki } from './pki.ts'
import { startLabServices, type LabServices } from './lab-services.ts'
import { launchInNamespace } from './lab-browser.ts'
import { message, onboard, createRoom, send, inviteLink, openConnectivity } from '../support/app-ui.ts'

/**
 * The NAT lab: browsers in separate network namespaces behind real NAT routers, a relay behind a
 * TLS proxy, coturn and the app over https, all on one machine and nothing leaving it. Each scenario
 * drives the real UI and asserts the kind of link the peers end on.
 */
const PEER = { timeout: 60_000 }
const SERVERS = ['198.51.100.10', '198.51.100.20', '198.51.100.21']

test.describe('the NAT lab', () => {
  test.describe.configure({ timeout: 240_000 })
  let lab: Lab
  let pki: LabPki
  let services: LabServices
  const running: LabServices[] = []
  const browsers: Browser[] = []
  /** What the pages logged as errors, shown when a scenario fails. */
  const pageErrors: string[] = []

  test.beforeAll(() => {
    // never a skip: a machine that cannot build the lab fails here, loudly
    const reason = labUnavailableReason()
    expect(reason, 'the NAT lab cannot run on this machine').toBeUndefined()
    sweepStaleLabs()
    lab = buildLab({
      servers: SERVERS,
      homes: [
        { name: 'a', nat: NatKind.PortPreserving, clients: ['ha'] },
        { name: 'b', nat: NatKind.Symmetric, clients: ['hb'] },
        { name: 'c', nat: NatKind.PortPreserving, clients: ['c1', 'c2'] }
      ]
    })
    pki = makeLabPki(['app.lab', 'relay0.lab', 'relay1.lab'])
  })
  test.beforeEach(async () => {
    services = await startLabServices(lab, pki, { relays: 2 })
    running.push(services)
  })
  // Playwright wants the fixtures argument destructured, even when none is used
  // eslint-disable-next-line no-empty-pattern
  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('page errors', { body: pageErrors.join('\n') })
      await testInfo.attach('server output', { body: running.flatMap((s) => s.output()).join('\n') })
    }
    pageErrors.splice(0)
    await Promise.all(browsers.splice(0).map(async (b) => b.close()))
    await Promise.all(running.splice(0).map(async (s) => s.stop()))
  })
  test.afterAll(() => { lab.teardown() })

  const stun = (): RTCIceServer => ({ urls: `stun:${SERVERS[0]}:3478` })
  async function openAs (client: string, name: string, url = services.appUrl): Promise<Page> {
    const browser = await launchInNamespace(lab.clients.get(client)!.ns, services.hosts, pki.browserHome)
    browsers.push(browser)
    const page = await (await browser.newContext()).newPage()
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`${name}: ${m.text()}`) })
    page.on('pageerror', (e) => { pageErrors.push(`${name}: ${e.message}`) })
    await page.goto(url)
    await onboard(page, name)
    return page
  }

  async function chatBothWays (alice: Page, bob: Page): Promise<void> {
    await send(bob, 'hello from Bob')
    await expect(message(alice, 'hello from Bob')).toBeVisible(PEER)
    await send(alice, 'hello from Alice')
    await expect(message(bob, 'hello from Alice')).toBeVisible(PEER)
  }

  /** Alice (in `from`) makes a room with history; Bob (in `to`) joins by link, sees it, and both chat. */
  async function joinAndChat (from: string, to: string): Promise<{ alice: Page, bob: Page }> {
    const alice = await openAs(from, 'Alice')
    await createRoom(alice, 'Lab Room')
    await send(alice, 'history before Bob')
    const link = await inviteLink(alice)
    const bob = await openAs(to, 'Bob', link)
    await expect(message(bob, 'history before Bob')).toBeVisible(PEER)
    await chatBothWays(alice, bob)
    return { alice, bob }
  }

  const linkTo = async (page: Page, name: string, link: RegExp): Promise<void> => {
    const panel = await openConnectivity(page)
    await expect(panel.getByRole('row', { name: new RegExp(`^${name} \\S+ ${link.source}`) })).toBeVisible(PEER)
    await panel.getByRole('button', { name: 'Close' }).click()
  }

  test('NAT to NAT: a direct WebRTC link through both routers, which outlives the relays', async () => {
    services.writeConfig({ bootstrap: services.relays.map((r) => r.multiaddr), profile: 'default', iceServers: [stun()] })
    const { alice, bob } = await joinAndChat('ha', 'c1')
    await linkTo(alice, 'Bob', /direct \(WebRTC\)/)
    await linkTo(bob, 'Alice', /direct \(WebRTC\)/)
    // every relay gone mid-chat, as after a crash: the direct link carries on
    await Promise.all(services.relays.map(async (r) => r.process.kill()))
    await send(bob, 'Bob, after the relays died')
    await expect(message(alice, 'Bob, after the relays died')).toBeVisible(PEER)
    await send(alice, 'Alice, after the relays died')
    await expect(message(bob, 'Alice, after the relays died')).toBeVisible(PEER)
  })

  test('two relays, one dead from the start: both peers join through the other', async () => {
    services.writeConfig({ bootstrap: services.relays.map((r) => r.multiaddr), profile: 'default', iceServers: [stun()] })
    await services.relays[0]!.process.kill()
    const { alice } = await joinAndChat('ha', 'c1')
    const panel = await openConnectivity(alice)
    await expect(panel.getByRole('listitem').filter({ hasText: 'relay1.lab' })).toContainText('connected')
    await expect(panel.getByRole('listitem').filter({ hasText: 'relay0.lab' })).toContainText('unreachable')
  })

  test('symmetric NAT without TURN: join, history and live messages both ways over the relay', async () => {
    services.writeConfig({ bootstrap: services.relays.map((r) => r.multiaddr), profile: 'default', iceServers: [stun()] })
    const { alice, bob } = await joinAndChat('ha', 'hb')
    await linkTo(alice, 'Bob', /relayed by relay\d\.lab/)
    await linkTo(bob, 'Alice', /relayed by relay\d\.lab/)
  })
})
