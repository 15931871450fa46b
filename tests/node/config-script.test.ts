// `npm run config` as operators run it: flags in, a checked config.json out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startRelayCli, type RelayCli } from './support/relay-cli.ts'

const root = join(import.meta.dirname, '..', '..')
const PEER = '12D3KooWBa4UHPj6LY6R5mKjxPZFzqdJ3xdW6R8K2cioNUXd69jN'

async function runConfig (args: readonly string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/config.ts', ...args], { cwd: root })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('npm run config', () => {
  let relay: RelayCli
  beforeAll(async () => { relay = await startRelayCli(['--public-name', 'relay.example.org']) }, 60_000)
  afterAll(async () => { await relay.stop() })

  it('writes the bootstrap list read from a running relay\'s /health, TURN and DNS settings', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'config-script-')), 'config.json')
    const run = await runConfig(['--relay-health', relay.healthUrl, '--turn', 'https://relay.example.org:9091/turn-credentials', '--stun', 'stun:relay.example.org:3478', '--dnsaddr', 'rooms.example.org', '--out', out])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({
      bootstrap: [`/dns4/relay.example.org/tcp/443/wss/p2p/${relay.peerId}`],
      profile: 'default',
      iceServers: [{ urls: 'stun:relay.example.org:3478' }],
      turnCredentialsUrl: 'https://relay.example.org:9091/turn-credentials',
      dnsaddr: ['rooms.example.org']
    })
  })

  it('refuses to write a config with problems, naming each', async () => {
    const run = await runConfig(['--bootstrap', '/dns4/relay.example.org/tcp/443/wss', '--bootstrap', `/dns4/relay.example.org/tcp/443/wss/p2p/${PEER}`, '--turn', 'ftp://x', '--out', '-'])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('bootstrap[0] "/dns4/relay.example.org/tcp/443/wss" does not end in /p2p/<peer id>')
    expect(run.stderr).toContain('turnCredentialsUrl must be an http(s) URL')
    expect(run.stderr).toContain('nothing written')
  })
})
