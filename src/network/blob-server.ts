import type { Stream } from '@libp2p/interface'
import type { BlobStore } from '../core/blob/store.ts'
import type { RoomId } from '../core/types.ts'
import { BLOB_PROTOCOL, BLOB_REQUEST_MAX_BYTES, decodeBlobRequest, encodeFrame } from './blob-protocol.ts'
import { readMessage, writeMessage } from './length-prefixed.ts'
import type { PeerNode } from './peer-node.ts'

const REQUEST_TIMEOUT_MS = 10_000
/** A slow reader may hold a stream this long before the answer is abandoned. */
const ANSWER_TIMEOUT_MS = 120_000

export interface BlobServerComponents {
  readonly node: Pick<PeerNode, 'handle' | 'unhandle'>
  readonly store: Pick<BlobStore, 'getChunk'>
}

export interface BlobServerInit {
  /**
   * The members-only check: whether `peer` may fetch the room's blobs. Today: we run a room session
   * with it. The members-only proof (src/core/access) plugs in here.
   */
  readonly mayServe: (room: RoomId, peer: string) => boolean | Promise<boolean>
  /** A peer sent bytes that are not a blob request. */
  readonly onGarbage: (peer: string, detail: string) => void
}

/**
 * Serves {@link BLOB_PROTOCOL}: the chunks we hold of a room we are in, to peers the access check
 * lets in; to anyone else every chunk is "not here", which tells them nothing we hold.
 */
export function createBlobServer (components: BlobServerComponents, init: BlobServerInit): { start (): Promise<void>, stop (): Promise<void> } {
  let started = false
  const serve = async (stream: Stream, peer: string): Promise<void> => {
    const bytes = await readMessage(stream, BLOB_REQUEST_MAX_BYTES, AbortSignal.timeout(REQUEST_TIMEOUT_MS))
    if (bytes == null) return
    const request = decodeBlobRequest(bytes)
    if (!request.ok) {
      init.onGarbage(peer, `blob: ${request.reason}: ${request.detail}`)
      stream.abort(new Error('blob protocol violation'))
      return
    }
    const { room, chunks } = request.value
    const allowed = await init.mayServe(room, peer)
    const deadline = AbortSignal.timeout(ANSWER_TIMEOUT_MS)
    for (const hash of chunks) {
      const chunk = allowed ? await components.store.getChunk(room, hash).catch(() => undefined) : undefined
      await writeMessage(stream, encodeFrame(chunk), deadline)
    }
    await stream.close()
  }
  return {
    async start () {
      if (started) return
      started = true
      await components.node.handle(BLOB_PROTOCOL, serve)
    },
    async stop () {
      if (!started) return
      started = false
      await components.node.unhandle(BLOB_PROTOCOL)
    }
  }
}
