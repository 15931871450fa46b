import { describe, expect, it } from 'vitest'
import { multiaddr } from '@multiformats/multiaddr'
import { RelayOptionsError, parseRelayOptions } from '../../src/node/relay-options.ts'
import { ipKeyOf } from '../../src/node/relay-limits.ts'

describe('relay options (flags and RELAY_* env)', () => {
  it('takes flags over env, and announces /dns4/<name>/tcp/<port>/wss for --public-name', () => {
    const o = parseRelayOptions(['--port', '9443', '--public-name', 'relay.example.org', '--max-reservations-per-ip', '3'], { RELAY_PORT: '1', RELAY_PUBLIC_PORT: '9443', RELAY_CIRCUIT_DATA: '4096' })
    expect(o).toMatchObject({ port: 9443, healthPort: 9444, announce: ['/dns4/relay.example.org/tcp/9443/wss'], profile: 'default' })
    expect(o.limits).toMatchObject({ maxReservationsPerIp: 3, maxConnectionsPerIp: 32, circuitDataBytes: 4096n })
  })

  it('turns the per-IP caps off by default on the loopback profile, where every tab shares one address', () => {
    expect(parseRelayOptions(['--profile', 'loopback'], {}).limits).toMatchObject({ maxReservationsPerIp: 0, maxConnectionsPerIp: 0 })
    expect(parseRelayOptions(['--profile', 'loopback', '--max-reservations-per-ip', '2'], {}).limits.maxReservationsPerIp).toBe(2)
  })

  it('refuses bad values with a named error that says which flag', () => {
    expect(() => parseRelayOptions(['--port', '70000'], {})).toThrow(RelayOptionsError)
    expect(() => parseRelayOptions([], { RELAY_MAX_RESERVATIONS: 'many' })).toThrow(/--max-reservations \(RELAY_MAX_RESERVATIONS\)/)
    expect(() => parseRelayOptions(['--tls-cert', 'a.pem'], {})).toThrow(/--tls-cert and --tls-key go together/)
    expect(() => parseRelayOptions(['--turn-url', 'turn:x:3478'], {})).toThrow(/TURN secret/)
    expect(() => parseRelayOptions(['--profile', 'lan'], {})).toThrow(/--profile/)
    expect(() => parseRelayOptions(['--bogus'], {})).toThrow(RelayOptionsError)
  })

  it('counts an IPv6 /64 as one address for the per-IP caps', () => {
    expect(ipKeyOf(multiaddr('/ip4/203.0.113.7/tcp/1/ws'))).toBe('203.0.113.7')
    expect(ipKeyOf(multiaddr('/ip6/2001:db8:0:1::5/tcp/1/ws'))).toBe(ipKeyOf(multiaddr('/ip6/2001:db8:0:1:ffff::9/tcp/1/ws')))
    expect(ipKeyOf(multiaddr('/ip6/2001:db8:0:1::5/tcp/1/ws'))).not.toBe(ipKeyOf(multiaddr('/ip6/2001:db8:0:2::5/tcp/1/ws')))
    expect(ipKeyOf(multiaddr('/p2p-circuit'))).toBeUndefined()
  })
})
