import { describe, expect, it } from 'vitest'
import { parseNetworkConfig, DEFAULT_NETWORK_CONFIG } from '../../src/network/config.ts'

describe('network config (/config.json)', () => {
  it('reads bootstrap, profile and ICE servers', () => {
    expect(parseNetworkConfig({ bootstrap: ['/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3KooWX'], profile: 'loopback', iceServers: [{ urls: 'stun:example.org' }] }))
      .toEqual({ bootstrap: ['/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3KooWX'], profile: 'loopback', iceServers: [{ urls: 'stun:example.org' }] })
  })

  it('reads an RTCPeerConnection budget when it is a positive integer, and ignores it otherwise', () => {
    expect(parseNetworkConfig({ bootstrap: [], rtcConnectionBudget: 40 })).toEqual({ bootstrap: [], profile: 'default', rtcConnectionBudget: 40 })
    for (const junk of [0, -3, 2.5, '40', null]) expect(parseNetworkConfig({ bootstrap: [], rtcConnectionBudget: junk })).toEqual({ bootstrap: [], profile: 'default' })
  })

  it('falls back field by field on junk, and never to the loopback profile', () => {
    expect(parseNetworkConfig(null)).toEqual(DEFAULT_NETWORK_CONFIG)
    expect(parseNetworkConfig({ bootstrap: [1, '/dns4/a/tcp/443/wss/p2p/X'], profile: 'LOOPBACK', iceServers: [{ urls: 3 }] }))
      .toEqual({ bootstrap: ['/dns4/a/tcp/443/wss/p2p/X'], profile: 'default', iceServers: [] })
  })
})
