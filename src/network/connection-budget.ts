import { ConnectionBudgetExhaustedError } from './errors.ts'

/**
 * Chrome lets a tab create about 500 RTCPeerConnections over its whole lifetime (closed ones still
 * count; js-libp2p#2591). Every WebRTC dial and every accepted WebRTC offer takes one from this
 * budget; once it is spent we stop dialling WebRTC addresses and stop serving the WebRTC signalling
 * protocol (so a remote's offer fails at once, not at its dial timeout), and the tab degrades to the
 * connections it has and relayed circuits instead of hitting the browser's hard failure.
 */
export interface ConnectionBudget {
  readonly limit: number
  readonly used: number
  readonly exhausted: boolean
  /** Takes one RTCPeerConnection from the budget; throws ConnectionBudgetExhaustedError when none is left. */
  take (): void
}

/** Default budget: headroom below Chrome's ~500 for pages that also use WebRTC for media. */
export const DEFAULT_RTC_CONNECTION_BUDGET = 400

/** `onExhausted` runs once, when the last connection is taken. */
export function createConnectionBudget (limit: number = DEFAULT_RTC_CONNECTION_BUDGET, onExhausted?: () => void): ConnectionBudget {
  let used = 0
  return {
    limit,
    get used () { return used },
    get exhausted () { return used >= limit },
    take () {
      if (used >= limit) throw new ConnectionBudgetExhaustedError(limit)
      used++
      if (used === limit) onExhausted?.()
    }
  }
}
