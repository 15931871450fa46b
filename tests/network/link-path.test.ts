import { describe, expect, it } from 'vitest'
import { relayOfCircuit } from '../../src/network/link-path.ts'
import { settledWithin } from '../../src/network/settled-within.ts'

describe('the relay a circuit goes through', () => {
  it('is the peer id before /p2p-circuit, whatever the relay address', () => {
    expect(relayOfCircuit('/dns4/relay0.lab/tcp/443/wss/p2p/12D3KooWRelay/p2p-circuit/p2p/12D3KooWPeer')).toBe('12D3KooWRelay')
    expect(relayOfCircuit('/p2p/12D3KooWMember/p2p-circuit/p2p/12D3KooWPeer')).toBe('12D3KooWMember')
  })
  it('is unknown for an address that is no circuit, or names no relay', () => {
    expect(relayOfCircuit('/webrtc/p2p/12D3KooWPeer')).toBeUndefined()
    expect(relayOfCircuit('/p2p-circuit/p2p/12D3KooWPeer')).toBeUndefined()
  })
})

describe('settledWithin', () => {
  it('gives the value of a promise that settles in time, undefined for one still pending, and passes on a rejection', async () => {
    expect(await settledWithin(Promise.resolve(7), 1_000)).toBe(7)
    expect(await settledWithin(new Promise(() => {}), 5)).toBeUndefined()
    await expect(settledWithin(Promise.reject(new Error('refused')), 1_000)).rejects.toThrow('refused')
  })
})
