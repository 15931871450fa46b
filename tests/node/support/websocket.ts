// libp2p's WebSockets transport dials with the global WebSocket; in Node tests that is `ws`, which
// takes client options a browser's does not (a local address to dial from, a CA to trust).
import { WebSocket as WsWebSocket, type ClientOptions } from 'ws'

let current: ClientOptions = {}

class OptionedWebSocket extends WsWebSocket {
  constructor (url: string | URL, protocols?: string | string[]) {
    super(url, protocols, current)
  }
}

/**
 * Makes the global WebSocket a `ws` that dials with the options set by setWebSocketOptions, and
 * returns the function that puts the previous global back.
 */
export function installOptionedWebSocket (): () => void {
  const saved = globalThis.WebSocket
  Object.defineProperty(globalThis, 'WebSocket', { configurable: true, writable: true, value: OptionedWebSocket })
  return () => {
    current = {}
    Object.defineProperty(globalThis, 'WebSocket', { configurable: true, writable: true, value: saved })
  }
}

/** The options the next dials use (until changed). */
export function setWebSocketOptions (options: ClientOptions): void {
  current = options
}
