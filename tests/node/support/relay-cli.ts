// The relay's command line as a real child process, for tests that pass it flags of their own.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const root = join(import.meta.dirname, '..', '..', '..')

/** A running `src/node/main.ts` with the lines it has printed so far. */
export interface RelayCli {
  /** Every line so far, stdout and stderr. */
  readonly lines: readonly string[]
  /** The first `relay listening` multiaddr (with /p2p/<id>). */
  readonly multiaddr: string
  readonly peerId: string
  /** The `relay health` URL (http or https). */
  readonly healthUrl: string
  /** Resolves with the first line (already printed or to come) that matches. */
  line (pattern: RegExp): Promise<string>
  signal (signal: NodeJS.Signals): void
  /** SIGTERM and wait for the exit code. */
  stop (): Promise<number | null>
}

/** Spawns the relay with these flags (plus a fresh data dir and free ports unless given) and waits for its health line. */
export async function startRelayCli (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RelayCli> {
  const defaults = ['--data-dir', mkdtempSync(join(tmpdir(), 'relay-cli-')), '--port', '0', '--health-port', '0', '--host', '127.0.0.1']
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/main.ts', ...defaults, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<number | null>((resolve) => { child.once('exit', (code) => { resolve(code) }) })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const lines: string[] = []
  const waiters: Array<{ pattern: RegExp, resolve: (l: string) => void }> = []
  const onLine = (l: string): void => {
    lines.push(l)
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(l)) w.resolve(l)
      else waiters.push(w)
    }
  }
  createInterface({ input: child.stdout }).on('line', onLine)
  createInterface({ input: child.stderr }).on('line', onLine)
  const line = async (pattern: RegExp): Promise<string> => {
    const seen = lines.find((l) => pattern.test(l))
    if (seen != null) return seen
    return new Promise((resolve, reject) => {
      waiters.push({ pattern, resolve })
      void exited.then((code) => { reject(new Error(`relay exited (${code}) before printing ${pattern}: ${stderr}`)) })
    })
  }
  const healthUrl = (await line(/^relay health /)).split(' ')[2]!
  const multiaddr = (await line(/^relay listening /)).split(' ')[2]!
  return {
    lines,
    multiaddr,
    peerId: multiaddr.split('/p2p/')[1]!,
    healthUrl,
    line,
    signal: (s) => { child.kill(s) },
    stop: async () => {
      if (child.exitCode == null && child.signalCode == null) child.kill('SIGTERM')
      return exited
    }
  }
}
