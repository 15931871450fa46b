import { NetworkProfile } from './profile.ts'

/** How the app reaches the network: served by whoever hosts the app, as /config.json. */
export interface NetworkConfig {
  readonly bootstrap: readonly string[]
  readonly iceServers?: readonly RTCIceServer[]
  readonly profile: NetworkProfile
  /** RTCPeerConnections the tab may open in its lifetime (peer-node.ts has the default). */
  readonly rtcConnectionBudget?: number
}

/** Used when /config.json is missing or unreadable: no bootstrap node known, real-network rules. */
export const DEFAULT_NETWORK_CONFIG: NetworkConfig = { bootstrap: [], profile: NetworkProfile.Default }

/**
 * Reads /config.json (written by `npm start` or the deployment; a file, not an inline script,
 * so the page can keep a strict CSP). Falls back to the defaults on any error, field by field:
 * the file is outside our control and must not stop the app from starting.
 */
export async function loadNetworkConfig (url = '/config.json', signal?: AbortSignal): Promise<NetworkConfig> {
  try {
    const res = await fetch(url, { cache: 'no-store', ...(signal != null ? { signal } : {}) })
    if (!res.ok) return DEFAULT_NETWORK_CONFIG
    return parseNetworkConfig(await res.json())
  } catch {
    return DEFAULT_NETWORK_CONFIG
  }
}

export function parseNetworkConfig (raw: unknown): NetworkConfig {
  const r = (raw != null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  const bootstrap = Array.isArray(r.bootstrap) ? r.bootstrap.filter((a): a is string => typeof a === 'string') : []
  const profile = r.profile === NetworkProfile.Loopback ? NetworkProfile.Loopback : NetworkProfile.Default
  const iceServers = Array.isArray(r.iceServers) ? r.iceServers.filter(isIceServer) : undefined
  const budget = r.rtcConnectionBudget
  const rtcConnectionBudget = typeof budget === 'number' && Number.isInteger(budget) && budget > 0 ? budget : undefined
  return { bootstrap, profile, ...(iceServers != null ? { iceServers } : {}), ...(rtcConnectionBudget != null ? { rtcConnectionBudget } : {}) }
}

function isIceServer (x: unknown): x is RTCIceServer {
  if (x == null || typeof x !== 'object') return false
  const urls = (x as { urls?: unknown }).urls
  return typeof urls === 'string' || (Array.isArray(urls) && urls.every((u) => typeof u === 'string'))
}
