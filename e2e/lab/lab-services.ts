import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Lab } from './netns.ts'
import type { LabPki } from './pki.ts'
import { startInNs, type NsProcess } from './ns-process.ts'

const root = join(import.meta.dirname, '..', '..')
const tsx = [process.execPath, '--import', 'tsx']

/** A relay in the lab's cloud, behind a TLS proxy: browsers dial /dns4/<name>/tcp/443/wss. */
export interface LabRelay {
  readonly name: string
  readonly address: string
  /** Its wss multiaddr with /p2p/<id>, as browsers dial it. */
  readonly multiaddr: string
  readonly process: NsProcess
  readonly proxy: NsProcess
}

export interface LabServices {
  readonly relays: readonly LabRelay[]
  readonly appUrl: string
  /** DNS names of the lab and their addresses, for the browsers' resolver rules. */
  readonly hosts: Readonly<Record<string, string>>
  /** Rewrites the /config.json the app host serves (the next page load reads it). */
  writeConfig (config: Record<string, unknown>): void
  /** The last lines each server printed, for a failing test's report. */
  output (): string[]
  stop (): Promise<void>
}

/**
 * Starts what a deployment runs in the cloud: relays (each behind a TLS-terminating proxy), coturn
 * (the pages' STUN server; TURN only with credentials from its shared secret) and the static app
 * over https. Addresses: relay i at servers[i + 1], the app and coturn at servers[0].
 */
export async function startLabServices (lab: Lab, pki: LabPki, options: { readonly relays: number }): Promise<LabServices> {
  const started: NsProcess[] = []
  const stop = async (): Promise<void> => { await Promise.all(started.splice(0).map(async (p) => p.stop())) }
  try {
    const relays: LabRelay[] = []
    const hosts: Record<string, string> = { 'app.lab': lab.servers[0]! }
    for (let i = 0; i < options.relays; i++) {
      const name = `relay${i}.lab`
      const address = lab.servers[i + 1]!
      hosts[name] = address
      const dataDir = mkdtempSync(join(tmpdir(), 'lab-relay-'))
      const relay = startInNs(name, lab.cloud, [...tsx, 'src/node/main.ts', '--host', '127.0.0.1', '--port', String(8000 + i), '--health-port', String(8100 + i), '--data-dir', dataDir, '--profile', 'default', '--announce', `/dns4/${name}/tcp/443/wss`], { cwd: root })
      started.push(relay)
      const proxy = startInNs(`${name} proxy`, lab.cloud, [...tsx, 'e2e/lab/tls-proxy.ts', '--host', address, '--port', '443', '--to', `127.0.0.1:${8000 + i}`, '--cert', pki.cert, '--key', pki.key], { cwd: root })
      started.push(proxy)
      const [, multiaddr] = await relay.waitFor(/^relay listening (\/dns4\/\S+)$/)
      await proxy.waitFor(/^tls proxy on/)
      relays.push({ name, address, multiaddr: multiaddr!, process: relay, proxy })
    }
    const secret = randomBytes(16).toString('hex')
    const turn = startInNs('coturn', lab.cloud, ['turnserver', '-n', '--listening-ip', lab.servers[0]!, '--relay-ip', lab.servers[0]!, '--listening-port', '3478', '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm', 'lab', '--no-tls', '--no-dtls', '--no-cli', '--fingerprint', '--log-file', 'stdout', '--simple-log', '--verbose', '--pidfile', join(pki.dir, 'turn.pid')])
    started.push(turn)
    await turn.waitFor(/Total General servers/)
    const configFile = join(pki.dir, 'config.json')
    const writeConfig = (config: Record<string, unknown>): void => { writeFileSync(configFile, JSON.stringify(config)) }
    writeConfig({ bootstrap: relays.map((r) => r.multiaddr), profile: 'default' })
    const app = startInNs('app host', lab.cloud, [...tsx, 'e2e/lab/app-server.ts', '--host', lab.servers[0]!, '--port', '443', '--cert', pki.cert, '--key', pki.key, '--dist', join(root, 'dist'), '--config', configFile], { cwd: root })
    started.push(app)
    await app.waitFor(/^app serving/)
    const output = (): string[] => started.flatMap((p) => [`--- ${p.name}`, ...p.output.slice(-40)])
    return { output, relays, appUrl: 'https://app.lab/', hosts, writeConfig, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
