import * as lp from 'it-length-prefixed'
import type { ChunkHash } from '../core/blob/chunk-hash.ts'
import type { BlobStore } from '../core/blob/store.ts'
import { verifyChunk } from '../core/blob/verify.ts'
import type { RoomId } from '../core/types.ts'
import { BLOB_FRAME_MAX_BYTES, BLOB_PROTOCOL, encodeBlobRequest, decodeFrame } from './blob-protocol.ts'
import { writeMessage } from './length-prefixed.ts'
import type { PeerNode } from './peer-node.ts'

/** Chunks asked of one peer per stream (2 MiB at 256 KiB a chunk). */
const BATCH = 8
/** Streams open at once to one peer: the next batch is asked while the last one still arrives. */
const STREAMS_PER_PEER = 2
/** Peers fetched from at once. */
const PEERS_MAX = 4
/** One batch may take this long before its peer is given up on (its chunks go elsewhere). */
const BATCH_TIMEOUT_MS = 60_000

export interface BlobFetchComponents {
  readonly node: Pick<PeerNode, 'newStream'>
  readonly store: Pick<BlobStore, 'putChunks' | 'hasChunks'>
}

export interface BlobFetchInit {
  readonly room: RoomId
  /** The chunks wanted, in the order to ask for them, each with the length its manifest gives. */
  readonly chunks: ReadonlyMap<ChunkHash, number>
  /** Peers that may hold them (those we run a room session with). */
  readonly peers: readonly string[]
  readonly signal?: AbortSignal
  /** A chunk was verified and stored. */
  readonly onChunk?: (hash: ChunkHash) => void
  /** A peer sent bytes that are not the chunk asked for, or break the protocol: it is not asked again. */
  readonly onBadPeer?: (peer: string, detail: string) => void
}

export interface BlobFetchResult {
  /** Chunks still not stored: no peer had them, or every peer that did failed. */
  readonly missing: ChunkHash[]
}

/** A peer broke the protocol. */
class BadPeer extends Error {}

/**
 * Fetches what is not stored yet of a blob from several peers at once. Each chunk is verified
 * against its hash and length before it is stored, so a fetch cut short resumes from what was
 * stored; a peer without a chunk is not asked for it again in this fetch, and a peer's failure
 * puts its chunks back for the others.
 */
export async function fetchChunks (components: BlobFetchComponents, init: BlobFetchInit): Promise<BlobFetchResult> {
  const { node, store } = components
  const order = [...init.chunks.keys()]
  const stored = await store.hasChunks(init.room, order)
  const queue = order.filter((_, i) => stored[i] !== true)
  const lacks = new Map<string, Set<ChunkHash>>()
  const failed = new Set<string>()

  let workers = 0
  /** The next chunks for `peer`: an even share of what is left, so a small blob still spreads over every peer. */
  const take = (peer: string): ChunkHash[] => {
    const lacking = lacks.get(peer)
    const size = Math.max(1, Math.min(BATCH, Math.ceil(queue.length / Math.max(1, workers))))
    const batch: ChunkHash[] = []
    for (let i = 0; i < queue.length && batch.length < size;) {
      if (lacking?.has(queue[i]!) === true) { i++; continue }
      batch.push(...queue.splice(i, 1))
    }
    return batch
  }

  const askBatch = async (peer: string, batch: ChunkHash[]): Promise<void> => {
    const deadline = AbortSignal.any([AbortSignal.timeout(BATCH_TIMEOUT_MS), ...(init.signal != null ? [init.signal] : [])])
    const stream = await node.newStream(peer, BLOB_PROTOCOL, { signal: deadline })
    const onAbort = (): void => { stream.abort(new Error('blob fetch aborted')) }
    deadline.addEventListener('abort', onAbort, { once: true })
    try {
      await writeMessage(stream, encodeBlobRequest({ room: init.room, chunks: batch }), deadline)
      const frames = lp.decode(stream, { maxDataLength: BLOB_FRAME_MAX_BYTES })[Symbol.asyncIterator]()
      while (batch.length > 0) {
        const next = await frames.next()
        if (next.done === true) return
        const hash = batch[0]!
        const frame = decodeFrame(next.value.subarray())
        if (!frame.ok) throw new BadPeer(`${frame.reason}: ${frame.detail}`)
        if (frame.value == null) {
          batch.shift()
          let lacking = lacks.get(peer)
          if (lacking == null) lacks.set(peer, lacking = new Set())
          lacking.add(hash)
          queue.unshift(hash)
          continue
        }
        const checked = await verifyChunk(hash, frame.value, init.chunks.get(hash)!)
        if (!checked.ok) throw new BadPeer(`chunk ${hash.slice(0, 12)}: ${checked.detail}`)
        await store.putChunks(init.room, [{ hash, bytes: frame.value.slice() }], false)
        batch.shift()
        init.onChunk?.(hash)
      }
    } finally {
      deadline.removeEventListener('abort', onAbort)
      void stream.close().catch(() => undefined)
    }
  }

  const worker = async (peer: string): Promise<void> => {
    while (!failed.has(peer) && init.signal?.aborted !== true) {
      const batch = take(peer)
      if (batch.length === 0) return
      try {
        await askBatch(peer, batch)
      } catch (err) {
        if (err instanceof BadPeer && !failed.has(peer)) init.onBadPeer?.(peer, `blob: ${err.message}`)
        failed.add(peer)
      } finally {
        // What the peer did not deliver goes back for the others (or the next fetch).
        queue.unshift(...batch)
      }
    }
  }

  const peers = init.peers.slice(0, PEERS_MAX)
  // Rounds until nothing moves: a chunk one peer lacked may come back to the queue after the
  // workers of a peer that has it had already run out of work.
  for (let before = Infinity; queue.length > 0 && queue.length < before && init.signal?.aborted !== true;) {
    before = queue.length
    const running = peers.filter((p) => !failed.has(p)).flatMap((peer) => Array.from({ length: STREAMS_PER_PEER }, () => peer))
    workers = running.length
    await Promise.all(running.map(async (peer) => worker(peer)))
  }
  return { missing: [...new Set(queue)] }
}
