// Regression test, in Chromium, for patches/@libp2p+webrtc+6.0.33+001+init-channel.patch: the remote opens and closes
// the `init` data channel before the dialer's RTCPeerConnection reports 'connected'. Unpatched, the
// dialer waits for an 'open' event that never comes, the WebRTC dial times out, and dialPeer falls
// back to a relayed circuit.
import { test, expect, type Browser, type Page } from '@playwright/test'
import { harnessContext, NETWORK_HARNESS } from './support/network-page.ts'
import { startRelay, type RelayProcess } from './support/relay.ts'

declare global { interface Window { initChannelClosedBeforeConnected?: boolean } }

/** Answerer: close the dialer's `init` channel as soon as it opens. */
function closeInitOnOpen (): void {
  const Native = window.RTCPeerConnection
  window.RTCPeerConnection = class extends Native {
    constructor (config?: RTCConfiguration) {
      super(config)
      this.addEventListener('datachannel', ({ channel }) => {
        if (channel.label !== 'init') return
        if (channel.readyState === 'open') channel.close()
        else channel.addEventListener('open', () => { channel.close() })
      })
    }
  }
}

/**
 * Dialer: hold back 'connected' until the `init` channel has closed, which makes the race the
 * patch fixes happen every time instead of sometimes.
 */
function holdConnectedUntilInitCloses (): void {
  const Native = window.RTCPeerConnection
  const nativeState = (pc: RTCPeerConnection): RTCPeerConnectionState => {
    const state: unknown = Reflect.get(Native.prototype, 'connectionState', pc)
    return state as RTCPeerConnectionState
  }
  window.RTCPeerConnection = class extends Native {
    private holding = false
    override get connectionState (): RTCPeerConnectionState {
      const state = nativeState(this)
      return this.holding && state === 'connected' ? 'connecting' : state
    }

    override createDataChannel (label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init)
      if (label === 'init') {
        this.holding = true
        channel.addEventListener('close', () => {
          // the dialer's code has not been told 'connected' yet: the close came from the remote
          window.initChannelClosedBeforeConnected = this.holding
          this.holding = false
          const event = new Event('connectionstatechange')
          this.onconnectionstatechange?.(event)
          this.dispatchEvent(event)
        })
      }
      return channel
    }
  }
}

async function openPeerWith (browser: Browser, script: () => void, bootstrap: string[]): Promise<Page> {
  const context = await harnessContext(browser)
  await context.addInitScript(script)
  const page = await context.newPage()
  await page.goto(NETWORK_HARNESS)
  await page.waitForFunction(() => window.netReady)
  await page.evaluate(async (b) => window.net.start(b), bootstrap)
  return page
}

test.describe('patched @libp2p/webrtc dialer', () => {
  let relay: RelayProcess | undefined
  test.afterEach(async () => { await relay?.stop() })

  test('completes a WebRTC dial when the remote closes the init channel before the connection reports connected', async ({ browser }) => {
    relay = await startRelay()
    const alice = await openPeerWith(browser, closeInitOnOpen, [relay.multiaddr])
    const bob = await openPeerWith(browser, holdConnectedUntilInitCloses, [relay.multiaddr])
    await expect.poll(() => alice.evaluate(() => window.net.status().addresses.some((a) => a.includes('/p2p-circuit/webrtc')))).toBe(true)
    const aliceId = await alice.evaluate(() => window.net.status().peerId)
    const conn = await bob.evaluate(async (id) => window.net.dial(id), aliceId)
    expect(await bob.evaluate(() => window.initChannelClosedBeforeConnected)).toBe(true)
    expect(conn).toMatchObject({ peerId: aliceId, kind: 'direct', transport: 'webrtc' })
  })
})
