// A real coturn (Debian's `coturn` package) on 127.0.0.1, checking TURN REST API credentials.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { freePort } from './ports.ts'

export interface Coturn {
  readonly port: number
  stop (): Promise<void>
}

/**
 * Starts turnserver with `use-auth-secret`: it accepts any username "<expiry>:<id>" whose password
 * is HMAC-SHA1(secret, username), as the relay mints them. Resolves once its UDP listener is open.
 */
export async function startCoturn (secret: string): Promise<Coturn> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'coturn-'))
  const child = spawn('turnserver', [
    '-n', '-v', '--no-cli', '--log-file=stdout', '--simple-log',
    `--listening-ip=127.0.0.1`, `--listening-port=${port}`, '--relay-ip=127.0.0.1', '--min-port=49160', '--max-port=49999',
    '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=peer-rooms.test',
    '--no-tls', '--no-dtls', `--pidfile=${join(dir, 'pid')}`, `--userdb=${join(dir, 'turndb')}`
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => { if (l.includes('UDP listener opened on')) resolve() })
    void exited.then(() => { reject(new Error('turnserver exited before listening')) })
  })
  return {
    port,
    stop: async () => {
      if (child.exitCode == null && child.signalCode == null) child.kill('SIGTERM')
      await exited
    }
  }
}
