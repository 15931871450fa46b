import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { NetworkProfile } from './profile.ts'

/** How the app reaches the network: served by whoever hosts the app, as /config.json. */
export interface NetworkConfig {
  readonly bootstrap: readonly string[]
  readonly iceServers?: readonly RTCIceServer[]
  readonly profile: NetworkProfile
  /** RTCPeerConnections the tab may open in its lifetime (peer-node.ts has the default). */
  readonly rtcConnectionBudget?: number
  /** A relay's GET /turn-credentials: short-lived TURN credentials added to iceServers at load. */
  readonly turnCredentialsUrl?: string
  /** Domains whose `_dnsaddr` TXT records list more bootstrap nodes (read through DoH at load). */
  readonly dnsaddr?: readonly string[]
  /** DoH JSON endpoints for dnsaddr, asked in order (dns-bootstrap.ts has the defaults). */
  readonly dohResolvers?: readonly string[]
}

/** A config and what was wrong with the file it came from, in words for the page to show. */
export interface NetworkConfigReport {
  readonly config: NetworkConfig
  readonly problems: readonly string[]
}

/** Used when /config.json is missing or unreadable: no bootstrap node known, real-network rules. */
export const DEFAULT_NETWORK_CONFIG: NetworkConfig = { bootstrap: [], profile: NetworkProfile.Default }

const FIELDS = new Set(['bootstrap', 'iceServers', 'profile', 'rtcConnectionBudget', 'turnCredentialsUrl', 'dnsaddr', 'dohResolvers'])
const EXTRAS_TIMEOUT_MS = 5_000
const FIX = 'The site\'s operator can write a correct one with `npm run config`.'

/**
 * Reads /config.json (written by `npm run config`, `npm start` or the deployment; a file, not an
 * inline script, so the page can keep a strict CSP), then fetches TURN credentials and dnsaddr
 * bootstrap addresses if it names them. Never throws: the file is outside our control, so every
 * field falls back on its own and each problem is reported for the page to show.
 */
export async function loadNetworkConfig (url = '/config.json', signal?: AbortSignal): Promise<NetworkConfigReport> {
  let raw: unknown
  try {
    const res = await fetch(url, { cache: 'no-store', ...(signal != null ? { signal } : {}) })
    if (!res.ok) return { config: DEFAULT_NETWORK_CONFIG, problems: [`${url} could not be loaded (HTTP ${res.status}), so no bootstrap node is known. ${FIX}`] }
    raw = await res.json()
  } catch (err) {
    return { config: DEFAULT_NETWORK_CONFIG, problems: [`${url} could not be read (${(err as Error).message}), so no bootstrap node is known. ${FIX}`] }
  }
  const checked = checkNetworkConfig(raw)
  const problems = checked.problems.map((p) => `${url}: ${p}`)
  let config = checked.config
  // the page waits for these before it starts its peer: a resolver that hangs must not hold it
  const extras = AbortSignal.any([AbortSignal.timeout(EXTRAS_TIMEOUT_MS), ...(signal != null ? [signal] : [])])
  const [turn, dnsBootstrap] = await Promise.all([
    config.turnCredentialsUrl != null ? fetchTurnServer(config.turnCredentialsUrl, extras) : undefined,
    config.dnsaddr != null && config.dnsaddr.length > 0
      ? import('./dns-bootstrap.ts').then(async (m) => m.resolveDnsBootstrap({ domains: config.dnsaddr ?? [], ...(config.dohResolvers != null ? { resolvers: config.dohResolvers } : {}), signal: extras }))
      : undefined
  ])
  if (typeof turn === 'string') problems.push(turn)
  else if (turn != null) config = { ...config, iceServers: [...(config.iceServers ?? []), turn] }
  if (dnsBootstrap != null) {
    problems.push(...dnsBootstrap.problems)
    config = { ...config, bootstrap: [...new Set([...config.bootstrap, ...dnsBootstrap.addrs])] }
  }
  if (config.bootstrap.length === 0) problems.push(`${url} names no usable bootstrap node: this page can only reach peers it has met before. ${FIX}`)
  return { config, problems }
}

/** The config in raw (parsed JSON), field by field; junk is dropped. */
export function parseNetworkConfig (raw: unknown): NetworkConfig {
  return checkNetworkConfig(raw).config
}

