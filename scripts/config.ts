// `npm run config -- ...`: writes the app's /config.json from flags, checked by the same code the
// page reads it with, so nobody hand-writes JSON.
import '../src/node/polyfills.ts'
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { checkNetworkConfig } from '../src/network/config.ts'

const USAGE = `usage: npm run config -- [flags]   writes dist/config.json (run after npm run build)
  --bootstrap MULTIADDR ...    a bootstrap/relay node, as it prints it (/dns4/<name>/tcp/443/wss/p2p/<id>)
  --relay-health URL ...       read a running relay's addresses from its /health instead
  --turn URL                   the relay's /turn-credentials (TURN servers with short-lived credentials)
  --stun URL ...               STUN servers, e.g. stun:turn.example.org:3478
  --dnsaddr DOMAIN ...         domains whose _dnsaddr TXT records list more bootstrap nodes
  --doh URL ...                DNS-over-HTTPS JSON resolvers for --dnsaddr, asked in order
  --profile default|loopback   loopback only for one machine or a LAN (private addresses allowed)
  --rtc-budget N               RTCPeerConnections a tab may open in its lifetime
  --out FILE                   where to write (default dist/config.json; - for stdout)
  --force                      write even when the config has problems`

const { values } = parseArgs({
  options: {
    bootstrap: { type: 'string', multiple: true },
    'relay-health': { type: 'string', multiple: true },
    turn: { type: 'string' },
    stun: { type: 'string', multiple: true },
    dnsaddr: { type: 'string', multiple: true },
    doh: { type: 'string', multiple: true },
    profile: { type: 'string' },
    'rtc-budget': { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean' }
  }
})
if (values.help === true) {
  console.log(USAGE)
  process.exit(0)
}

const fromHealth: string[] = []
for (const url of values['relay-health'] ?? []) {
  try {
    const health = await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).json() as { multiaddrs?: unknown }
    if (Array.isArray(health.multiaddrs)) fromHealth.push(...health.multiaddrs.filter((a): a is string => typeof a === 'string'))
  } catch (err) {
    console.error(`config: could not read ${url}: ${(err as Error).message}`)
    process.exit(1)
  }
}

const raw = {
  bootstrap: [...(values.bootstrap ?? []), ...fromHealth],
  ...(values.profile != null ? { profile: values.profile } : {}),
  ...(values.stun != null ? { iceServers: values.stun.map((urls) => ({ urls })) } : {}),
  ...(values.turn != null ? { turnCredentialsUrl: values.turn } : {}),
  ...(values.dnsaddr != null ? { dnsaddr: values.dnsaddr } : {}),
  ...(values.doh != null ? { dohResolvers: values.doh } : {}),
  ...(values['rtc-budget'] != null ? { rtcConnectionBudget: Number(values['rtc-budget']) } : {})
}
const checked = checkNetworkConfig(raw)
const { config } = checked
const problems = [...checked.problems]
if (config.bootstrap.length === 0 && (config.dnsaddr ?? []).length === 0) problems.push('no bootstrap node: give --bootstrap, --relay-health or --dnsaddr')
for (const p of problems) console.error(`config: ${p}`)
if (problems.length > 0 && values.force !== true) {
  console.error('config: nothing written (--force writes it anyway)')
  process.exit(1)
}
const json = JSON.stringify(config, null, 2) + '\n'
const out = values.out ?? 'dist/config.json'
if (out === '-') process.stdout.write(json)
else {
  writeFileSync(out, json)
  console.log(`config: wrote ${out}`)
}
