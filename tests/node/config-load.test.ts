// loadNetworkConfig against real servers: a static host's /config.json, a real relay minting TURN
// credentials, and a local DoH resolver holding dnsaddr records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadNetworkConfig } from '../../src/network/config.ts'
import { startRelayCli, type RelayCli } from './support/relay-cli.ts'
import { startDohServer, type DohServer } from './support/doh-server.ts'

const PEER = '12D3KooWBa4UHPj6LY6R5mKjxPZFzqdJ3xdW6R8K2cioNUXd69jN'
const FROM_DNS = `/dns4/b.example/tcp/443/wss/p2p/${PEER}`

describe('loading /config.json', () => {
  let relay: RelayCli
  let doh: DohServer
  let host: Server
  let base: string
  const files = new Map<string, string>()

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-load-'))
    writeFileSync(join(dir, 'secret'), 'sesame')
    relay = await startRelayCli(['--profile', 'loopback', '--turn-secret-file', join(dir, 'secret'), '--turn-url', 'turn:127.0.0.1:3478'])
    doh = await startDohServer({ '_dnsaddr.rooms.example': [`"dnsaddr=${FROM_DNS}"`] })
    host = createServer((req, res) => {
      const body = files.get(req.url ?? '')
      if (body == null) res.writeHead(404).end()
      else res.writeHead(200, { 'content-type': 'application/json' }).end(body)
    })
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(host.address() as { port: number }).port}`
  }, 60_000)
  afterAll(async () => {
    host.close()
    await doh.close()
    await relay.stop()
  })

  it('adds minted TURN credentials to the ICE servers and dnsaddr addresses to the bootstrap list', async () => {
    files.set('/good.json', JSON.stringify({
      bootstrap: [relay.multiaddr],
      profile: 'loopback',
      turnCredentialsUrl: relay.healthUrl.replace('/health', '/turn-credentials'),
      dnsaddr: ['rooms.example'],
      dohResolvers: [doh.url]
    }))
    const { config, problems } = await loadNetworkConfig(`${base}/good.json`)
    expect(problems).toEqual([])
    expect(config.bootstrap).toEqual([relay.multiaddr, FROM_DNS])
    expect(config.iceServers).toHaveLength(1)
    const turn = config.iceServers?.[0]
    expect(turn?.urls).toEqual(['turn:127.0.0.1:3478'])
    expect(turn?.username).toMatch(/^\d+:[0-9a-f]+$/)
    expect(turn?.credential).toMatch(/^[A-Za-z0-9+/]{27}=$/)
  })

  it('says so in words when the file is missing, not JSON, or names nothing usable', async () => {
    expect((await loadNetworkConfig(`${base}/missing.json`)).problems).toEqual([expect.stringContaining('could not be loaded (HTTP 404)')])
    files.set('/broken.json', '{ "bootstrap": [')
    expect((await loadNetworkConfig(`${base}/broken.json`)).problems).toEqual([expect.stringContaining('could not be read')])
    files.set('/empty.json', JSON.stringify({ bootstrap: ['/dns4/x/tcp/443/wss'], turnCredentialsUrl: `${base}/nothing-here` }))
    const { config, problems } = await loadNetworkConfig(`${base}/empty.json`)
    expect(config.bootstrap).toEqual([])
    expect(problems).toEqual([
      expect.stringContaining('does not end in /p2p/<peer id>'),
      expect.stringContaining(`TURN credentials could not be fetched from ${base}/nothing-here (HTTP 404)`),
      expect.stringContaining('names no usable bootstrap node')
    ])
  })
})
