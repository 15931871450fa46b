// Regression test for patches/@libp2p+webrtc+6.0.33+003+frame-per-message.patch: each length-prefixed
// frame goes out as ONE datachannel message. Sent as two (prefix, then body), every frame cost two
// messages through SCTP and the browser's network process: in the 10-page gossip bench one page
// sent 4,684 datachannel messages over the run instead of 2,567.
import { describe, expect, it } from 'vitest'
import { createStream } from '../../node_modules/@libp2p/webrtc/dist/src/stream.js'
import { Message } from '../../node_modules/@libp2p/webrtc/dist/src/private-to-public/pb/message.js'

/** In-memory twin of an open RTCDataChannel that records what is sent and can be fed messages. */
class FakeDataChannel extends EventTarget {
  readonly id = 1
  readonly label = ''
  readyState: RTCDataChannelState = 'open'
  binaryType = 'arraybuffer'
  bufferedAmount = 0
  bufferedAmountLowThreshold = 0
  readonly sent: Uint8Array[] = []
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null
  onclose: (() => void) | null = null
  onerror: (() => void) | null = null
  onbufferedamountlow: (() => void) | null = null

  send (data: ArrayBuffer | ArrayBufferView): void {
    const view = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data)
    this.sent.push(view.slice())
  }

  close (): void { this.readyState = 'closed' }
}

const log = Object.assign(() => {}, { trace: () => {}, error: () => {}, enabled: false, newScope: () => log })
const open = (channel: FakeDataChannel) =>
  createStream({ channel: channel as unknown as RTCDataChannel, direction: 'outbound', log: log as never })

/** The frames in one datachannel message; throws if it ends inside a frame. */
const framesOf = (message: Uint8Array): Message[] => {
  const out: Message[] = []
  let at = 0
  while (at < message.length) {
    let length = 0
    let shift = 0
    let byte: number
    do { byte = message[at++]!; length |= (byte & 0x7f) << shift; shift += 7 } while ((byte & 0x80) !== 0)
    if (at + length > message.length) throw new Error(`message ends inside a frame (${length} bytes announced, ${message.length - at} left)`)
    out.push(Message.decode(message.subarray(at, at + length)))
    at += length
  }
  return out
}

describe('WebRTC stream framing (patched @libp2p/webrtc)', () => {
  it('sends each data frame as exactly one datachannel message', () => {
    const channel = new FakeDataChannel()
    const stream = open(channel)
    const payloads = [new Uint8Array(300).fill(7), new Uint8Array(5).fill(1), new Uint8Array(1_000).fill(9)]
    for (const p of payloads) stream.send(p)
    const messages = channel.sent.map(framesOf)
    expect(messages.every((frames) => frames.length === 1)).toBe(true)
    expect(messages.flat().map((m) => m.message)).toEqual(payloads)
  })

  it('sends a flag (a close) as one datachannel message', () => {
    const channel = new FakeDataChannel()
    const stream = open(channel) as unknown as { _sendFlag: (flag: Message.Flag) => boolean }
    expect(stream._sendFlag(Message.Flag.FIN)).toBe(true)
    expect(channel.sent).toHaveLength(1)
    expect(framesOf(channel.sent[0]!)).toEqual([{ flag: Message.Flag.FIN }])
  })

  it('reads what it sends: a stream fed those messages yields the payloads in order', async () => {
    const from = new FakeDataChannel()
    const sender = open(from)
    const payloads = [new Uint8Array([1, 2, 3]), new Uint8Array(700).fill(4)]
    for (const p of payloads) sender.send(p)
    const to = new FakeDataChannel()
    const receiver = open(to)
    const got: Uint8Array[] = []
    receiver.addEventListener('message', (event) => { got.push((event as unknown as { data: { subarray: () => Uint8Array } }).data.subarray()) })
    for (const m of from.sent) to.onmessage?.({ data: m.buffer.slice(m.byteOffset, m.byteOffset + m.byteLength) as ArrayBuffer })
    await expect.poll(() => got.length).toBe(payloads.length)
    expect(got).toEqual(payloads)
  })
})
