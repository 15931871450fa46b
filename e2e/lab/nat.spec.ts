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
    pki = makeLabPki(['app.lab', 'relay0.lab', 'relay1.lab', 'turn.lab'])
  })
  test.beforeEach(async () => {
    services = await startLabServices(lab, pki, { relays: 1 })
    running.push(services)
  })
  test.afterEach(async () => {
    await Promise.all(browsers.splice(0).map(async (b) => b.close()))
    await Promise.all(running.splice(0).map(async (s) => s.stop()))
  })
  test.afterAll(() => { lab.teardown() })

  const stun = (): RTCIceServer => ({ urls: `stun:${SERVERS[0]}:3478` })
  async function openAs (client: string, name: string, url = services.appUrl): Promise<Page> {
    const browser = await launchInNamespace(lab.clients.get(client)!.ns, services.hosts, pki.browserHome)
    browsers.push(browser)
    const page = await (await browser.newContext()).newPage()
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

  test('NAT to NAT: a direct WebRTC link through both routers', async () => {
    services.writeConfig({ bootstrap: services.relays.map((r) => r.multiaddr), profile: 'default', iceServers: [stun()] })
    const alice = await openAs('ha', 'Alice')
    await createRoom(alice, 'Lab Room')
    await send(alice, 'history before Bob')
    const link = await inviteLink(alice)
    const bob = await openAs('c1', 'Bob', link)
    await expect(message(bob, 'history before Bob')).toBeVisible(PEER)
    await chatBothWays(alice, bob)
    const panel = await openConnectivity(alice)
    await expect(panel.getByRole('row', { name: /^Bob \S+ direct/ })).toBeVisible(PEER)
  })
})
