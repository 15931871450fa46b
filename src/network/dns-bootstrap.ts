import { dns, RecordType } from '@multiformats/dns'
import { dnsJsonOverHttps } from '@multiformats/dns/resolvers'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'

/**
 * Public DNS-over-HTTPS resolvers speaking the JSON API (application/dns-json). Contacted only when
 * the config names dnsaddr domains; each is tried in turn until one answers.
 */
export const DEFAULT_DOH_RESOLVERS: readonly string[] = ['https://cloudflare-dns.com/dns-query', 'https://dns.google/resolve']

export interface DnsBootstrapInit {
  /** Domains whose `_dnsaddr.<domain>` TXT records list bootstrap addresses (`dnsaddr=<multiaddr>`). */
  readonly domains: readonly string[]
  /** DoH JSON endpoints, asked in this order until one answers; DEFAULT_DOH_RESOLVERS when absent or empty. */
  readonly resolvers?: readonly string[]
  readonly signal?: AbortSignal
}

/** Bootstrap addresses found through DNS, and what went wrong on the way (for the page to show). */
export interface DnsBootstrapResult {
  readonly addrs: readonly string[]
  readonly problems: readonly string[]
}

// TXT answers come from whoever controls the domain or the resolver's path: bounded like any peer data
const MAX_DEPTH = 3
const MAX_ADDRS = 16
const MAX_QUERIES = 16
const MAX_PROBLEMS = 8

/**
 * Resolves dnsaddr domains to bootstrap multiaddrs through DNS-over-HTTPS, following nested
 * `/dnsaddr/<domain>` values. Keeps only addresses that parse and end in a valid /p2p/<peer id>;
 * never throws: failures come back as problems, next to whatever did resolve.
 */
export async function resolveDnsBootstrap (init: DnsBootstrapInit): Promise<DnsBootstrapResult> {
  const urls = init.resolvers != null && init.resolvers.length > 0 ? init.resolvers : DEFAULT_DOH_RESOLVERS
  // in the configured order (the library shuffles by default): the operator's first choice is asked first
  const resolver = dns({ resolvers: { '.': urls.map((u) => dnsJsonOverHttps(u)) }, sorter: () => 0 })
  const addrs = new Set<string>()
  const problems: string[] = []
  const note = (p: string): void => { if (problems.length < MAX_PROBLEMS) problems.push(p) }
  const seen = new Set<string>()

  const visit = async (domain: string, depth: number): Promise<void> => {
    const key = domain.toLowerCase()
    if (seen.has(key) || seen.size >= MAX_QUERIES || depth > MAX_DEPTH) return
    seen.add(key)
    let answers: ReadonlyArray<{ data?: unknown }>
    try {
      answers = (await resolver.query(`_dnsaddr.${domain}`, { types: [RecordType.TXT], ...(init.signal != null ? { signal: init.signal } : {}) })).Answer
    } catch (err) {
      note(`no dnsaddr records for ${domain} from ${urls.join(', ')}: ${(err as Error).message}`)
      return
    }
    for (const answer of answers) {
      if (addrs.size >= MAX_ADDRS) return
      const ma = dnsaddrValue(answer.data)
      if (ma == null) continue
      const nested = ma.getComponents()[0]
      if (nested?.name === 'dnsaddr' && nested.value != null) await visit(nested.value, depth + 1)
      else if (hasPeerId(ma)) addrs.add(ma.toString())
      else note(`${domain}: ignored ${ma.toString()} (no /p2p/<peer id>)`)
    }
  }
  await Promise.all(init.domains.map(async (d) => { await visit(d, 1) }))
  return { addrs: [...addrs], problems }
}

/** The multiaddr of a `dnsaddr=<multiaddr>` TXT value (quoted or not), or undefined. */
function dnsaddrValue (data: unknown): Multiaddr | undefined {
  if (typeof data !== 'string' || data.length > 1024) return undefined
  const text = data.replace(/^"|"$/g, '')
  if (!text.startsWith('dnsaddr=')) return undefined
  try {
    return multiaddr(text.slice('dnsaddr='.length))
  } catch {
    return undefined
  }
}

function hasPeerId (ma: Multiaddr): boolean {
  const last = ma.getComponents().at(-1)
  if (last?.name !== 'p2p' || last.value == null) return false
  try {
    peerIdFromString(last.value)
    return true
  } catch {
    return false
  }
}
