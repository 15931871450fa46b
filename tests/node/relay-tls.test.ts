// The relay serving wss itself: a real relay process with a self-signed certificate, dialled by a
// real libp2p client over wss, its announced /dns4 address, and certificate reload on SIGHUP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:tls'
import { get } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pingOnce } from './support/ping-client.ts'
import { startRelayCli, type RelayCli } from './support/relay-cli.ts'
import { makeTestCert, type TestCert } from './support/certs.ts'
import { freePort } from './support/ports.ts'
import { installOptionedWebSocket, setWebSocketOptions } from './support/websocket.ts'

async function getJson (url: string, ca: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => { body += d.toString() })
      res.on('end', () => { resolve(JSON.parse(body)) })
    }).on('error', reject)
  })
}

/** The organisation in the certificate a TLS handshake to localhost (with SNI) presents. */
async function servedCertOrg (port: number, ca: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca }, () => {
      const org = socket.getPeerCertificate().subject.O
      socket.end()
      resolve(Array.isArray(org) ? org.join() : org ?? '')
    })
    socket.on('error', reject)
  })
}

describe('relay with its own TLS certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-tls-'))
  let first: TestCert
  let second: TestCert
  let relay: RelayCli
  let port: number
  let restoreWebSocket: () => void

  beforeAll(async () => {
    first = makeTestCert(dir, 'first')
    second = makeTestCert(dir, 'second')
    // the relay reads the live pair from these paths, as from certbot's live/ directory
    copyFileSync(first.certFile, join(dir, 'live.crt'))
    copyFileSync(first.keyFile, join(dir, 'live.key'))
    port = await freePort()
    relay = await startRelayCli([
      '--port', String(port), '--tls-cert', join(dir, 'live.crt'), '--tls-key', join(dir, 'live.key'),
      '--public-name', 'localhost', '--public-port', String(port), '--profile', 'loopback'
    ])
    restoreWebSocket = installOptionedWebSocket()
  }, 60_000)
  afterAll(async () => {
    restoreWebSocket()
    await relay.stop()
  })

  it('announces and reports the /dns4/<name>/tcp/<port>/wss address browsers dial', async () => {
    const expected = `/dns4/localhost/tcp/${port}/wss/p2p/${relay.peerId}`
    expect(relay.multiaddr).toBe(expected)
    expect(relay.healthUrl).toMatch(/^https:/)
    const health = await getJson(relay.healthUrl, first.cert) as { multiaddrs: string[], tls: boolean }
    expect(health).toMatchObject({ multiaddrs: [expected], tls: true })
  })

  it('accepts a libp2p dial over wss to its announced address', async () => {
    setWebSocketOptions({ ca: first.cert })
    expect(await pingOnce(relay.multiaddr)).toContain('/wss')
  })

  it('serves a renewed certificate after SIGHUP, and keeps the old one when the new files are broken', async () => {
    expect(await servedCertOrg(port, [first.cert, second.cert])).toBe('first')
    copyFileSync(second.certFile, join(dir, 'live.crt'))
    copyFileSync(second.keyFile, join(dir, 'live.key'))
    relay.signal('SIGHUP')
    await relay.line(/^relay tls reloaded$/)
    expect(await servedCertOrg(port, [first.cert, second.cert])).toBe('second')

    writeFileSync(join(dir, 'live.key'), 'not a key')
    relay.signal('SIGHUP')
    await relay.line(/^relay tls reload failed/)
    expect(await servedCertOrg(port, [first.cert, second.cert])).toBe('second')
  })
})