/** parseNetworkConfig, plus a sentence for each thing it had to drop or that will not work. */
export function checkNetworkConfig (raw: unknown): NetworkConfigReport {
  const problems: string[] = []
  if (raw == null || typeof raw !== 'object' || Array.isArray(raw)) return { config: DEFAULT_NETWORK_CONFIG, problems: ['the config is not a JSON object'] }
  const r = raw as Record<string, unknown>
  for (const k of Object.keys(r)) if (!FIELDS.has(k)) problems.push(`unknown field "${k}" (known: ${[...FIELDS].join(', ')})`)

  let profile: NetworkProfile = NetworkProfile.Default
  if (r.profile === NetworkProfile.Loopback) profile = NetworkProfile.Loopback
  else if (r.profile !== undefined && r.profile !== NetworkProfile.Default) problems.push(`profile ${JSON.stringify(r.profile)} is unknown; using "default"`)

  const bootstrap = strings(r, 'bootstrap', problems, (a, i) => {
    const why = bootstrapProblem(a, profile)
    if (why != null) problems.push(`bootstrap[${i}] ${JSON.stringify(a)} ${why}`)
    return why == null || why.startsWith('(warning)')
  })
  let iceServers: RTCIceServer[] | undefined
  if (r.iceServers !== undefined) {
    iceServers = []
    if (!Array.isArray(r.iceServers)) problems.push('iceServers must be a list')
    else {
      r.iceServers.forEach((x: unknown, i) => {
        if (isIceServer(x)) iceServers?.push(x)
        else problems.push(`iceServers[${i}] has no "urls" (a string or a list of strings)`)
      })
    }
  }
  const budget = r.rtcConnectionBudget
  const rtcConnectionBudget = typeof budget === 'number' && Number.isInteger(budget) && budget > 0 ? budget : undefined
  if (budget !== undefined && rtcConnectionBudget == null) problems.push('rtcConnectionBudget must be a positive integer')
  const turnCredentialsUrl = httpUrl(r, 'turnCredentialsUrl', problems)
  const noting = (ok: (s: string) => boolean, what: string) => (s: string, i: number): boolean => ok(s) || (problems.push(`${what}[${i}] ${JSON.stringify(s)} is not ${what === 'dnsaddr' ? 'a domain' : 'an http(s) URL'}`), false)
  const dnsaddr = r.dnsaddr !== undefined ? strings(r, 'dnsaddr', problems, noting((d) => /^[a-z0-9.-]+$/i.test(d), 'dnsaddr')) : undefined
  const dohResolvers = r.dohResolvers !== undefined ? strings(r, 'dohResolvers', problems, noting(isHttpUrl, 'dohResolvers')) : undefined
  return {
    config: {
      bootstrap,
      profile,
      ...(iceServers != null ? { iceServers } : {}),
      ...(rtcConnectionBudget != null ? { rtcConnectionBudget } : {}),
      ...(turnCredentialsUrl != null ? { turnCredentialsUrl } : {}),
      ...(dnsaddr != null ? { dnsaddr } : {}),
      ...(dohResolvers != null ? { dohResolvers } : {})
    },
    problems
  }
}

/** Why a bootstrap address cannot be used (or, prefixed "(warning)", will not be dialled), or undefined. */
function bootstrapProblem (addr: string, profile: NetworkProfile): string | undefined {
  let ma
  try {
    ma = multiaddr(addr)
  } catch {
    return 'is not a multiaddr'
  }
  const parts = ma.getComponents()
  const last = parts.at(-1)
  if (last?.name !== 'p2p' || last.value == null) return 'does not end in /p2p/<peer id> (the relay prints its full address)'
  try {
    peerIdFromString(last.value)
  } catch {
    return 'has an invalid peer id'
  }
  if (profile === NetworkProfile.Default && parts.some((p) => p.name === 'ws')) return '(warning) is plain ws: on the default profile browsers dial only wss (relay --tls-cert or a TLS proxy)'
  return undefined
}

/** The strings of a list field that pass keep (given each one's index in the file); notes the rest. */
function strings (r: Record<string, unknown>, field: string, problems: string[], keep: (s: string, i: number) => boolean = () => true): string[] {
  const v = r[field]
  if (v === undefined) return []
  if (!Array.isArray(v)) {
    problems.push(`${field} must be a list of strings`)
    return []
  }
  const out: string[] = []
  v.forEach((x: unknown, i) => {
    if (typeof x !== 'string') problems.push(`${field}[${i}] is not a string`)
    else if (keep(x, i)) out.push(x)
  })
  return out
}

function isHttpUrl (u: string): boolean {
  try {
    const p = new URL(u).protocol
    return p === 'https:' || p === 'http:'
  } catch {
    return false
  }
}

function httpUrl (r: Record<string, unknown>, field: string, problems: string[]): string | undefined {
  const v = r[field]
  if (v === undefined) return undefined
  if (typeof v === 'string' && isHttpUrl(v)) return v
  problems.push(`${field} must be an http(s) URL`)
  return undefined
}

function isIceServer (x: unknown): x is RTCIceServer {
  if (x == null || typeof x !== 'object') return false
  const urls = (x as { urls?: unknown }).urls
  return typeof urls === 'string' || (Array.isArray(urls) && urls.every((u) => typeof u === 'string'))
}

/** The TURN server from a relay's /turn-credentials, or a sentence saying why not. */
async function fetchTurnServer (url: string, signal: AbortSignal): Promise<RTCIceServer | string> {
  const why = `TURN credentials could not be fetched from ${url}`
  try {
    const res = await fetch(url, { cache: 'no-store', signal })
    if (!res.ok) return `${why} (HTTP ${res.status}); connections that need TURN will fail`
    const body = await res.json() as Record<string, unknown>
    const urls = body.urls
    if (!Array.isArray(urls) || !urls.every((u) => typeof u === 'string') || typeof body.username !== 'string' || typeof body.credential !== 'string') {
      return `${why} (the answer is not { urls, username, credential })`
    }
    return { urls: urls, username: body.username, credential: body.credential }
  } catch (err) {
    return `${why} (${(err as Error).message}); connections that need TURN will fail`
  }
}
