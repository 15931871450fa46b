import { parseArgs } from 'node:util'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { NetworkProfile } from '../network/profile.ts'
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './relay-limits.ts'

/** The relay's settings, from its command line and environment (flags win). */
export interface RelayOptions {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  readonly healthPort: number
  readonly announce: readonly string[]
  readonly profile: NetworkProfile
  readonly tls?: { readonly certFile: string, readonly keyFile: string }
  readonly turn?: { readonly secret: string, readonly urls: readonly string[], readonly ttlSeconds: number }
  readonly maxConnections: number
  readonly limits: RelayLimits
}

/** Bad flags or environment; the message says which and how to fix it. */
export class RelayOptionsError extends Error {
  override readonly name = 'RelayOptionsError'
}

export const RELAY_USAGE = `usage: npm run relay -- [flags]   (each flag also as an env variable, shown after it)
  --port 9090                    RELAY_PORT         WebSockets listener (wss with --tls-*)
  --host 0.0.0.0                 RELAY_HOST
  --data-dir .data/relay         RELAY_DATA_DIR     keeps the peer key, so the peer id survives restarts
  --health-port PORT+1           RELAY_HEALTH_PORT  GET /health, GET /turn-credentials (0: any free port)
  --profile default|loopback     RELAY_PROFILE      loopback keeps private addresses (one machine, LAN)
  --announce MULTIADDR ...       RELAY_ANNOUNCE     addresses browsers dial (comma-separated in env)
  --public-name relay.example.org RELAY_PUBLIC_NAME announce /dns4/<name>/tcp/<public-port>/wss
  --public-port 443              RELAY_PUBLIC_PORT
  --tls-cert FILE --tls-key FILE RELAY_TLS_CERT, RELAY_TLS_KEY  serve wss itself; SIGHUP re-reads them
  --turn-secret-file FILE        RELAY_TURN_SECRET (the secret itself) or RELAY_TURN_SECRET_FILE
  --turn-url turn:HOST:3478 ...  RELAY_TURN_URLS    handed out with minted credentials (comma-separated)
  --turn-ttl 86400               RELAY_TURN_TTL     seconds a minted TURN credential lasts
  --max-connections 1024         RELAY_MAX_CONNECTIONS
  --max-reservations 1024        RELAY_MAX_RESERVATIONS
  --max-reservations-per-ip 8    RELAY_MAX_RESERVATIONS_PER_IP  (0: no cap; loopback default 0)
  --max-connections-per-ip 32    RELAY_MAX_CONNECTIONS_PER_IP   (0: no cap; loopback default 0)
  --max-connection-rate-per-ip 5 RELAY_MAX_CONNECTION_RATE_PER_IP new connections a second
  --max-circuits-per-peer 16     RELAY_MAX_CIRCUITS_PER_PEER
  --reservation-ttl 1800         RELAY_RESERVATION_TTL  seconds; freed at once on disconnect anyway
  --circuit-duration 600         RELAY_CIRCUIT_DURATION seconds a relayed circuit may last
  --circuit-data 4194304         RELAY_CIRCUIT_DATA     bytes a relayed circuit may carry`

const FLAGS = {
  port: 'RELAY_PORT',
  host: 'RELAY_HOST',
  'data-dir': 'RELAY_DATA_DIR',
  'health-port': 'RELAY_HEALTH_PORT',
  profile: 'RELAY_PROFILE',
  announce: 'RELAY_ANNOUNCE',
  'public-name': 'RELAY_PUBLIC_NAME',
  'public-port': 'RELAY_PUBLIC_PORT',
  'tls-cert': 'RELAY_TLS_CERT',
  'tls-key': 'RELAY_TLS_KEY',
  'turn-secret-file': 'RELAY_TURN_SECRET_FILE',
  'turn-url': 'RELAY_TURN_URLS',
  'turn-ttl': 'RELAY_TURN_TTL',
  'max-connections': 'RELAY_MAX_CONNECTIONS',
  'max-reservations': 'RELAY_MAX_RESERVATIONS',
  'max-reservations-per-ip': 'RELAY_MAX_RESERVATIONS_PER_IP',
  'max-connections-per-ip': 'RELAY_MAX_CONNECTIONS_PER_IP',
  'max-connection-rate-per-ip': 'RELAY_MAX_CONNECTION_RATE_PER_IP',
  'max-circuits-per-peer': 'RELAY_MAX_CIRCUITS_PER_PEER',
  'reservation-ttl': 'RELAY_RESERVATION_TTL',
  'circuit-duration': 'RELAY_CIRCUIT_DURATION',
  'circuit-data': 'RELAY_CIRCUIT_DATA'
} as const
type Flag = keyof typeof FLAGS
const MULTIPLE: ReadonlySet<Flag> = new Set(['announce', 'turn-url'])

