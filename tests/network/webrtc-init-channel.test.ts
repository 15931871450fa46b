// Regression test for patches/@libp2p+webrtc+6.0.33+001+init-channel.patch: the WebRTC dialer must not hang when the
// remote opens and closes the `init` data channel before the peer connection reports 'connected'.
import { describe, expect, it } from 'vitest'
import { closeInitChannel } from '../../node_modules/@libp2p/webrtc/dist/src/private-to-private/util.js'

/** In-memory twin of an RTCDataChannel: only readyState, close() and the open/close events. */
class FakeDataChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting'
  closeCalls = 0

  /** What the remote (or the browser) does to the channel. */
  remoteOpen (): void { this.readyState = 'open'; this.dispatchEvent(new Event('open')) }
  remoteClose (): void { this.readyState = 'closed'; this.dispatchEvent(new Event('close')) }

  close (): void {
    this.closeCalls++
    if (this.readyState === 'closed' || this.readyState === 'closing') return
    this.readyState = 'closing'
    queueMicrotask(() => { this.remoteClose() })
  }
}

const log = Object.assign(() => {}, { trace: () => {}, error: () => {}, enabled: false, newScope: () => log })
const settle = (channel: FakeDataChannel, signal: AbortSignal): Promise<void> =>
  closeInitChannel(channel as unknown as RTCDataChannel, { signal, log: log as never })

describe('closeInitChannel (patched @libp2p/webrtc dialer)', () => {
  it('returns when the remote opened and closed the channel before the connection reported connected', async () => {
    const channel = new FakeDataChannel()
    channel.remoteOpen()
    channel.remoteClose()
    await settle(channel, AbortSignal.timeout(5_000))
    expect(channel.closeCalls).toBe(0)
  })

  it('returns when the channel closes while the dialer waits for it to open', async () => {
    const channel = new FakeDataChannel()
    const done = settle(channel, AbortSignal.timeout(5_000))
    channel.remoteClose()
    await done
    expect(channel.readyState).toBe('closed')
  })

  it('waits for a connecting channel to open, then closes it and waits for the close', async () => {
    const channel = new FakeDataChannel()
    const done = settle(channel, AbortSignal.timeout(5_000))
    channel.remoteOpen()
    await done
    expect(channel.closeCalls).toBe(1)
    expect(channel.readyState).toBe('closed')
  })

  it('closes an already open channel', async () => {
    const channel = new FakeDataChannel()
    channel.remoteOpen()
    await settle(channel, AbortSignal.timeout(5_000))
    expect(channel.closeCalls).toBe(1)
    expect(channel.readyState).toBe('closed')
  })

  it('still honours the abort signal', async () => {
    const channel = new FakeDataChannel()
    await expect(settle(channel, AbortSignal.timeout(50))).rejects.toThrow()
  })
})
