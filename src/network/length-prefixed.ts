import * as lp from 'it-length-prefixed'
import type { Stream } from '@libp2p/interface'

/**
 * Request/response helpers over libp2p streams: one varint-length-prefixed message each way.
 * The size limit is enforced while decoding, before the bytes are buffered, so a peer cannot
 * make us allocate more than `maxBytes`.
 */

/** Writes one length-prefixed message, waiting for the stream to drain when its buffer is full. */
export async function writeMessage (stream: Stream, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
  if (!stream.send(lp.encode.single(bytes))) await stream.onDrain({ signal })
}

/** Reads one length-prefixed message; undefined if the stream ends first. Throws on an oversized message or abort. */
export async function readMessage (stream: Stream, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array | undefined> {
  signal?.throwIfAborted()
  const onAbort = (): void => { stream.abort(signal?.reason instanceof Error ? signal.reason : new Error('aborted')) }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    for await (const message of lp.decode(stream, { maxDataLength: maxBytes })) {
      return message.subarray()
    }
    return undefined
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}
