// Test-only page: one peer node per page, driven by Playwright specs and benchmarks as window.net.
import { CID } from 'multiformats/cid'
import { createPeerNode, NetworkProfile, readMessage, writeMessage, type PeerNode } from '../../src/network/index.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { hexToBytes } from '@noble/hashes/utils.js'
import type { AuthorId } from '../../src/core/types.ts'
import { steadySchedule } from './load-schedule.ts'
import { THIN_MESH } from '../../src/network/mesh-degree.ts'

/** A delivered message; `at` is wall-clock ms with sub-ms precision, comparable across pages of one machine. */
interface Received { readonly text: string, readonly from: string, readonly at: number }

let node: PeerNode | undefined
let storage: ReturnType<typeof createMemoryStorage> | undefined
const received = new Map<string, Received[]>()
const meshPeersSeen = new Map<string, string[]>()
const encoder = new TextEncoder()
const decoder = new TextDecoder()

function started (): PeerNode {
  if (node == null) throw new Error('call net.start first')
  return node
}

const net = {
  /** Starts this page's peer against the given relays (loopback profile). */
  async start (bootstrap: string[], options: { rtcConnectionBudget?: number } = {}): Promise<string> {
    storage = createMemoryStorage()
    await storage.start()
    node = await createPeerNode({ meta: storage.meta }, { bootstrap, profile: NetworkProfile.Loopback, ...options })
    await node.start()
    return node.peerId
  },
  async stop (): Promise<void> { await node?.stop() },
  /** A new peer node on the same storage (as after a page reload), so it sees the peers cached by the last one. */
  async restart (bootstrap: string[]): Promise<string> {
    await node?.stop()
    node = await createPeerNode({ meta: storage!.meta }, { bootstrap, profile: NetworkProfile.Loopback })
    await node.start()
    return node.peerId
  },
  status: () => started().status(),
  /** Subscribes; messages starting with "bad" are rejected by the validator, the rest accepted. */
  subscribe (topic: string): void {
    received.set(topic, received.get(topic) ?? [])
    started().subscribe(topic, {
      validate: (bytes) => Promise.resolve(decoder.decode(bytes).startsWith('bad') ? 'reject' : 'accept'),
      onMessage: (bytes, from) => { received.get(topic)!.push({ text: decoder.decode(bytes), from, at: performance.timeOrigin + performance.now() }) },
      onMeshPeer: (peer) => { meshPeersSeen.set(topic, [...meshPeersSeen.get(topic) ?? [], peer]) }
    })
  },
  /** Every peer that joined our mesh for `topic`, in order (onMeshPeer). */
  meshPeersSeen: (topic: string): string[] => meshPeersSeen.get(topic) ?? [],
  publish: async (topic: string, text: string) => started().publish(topic, encoder.encode(text)),
  /** The rooms bench's steady load (load-schedule.ts) on a bare topic: texts are JSON `{ from, seq, sent }` padded to `bytes`. */
  steadyLoad: async (topic: string, from: number, count: number, perSecond: number, bytes: number): Promise<void> => steadySchedule(count, perSecond, (seq) => {
    const head = JSON.stringify({ from, seq, sent: performance.timeOrigin + performance.now() })
    void started().publish(topic, encoder.encode(head + ' '.repeat(Math.max(0, bytes - head.length))))
  }),
  received: (topic: string): Received[] => received.get(topic) ?? [],
  topicPeers: (topic: string) => started().topicPeers(topic),
  /** The mesh a client tab runs once it reaches every member directly (mesh-degree.ts). */
  thinMesh: () => { started().meshDegree(THIN_MESH) },
  provide: async (cid: string) => { await started().provide(CID.parse(cid)) },
  findProviders: async (cid: string) => started().findProviders(CID.parse(cid), { signal: AbortSignal.timeout(10_000) }),
  dial: async (target: string | string[]) => started().dialPeer(target, { signal: AbortSignal.timeout(20_000) }),
  putUserRecord: async (seedHex: string) => started().putUserRecord(signerFromSeed(hexToBytes(seedHex)), { signal: AbortSignal.timeout(10_000) }),
  getUserRecord: async (author: string) => {
    const record = await started().getUserRecord(author as AuthorId, { signal: AbortSignal.timeout(10_000) })
    return record == null ? undefined : { author: record.author, hints: record.hints, ts: record.ts }
  },
  /** Serves a request/response protocol that answers "echo: <request>" (requests over 64 bytes are refused). */
  serveEcho: async (protocol: string) => {
    await started().handle(protocol, async (stream) => {
      const request = await readMessage(stream, 64)
      if (request == null) return
      await writeMessage(stream, encoder.encode(`echo: ${decoder.decode(request)}`))
      await stream.close()
    })
  },
  request: async (peer: string, protocol: string, text: string) => {
    const stream = await started().newStream(peer, protocol, { signal: AbortSignal.timeout(10_000) })
    await writeMessage(stream, encoder.encode(text))
    const reply = await readMessage(stream, 1024, AbortSignal.timeout(10_000))
    await stream.close()
    return reply == null ? undefined : decoder.decode(reply)
  },
  authorOfSeed: (seedHex: string): string => signerFromSeed(hexToBytes(seedHex)).id
}

declare global { interface Window { net: typeof net, netReady: boolean } }
window.net = net
window.netReady = true
