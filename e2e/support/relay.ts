import { test } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/** A real bootstrap/relay process (src/node/main.ts) on 127.0.0.1, as the tests' network. */
export interface RelayProcess {
  /** Its WebSockets multiaddr with /p2p/<id>, read from its `relay listening` line. */
  readonly multiaddr: string
  readonly peerId: string
  readonly healthUrl: string
  readonly dataDir: string
  readonly port: number
  /** SIGKILL: the relay vanishes as after a crash, without closing connections politely. */
  kill (): Promise<void>
  /** SIGTERM: graceful shutdown; resolves with the exit code. */
  stop (): Promise<number | null>
}

const root = join(import.meta.dirname, '..', '..')

/**
 * Spawns the relay (on free ports and with a fresh data dir unless given: the same data dir and port
 * bring back the same multiaddr), and resolves once it has printed its
 * multiaddr and health URL (never on a timer).
 */
export async function startRelay (options: { readonly dataDir?: string, readonly port?: number } = {}): Promise<RelayProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'relay-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/main.ts', '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--health-port', '0', '--data-dir', dataDir, '--profile', 'loopback'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<number | null>((resolve) => { child.once('exit', (code) => { resolve(code) }) })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
  const { multiaddr, healthUrl } = await new Promise<{ multiaddr: string, healthUrl: string }>((resolve, reject) => {
    let multiaddr: string | undefined
    const lines = createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      const listening = /^relay listening (\/ip4\/127\.0\.0\.1\/\S+)$/.exec(line)
      if (listening != null) multiaddr ??= listening[1]
      const health = /^relay health (\S+)$/.exec(line)
      if (health != null && multiaddr != null) resolve({ multiaddr, healthUrl: health[1]! })
    })
    void exited.then(() => { reject(new Error(`relay exited before listening: ${stderr}`)) })
  })
  const signalAndWait = async (child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> => {
    if (child.exitCode == null && child.signalCode == null) child.kill(signal)
    return exited
  }
  return {
    multiaddr,
    peerId: multiaddr.split('/p2p/')[1]!,
    healthUrl,
    dataDir,
    port: Number(/\/tcp\/(\d+)\//.exec(multiaddr)![1]),
    kill: async () => { await signalAndWait(child, 'SIGKILL') },
    stop: async () => signalAndWait(child, 'SIGTERM')
  }
}

/**
 * For the tests of the enclosing describe: a startRelay whose relays are all stopped after each
 * test, whatever happened in it (killed ones included).
 */
export function relaysStoppedAfterEach (): typeof startRelay {
  const started: RelayProcess[] = []
  test.afterEach(async () => {
    for (const r of started.splice(0)) await r.stop()
  })
  return async (options) => {
    const relay = await startRelay(options)
    started.push(relay)
    return relay
  }
}
