// TURN without a long-lived secret in the page: the relay mints TURN REST API credentials, a real
// coturn checks them, and a real Chromium allocates a relay candidate with them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from '@playwright/test'
import { chromiumLaunchOptions } from '../../e2e/support/chromium.ts'
import { startRelayCli, type RelayCli } from './support/relay-cli.ts'
import { startCoturn, type Coturn } from './support/coturn.ts'
import { mintTurnCredentials, type TurnCredentials } from '../../src/node/turn-credentials.ts'

const SECRET = 'a shared secret only the relay and coturn know'

/** The candidate types a page gathers with only these TURN servers and iceTransportPolicy 'relay'. */
async function relayCandidateTypes (browser: Browser, creds: TurnCredentials): Promise<string[]> {
  const page = await browser.newPage()
  try {
    return await page.evaluate(async (server) => {
      const pc = new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: 'relay' })
      const types: string[] = []
      const done = new Promise<void>((resolve) => {
        pc.onicecandidate = (e) => { if (e.candidate == null) resolve(); else types.push(e.candidate.type ?? 'unknown') }
      })
      pc.createDataChannel('probe')
      await pc.setLocalDescription(await pc.createOffer())
      await done
      pc.close()
      return types
    }, { urls: [...creds.urls], username: creds.username, credential: creds.credential })
  } finally {
    await page.close()
  }
}

describe('TURN credentials minted by the relay', () => {
  let coturn: Coturn
  let relay: RelayCli
  let browser: Browser
  beforeAll(async () => {
    coturn = await startCoturn(SECRET)
    const dir = mkdtempSync(join(tmpdir(), 'relay-turn-'))
    writeFileSync(join(dir, 'turn-secret'), SECRET, { mode: 0o600 })
    relay = await startRelayCli(['--profile', 'loopback', '--turn-secret-file', join(dir, 'turn-secret'), '--turn-url', `turn:127.0.0.1:${coturn.port}?transport=udp`, '--turn-ttl', '600'])
    browser = await chromium.launch(chromiumLaunchOptions())
  }, 60_000)
  afterAll(async () => {
    await browser.close()
    await relay.stop()
    await coturn.stop()
  })

  it('serves short-lived credentials at /turn-credentials that coturn accepts for an allocation', async () => {
    const url = relay.healthUrl.replace('/health', '/turn-credentials')
    expect(await relay.line(/^relay turn-credentials /)).toBe(`relay turn-credentials ${url}`)
    const res = await fetch(url)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const creds = await res.json() as TurnCredentials
    expect(creds).toMatchObject({ urls: [`turn:127.0.0.1:${coturn.port}?transport=udp`], ttl: 600 })
    const expiry = Number(creds.username.split(':')[0])
    expect(expiry).toBeGreaterThan(Date.now() / 1000)
    expect(expiry).toBeLessThanOrEqual(Date.now() / 1000 + 600)
    // the secret itself is never served
    expect(JSON.stringify(creds)).not.toContain(SECRET)
    expect(await relayCandidateTypes(browser, creds)).toContain('relay')
  }, 120_000)

  it('gets no allocation with credentials minted under another secret, or already expired', async () => {
    const urls = [`turn:127.0.0.1:${coturn.port}?transport=udp`]
    const forged = mintTurnCredentials({ secret: 'a guess', urls, ttlSeconds: 600 })
    expect(await relayCandidateTypes(browser, forged)).toEqual([])
    const expired = mintTurnCredentials({ secret: SECRET, urls, ttlSeconds: 600 }, Date.now() - 3_600_000)
    expect(await relayCandidateTypes(browser, expired)).toEqual([])
  }, 120_000)
})
