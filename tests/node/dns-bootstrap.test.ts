// Layered bootstrap's DNS fallback: dnsaddr TXT records read through DNS-over-HTTPS from local
// resolvers (a real HTTP server speaking the JSON API), hostile answers included.
import { afterEach, describe, expect, it } from 'vitest'
import { resolveDnsBootstrap } from '../../src/network/dns-bootstrap.ts'
import { startDohServer, type DohServer } from './support/doh-server.ts'

const A = '12D3KooWEU1p7tSBVrVZpCHuN2D3JJPfPny13FFHpRLVBD35ATr6'
const B = '12D3KooWBa4UHPj6LY6R5mKjxPZFzqdJ3xdW6R8K2cioNUXd69jN'
const wss = (host: string, peer: string): string => `/dns4/${host}/tcp/443/wss/p2p/${peer}`

describe('DNS bootstrap over DoH', () => {
  const servers: DohServer[] = []
  const start = async (...args: Parameters<typeof startDohServer>): Promise<DohServer> => {
    const s = await startDohServer(...args)
    servers.push(s)
    return s
  }
  afterEach(async () => { for (const s of servers.splice(0)) await s.close() })

  it('reads bootstrap addresses from _dnsaddr TXT records, quoted as resolvers send them, and follows nested dnsaddr names', async () => {
    const doh = await start({
      '_dnsaddr.rooms.example': [`"dnsaddr=${wss('a.example', A)}"`, '"dnsaddr=/dnsaddr/more.example"', '"v=spf1 -all"'],
      '_dnsaddr.more.example': [`dnsaddr=${wss('b.example', B)}`]
    })
    const result = await resolveDnsBootstrap({ domains: ['rooms.example'], resolvers: [doh.url] })
    expect([...result.addrs].sort()).toEqual([wss('a.example', A), wss('b.example', B)].sort())
    expect(result.problems).toEqual([])
  })

  it('falls back to the next resolver when one fails', async () => {
    const broken = await start({}, 503)
    const good = await start({ '_dnsaddr.rooms.example': [`"dnsaddr=${wss('a.example', A)}"`] })
    const result = await resolveDnsBootstrap({ domains: ['rooms.example'], resolvers: [broken.url, good.url] })
    expect(result.addrs).toEqual([wss('a.example', A)])
    expect(broken.queries).toEqual(['_dnsaddr.rooms.example'])
    expect(good.queries).toEqual(['_dnsaddr.rooms.example'])
  })

  it('drops hostile answers without throwing: garbage, addresses without a peer id, loops, floods', async () => {
    const flood = Array.from({ length: 500 }, (_, i) => `"dnsaddr=${wss(`h${i}.example`, A)}"`)
    const doh = await start({
      '_dnsaddr.bad.example': ['"dnsaddr=not a multiaddr"', '"dnsaddr=/dns4/x.example/tcp/443/wss"', `"dnsaddr=/dns4/x.example/tcp/443/wss/p2p/notapeer"`, '"dnsaddr=/dnsaddr/bad.example"', 'x'.repeat(5000)],
      '_dnsaddr.flood.example': flood
    })
    const bad = await resolveDnsBootstrap({ domains: ['bad.example'], resolvers: [doh.url] })
    expect(bad.addrs).toEqual([])
    expect(bad.problems.length).toBeGreaterThan(0)
    // the loop back to bad.example is asked once
    expect(doh.queries.filter((q) => q === '_dnsaddr.bad.example')).toHaveLength(1)
    const flooded = await resolveDnsBootstrap({ domains: ['flood.example'], resolvers: [doh.url] })
    expect(flooded.addrs).toHaveLength(16)
  })

  it('reports a domain no resolver can answer', async () => {
    const doh = await start({})
    const result = await resolveDnsBootstrap({ domains: ['missing.example'], resolvers: [doh.url] })
    expect(result.addrs).toEqual([])
    expect(result.problems[0]).toMatch(/^no dnsaddr records for missing\.example/)
  })
})
