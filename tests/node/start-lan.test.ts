// `npm start -- --lan`: app and relay on the machine's LAN address over https, as another device
// on the network sees them (a real relay process; a libp2p client dials it over wss).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { get } from 'node:https'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { pingOnce } from './support/ping-client.ts'
import { freePort } from './support/ports.ts'
import { installOptionedWebSocket, setWebSocketOptions } from './support/websocket.ts'

const root = join(import.meta.dirname, '..', '..')
const lanIp = Object.values(networkInterfaces()).flat().find((a) => a?.family === 'IPv4' && !a.internal)?.address

async function getText (url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => { body += d.toString() })
      res.on('end', () => { resolve(body) })
    }).on('error', reject)
  })
}

describe('npm start -- --lan', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'start-lan-'))
  let child: ChildProcess
  let appUrl: string
  let port: number
  let restoreWebSocket: () => void

  beforeAll(async () => {
    expect(lanIp, 'this test needs a non-loopback IPv4 interface').toBeDefined()
    port = await freePort()
    child = spawn(process.execPath, ['scripts/start.mjs', '--lan', '--no-build'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), RELAY_PORT: String(await freePort()), RELAY_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit']
    })
    appUrl = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (l) => {
        const m = /^Peer Rooms is running on your network: (\S+)/.exec(l)
        if (m != null) resolve(m[1]!)
      })
      child.once('exit', (code) => { reject(new Error(`npm start --lan exited (${code})`)) })
    })
    restoreWebSocket = installOptionedWebSocket()
  }, 60_000)
  afterAll(async () => {
    restoreWebSocket()
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  })

  it('prints the https URL on the LAN address and serves a config naming its wss relay there', async () => {
    expect(appUrl).toBe(`https://${lanIp}:${port}/`)
    const ca = readFileSync(join(dataDir, 'lan-tls', `${lanIp}.crt`), 'utf8')
    const config = JSON.parse(await getText(`${appUrl}config.json`, ca)) as { bootstrap: string[], profile: string }
    expect(config.profile).toBe('loopback')
    expect(config.bootstrap).toHaveLength(1)
    expect(config.bootstrap[0]).toMatch(new RegExp(`^/ip4/${lanIp!.replaceAll('.', '\\.')}/tcp/\\d+/tls/ws/p2p/12D3Koo`))

    setWebSocketOptions({ ca })
    expect(await pingOnce(config.bootstrap[0]!)).toContain('/tls/ws')
  })
})