/**
 * Parses the relay's flags and environment. Throws RelayOptionsError naming the bad flag; `help`
 * is true when --help was given (the caller prints RELAY_USAGE).
 */
export function parseRelayOptions (args: readonly string[], env: NodeJS.ProcessEnv): RelayOptions & { readonly help: boolean } {
  let parsed
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        ...Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const, multiple: MULTIPLE.has(f as Flag) }])),
        help: { type: 'boolean' }
      }
    })
  } catch (err) {
    throw new RelayOptionsError((err as Error).message)
  }
  const values = parsed.values as Partial<Record<Flag, string | string[]>> & { help?: boolean }
  const str = (f: Flag): string | undefined => {
    const v = values[f]
    if (typeof v === 'string') return v
    const e = env[FLAGS[f]]
    return e != null && e !== '' ? e : undefined
  }
  const list = (f: Flag): string[] => {
    const v = values[f]
    if (Array.isArray(v)) return v
    return (str(f) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
  }
  const int = (f: Flag, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
    const s = str(f)
    if (s == null) return fallback
    const n = Number(s)
    if (!Number.isInteger(n) || n < min || n > max) throw new RelayOptionsError(`--${f} (${FLAGS[f]}) must be an integer from ${min} to ${max}, not "${s}"`)
    return n
  }

  const profile = str('profile') ?? NetworkProfile.Default
  if (profile !== NetworkProfile.Default && profile !== NetworkProfile.Loopback) throw new RelayOptionsError(`--profile must be default or loopback, not "${profile}"`)
  const port = int('port', 9090, 0, 65535)
  const loopback = profile === NetworkProfile.Loopback

  const certFile = str('tls-cert')
  const keyFile = str('tls-key')
  if ((certFile == null) !== (keyFile == null)) throw new RelayOptionsError('--tls-cert and --tls-key go together')

  const announce = list('announce')
  const publicName = str('public-name')
  if (publicName != null) {
    if (!/^[a-z0-9.-]+$/i.test(publicName)) throw new RelayOptionsError(`--public-name must be a DNS name, not "${publicName}"`)
    announce.push(`/dns4/${publicName}/tcp/${int('public-port', 443, 1, 65535)}/wss`)
  }

  const secretFile = str('turn-secret-file')
  const secret = secretFile != null ? readFileSync(secretFile, 'utf8').trim() : env.RELAY_TURN_SECRET
  const turnUrls = list('turn-url')
  if ((secret != null && secret !== '') !== (turnUrls.length > 0)) throw new RelayOptionsError('a TURN secret and --turn-url go together')

  const d = DEFAULT_RELAY_LIMITS
  // every tab on one machine comes from the same address: per-IP caps are for the open network
  const perIp = (f: Flag, open: number): number => int(f, loopback ? 0 : open)
  return {
    help: values.help === true,
    port,
    host: str('host') ?? '0.0.0.0',
    dataDir: resolve(str('data-dir') ?? '.data/relay'),
    healthPort: int('health-port', port === 0 ? 0 : port + 1, 0, 65535),
    announce,
    profile,
    ...(certFile != null && keyFile != null ? { tls: { certFile, keyFile } } : {}),
    ...(secret != null && secret !== '' ? { turn: { secret, urls: turnUrls, ttlSeconds: int('turn-ttl', 86400, 60, 7 * 86400) } } : {}),
    maxConnections: int('max-connections', 1024, 1),
    limits: {
      maxReservations: int('max-reservations', d.maxReservations, 1),
      maxReservationsPerIp: perIp('max-reservations-per-ip', d.maxReservationsPerIp),
      maxConnectionsPerIp: perIp('max-connections-per-ip', d.maxConnectionsPerIp),
      maxConnectionRatePerIp: int('max-connection-rate-per-ip', d.maxConnectionRatePerIp, 1),
      maxCircuitsPerPeer: int('max-circuits-per-peer', d.maxCircuitsPerPeer, 1),
      reservationTtlMs: int('reservation-ttl', d.reservationTtlMs / 1000, 10) * 1000,
      circuitDurationMs: int('circuit-duration', d.circuitDurationMs / 1000, 1) * 1000,
      circuitDataBytes: BigInt(int('circuit-data', Number(d.circuitDataBytes), 1024))
    }
  }
}
