import { describe, expect, it } from 'vitest'
import { checkNetworkConfig, parseNetworkConfig, DEFAULT_NETWORK_CONFIG } from '../../src/network/config.ts'

const PEER = '12D3KooWEU1p7tSBVrVZpCHuN2D3JJPfPny13FFHpRLVBD35ATr6'
const WSS = `/dns4/relay.example.org/tcp/443/wss/p2p/${PEER}`

describe('network config (/config.json)', () => {
  it('reads bootstrap, profile and ICE servers', () => {
    expect(parseNetworkConfig({ bootstrap: [`/ip4/127.0.0.1/tcp/9090/ws/p2p/${PEER}`], profile: 'loopback', iceServers: [{ urls: 'stun:example.org' }] }))
      .toEqual({ bootstrap: [`/ip4/127.0.0.1/tcp/9090/ws/p2p/${PEER}`], profile: 'loopback', iceServers: [{ urls: 'stun:example.org' }] })
  })

  it('reads an RTCPeerConnection budget when it is a positive integer, and ignores it otherwise', () => {
    expect(parseNetworkConfig({ bootstrap: [], rtcConnectionBudget: 40 })).toEqual({ bootstrap: [], profile: 'default', rtcConnectionBudget: 40 })
    for (const junk of [0, -3, 2.5, '40', null]) expect(parseNetworkConfig({ bootstrap: [], rtcConnectionBudget: junk })).toEqual({ bootstrap: [], profile: 'default' })
  })

  it('reads the TURN credentials URL, dnsaddr domains and DoH resolvers', () => {
    expect(parseNetworkConfig({ bootstrap: [WSS], turnCredentialsUrl: 'https://relay.example.org:8443/turn-credentials', dnsaddr: ['rooms.example.org'], dohResolvers: ['https://doh.example/dns-query'] }))
      .toEqual({ bootstrap: [WSS], profile: 'default', turnCredentialsUrl: 'https://relay.example.org:8443/turn-credentials', dnsaddr: ['rooms.example.org'], dohResolvers: ['https://doh.example/dns-query'] })
  })

  it('falls back field by field on junk, never to the loopback profile, and says what it dropped', () => {
    expect(parseNetworkConfig(null)).toEqual(DEFAULT_NETWORK_CONFIG)
    const report = checkNetworkConfig({ bootstrap: [1, WSS, '/dns4/a/tcp/443/wss/p2p/X', '/dns4/a/tcp/443/wss', 'junk'], profile: 'LOOPBACK', iceServers: [{ urls: 3 }], turnCredentialsUrl: 'javascript:alert(1)', bootstap: [] })
    expect(report.config).toEqual({ bootstrap: [WSS], profile: 'default', iceServers: [] })
    expect(report.problems).toEqual([
      'unknown field "bootstap" (known: bootstrap, iceServers, profile, rtcConnectionBudget, turnCredentialsUrl, dnsaddr, dohResolvers)',
      'profile "LOOPBACK" is unknown; using "default"',
      'bootstrap[0] is not a string',
      'bootstrap[2] "/dns4/a/tcp/443/wss/p2p/X" has an invalid peer id',
      'bootstrap[3] "/dns4/a/tcp/443/wss" does not end in /p2p/<peer id> (the relay prints its full address)',
      'bootstrap[4] "junk" is not a multiaddr',
      'iceServers[0] has no "urls" (a string or a list of strings)',
      'turnCredentialsUrl must be an http(s) URL'
    ])
    expect(checkNetworkConfig([]).problems).toEqual(['the config is not a JSON object'])
  })

  it('keeps a plain ws bootstrap address on the default profile but warns that browsers will not dial it', () => {
    const ws = `/dns4/relay.example.org/tcp/9090/ws/p2p/${PEER}`
    const report = checkNetworkConfig({ bootstrap: [ws] })
    expect(report.config.bootstrap).toEqual([ws])
    expect(report.problems[0]).toMatch(/plain ws/)
    expect(checkNetworkConfig({ bootstrap: [ws], profile: 'loopback' }).problems).toEqual([])
  })
})
