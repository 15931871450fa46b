import type { Connection, Stream, StreamHandler } from '@libp2p/interface'
import type { ConnectionBudget } from './connection-budget.ts'

/** @libp2p/webrtc's signalling protocol (not exported by the package). */
export const WEBRTC_SIGNALING_PROTOCOL = '/webrtc-signaling/0.0.1'

/** What of libp2p's registrar the WebRTC transport uses to serve its signalling protocol. */
interface HandlingRegistrar {
  handle (protocol: string, handler: StreamHandler, options?: unknown): Promise<void>
}

/**
 * Puts {@link ConnectionBudget.admit} in front of @libp2p/webrtc's signalling handler: the remote
 * peer id is known from the relayed circuit the offer comes over, so a refused offer costs a
 * stream, never an RTCPeerConnection. The transport builds its peer connection synchronously when
 * its handler is called (its rtcConfiguration callback runs before its first await,
 * @libp2p/webrtc 6.0), so the connection an admission reserves is the one its `take()` claims.
 * A refused offer's circuit is closed too: it carries nothing else of ours.
 */
export function gateSignalling<C extends { readonly registrar: HandlingRegistrar }> (components: C, budget: ConnectionBudget, onRefused?: (peer: string, reason: string) => void): C {
  const registrar = components.registrar
  const gated = new Proxy(registrar, {
    get (target, key) {
      if (key === 'handle') {
        return async (protocol: string, handler: StreamHandler, options?: unknown) => registrar.handle(protocol, protocol === WEBRTC_SIGNALING_PROTOCOL
          ? (stream: Stream, connection: Connection) => {
              const peer = connection.remotePeer.toString()
              const admission = budget.admit(peer)
              if (admission.ok) return handler(stream, connection)
              onRefused?.(peer, admission.reason)
              stream.abort(new Error(`WebRTC offer refused: ${admission.reason}`))
              void connection.close().catch(() => undefined)
            }
          : handler, options)
      }
      const value: unknown = Reflect.get(target, key, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    }
  })
  // the rest of the components stay the transport's own: only the registrar it sees is wrapped
  return Object.create(components, { registrar: { value: gated } }) as C
}
