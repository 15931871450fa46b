import { execFileSync } from 'node:child_process'

/**
 * The NAT lab's network: Linux network namespaces joined by veth pairs, built and torn down by the
 * tests themselves (root only). An "internet" segment (TEST-NET-2, 198.51.100.0/24) holds the
 * servers; each home is a router namespace that masquerades its LAN (10.x) onto that segment, with
 * client namespaces behind it. Nothing is routed to or from the machine's own network: the lab has
 * no link to the root namespace, so no packet of it can leave the machine.
 */

/** How a home's router rewrites source ports: Linux's default keeps them when it can; symmetric randomises them per flow. */
export const NatKind = { PortPreserving: 'port-preserving', Symmetric: 'symmetric' } as const
export type NatKind = typeof NatKind[keyof typeof NatKind]

export interface HomeSpec {
  readonly name: string
  readonly nat: NatKind
  /** Client namespaces on the home's LAN. */
  readonly clients: readonly string[]
  /** Drop UDP between the home and the internet (a network that allows only TCP out). */
  readonly blockUdp?: boolean
}

export interface LabSpec {
  /** Server addresses on the internet segment (all in one namespace: the "cloud"). */
  readonly servers: readonly string[]
  readonly homes: readonly HomeSpec[]
}

export interface LabClient {
  readonly ns: string
  readonly address: string
  readonly home: string
}

export interface Lab {
  /** The namespace that holds the servers' addresses. */
  readonly cloud: string
  readonly servers: readonly string[]
  readonly clients: ReadonlyMap<string, LabClient>
  /** Each home's router: its namespace and its address on the internet segment. */
  readonly routers: ReadonlyMap<string, { readonly ns: string, readonly wan: string }>
  /** Runs a command inside a namespace and returns its stdout. */
  exec (ns: string, command: readonly string[]): string
  /** Deletes every namespace of the lab (their links go with them); safe to call twice. */
  teardown (): void
}

const NETWORK = '198.51.100'
const PREFIX = 'plab-'

const ip = (...args: string[]): void => { execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] }) }

/** Namespaces of ours that a killed run left behind. */
export function sweepStaleLabs (): void {
  const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0]
    if (name?.startsWith(PREFIX) === true) ip('netns', 'del', name)
  }
}

/**
 * Whether this process may build the lab. The lab's tests fail (never skip) when it may not: a
 * machine without namespaces must be noticed, not mistaken for a passing run.
 */
export function labUnavailableReason (): string | undefined {
  if (process.getuid?.() !== 0) return 'the NAT lab needs root (network namespaces, iptables)'
  for (const tool of ['ip', 'iptables']) {
    try { execFileSync('which', [tool], { stdio: 'ignore' }) } catch { return `the NAT lab needs ${tool} (apt-get install iproute2 iptables)` }
  }
  return undefined
}

/** Builds the lab; on any failure it removes what it had built and rethrows. */
export function buildLab (spec: LabSpec): Lab {
  const reason = labUnavailableReason()
  if (reason != null) throw new Error(reason)
  const id = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 2).toString(36)}`.slice(-5)
  const made: string[] = []
  const ns = (name: string): string => {
    const full = `${PREFIX}${id}-${name}`
    ip('netns', 'add', full)
    made.push(full)
    ip('-n', full, 'link', 'set', 'lo', 'up')
    return full
  }
  const teardown = (): void => {
    for (const n of made.splice(0).reverse()) {
      try { ip('netns', 'del', n) } catch { /* already gone */ }
    }
  }
  const exec = (n: string, command: readonly string[]): string =>
    execFileSync('ip', ['netns', 'exec', n, ...command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    const cloud = ns('cloud')
    ip('-n', cloud, 'link', 'add', 'inet', 'type', 'bridge')
    ip('-n', cloud, 'link', 'set', 'inet', 'up')
    spec.servers.forEach((addr) => { ip('-n', cloud, 'addr', 'add', `${addr}/24`, 'dev', 'inet') })
    const clients = new Map<string, LabClient>()
    const routers = new Map<string, { ns: string, wan: string }>()
    spec.homes.forEach((home, h) => {
      const router = ns(`r-${home.name}`)
      const wan = `${NETWORK}.${2 + h}`
      ip('link', 'add', 'wan', 'netns', router, 'type', 'veth', 'peer', 'name', `port${h}`, 'netns', cloud)
      ip('-n', cloud, 'link', 'set', `port${h}`, 'master', 'inet')
      ip('-n', cloud, 'link', 'set', `port${h}`, 'up')
      ip('-n', router, 'addr', 'add', `${wan}/24`, 'dev', 'wan')
      ip('-n', router, 'link', 'set', 'wan', 'up')
      ip('-n', router, 'link', 'add', 'lan', 'type', 'bridge')
      ip('-n', router, 'addr', 'add', `10.${h + 1}.0.1/24`, 'dev', 'lan')
      ip('-n', router, 'link', 'set', 'lan', 'up')
      exec(router, ['sysctl', '-qw', 'net.ipv4.ip_forward=1'])
      exec(router, ['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE', ...(home.nat === NatKind.Symmetric ? ['--random-fully'] : [])])
      // A home router accepts nothing from outside that its LAN did not start. Dropping (not
      // accepting) an unsolicited packet to the router itself matters for hole punching: a packet
      // accepted there leaves a conntrack entry that clashes with the LAN's own mapping to the same
      // peer, and the NAT then moves that flow to another port.
      for (const chain of ['FORWARD', 'INPUT']) {
        exec(router, ['iptables', '-A', chain, '-i', 'wan', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'])
        exec(router, ['iptables', '-A', chain, '-i', 'wan', '-j', 'DROP'])
      }
      if (home.blockUdp === true) exec(router, ['iptables', '-I', 'FORWARD', '-p', 'udp', '-j', 'DROP'])
      routers.set(home.name, { ns: router, wan })
      home.clients.forEach((name, c) => {
        const client = ns(name)
        const address = `10.${h + 1}.0.${c + 2}`
        ip('link', 'add', 'eth0', 'netns', client, 'type', 'veth', 'peer', 'name', `c${c}`, 'netns', router)
        ip('-n', router, 'link', 'set', `c${c}`, 'master', 'lan')
        ip('-n', router, 'link', 'set', `c${c}`, 'up')
        ip('-n', client, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
        ip('-n', client, 'link', 'set', 'eth0', 'up')
        ip('-n', client, 'route', 'add', 'default', 'via', `10.${h + 1}.0.1`)
        clients.set(name, { ns: client, address, home: home.name })
      })
    })
    return { cloud, servers: spec.servers, clients, routers, exec, teardown }
  } catch (err) {
    teardown()
    throw err
  }
}
