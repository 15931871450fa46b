import { describe, expect, it } from 'vitest'
import { NetworkState, type ConnectivitySnapshot, type MemberSnapshot, type PeerSnapshot } from '../../src/client/api.ts'
import { asAuthorId } from '../../src/core/types.ts'
import { othersOnlineText, roomStatus } from '../../src/ui/connectivity.ts'

const me = asAuthorId('a'.repeat(64))
const bob = asAuthorId('b'.repeat(64))
const carol = asAuthorId('c'.repeat(64))
const net = (state: NetworkState): ConnectivitySnapshot => ({ state, relays: [], dht: { routingTableSize: 0, mode: 'client' }, connections: 0 })
const member = (id: typeof me, online: boolean, banned = false): MemberSnapshot => ({ id, name: id.slice(0, 1), role: banned ? 'banned' : 'member', rank: 100, online, banned })
const peer: PeerSnapshot = { peerId: 'p1', author: bob, direct: true, link: 'direct' }
const members = [member(me, true), member(bob, true), member(carol, false)]

describe('roomStatus: one story for the status bar and the member list', () => {
  it('a connected peer of the room is "connected" and the members heard from are online', () => {
    const s = roomStatus(net(NetworkState.Connected), [peer], undefined, members, me)
    expect(s.state).toBe(NetworkState.Connected)
    expect([...s.online].sort()).toEqual([me, bob])
    expect(s.othersOnline).toBe(1)
  })

  it('with no peer of the room, nobody else is shown online, whatever stale presence says', () => {
    for (const state of [NetworkState.Connected, NetworkState.Offline, NetworkState.BootstrapUnreachable, NetworkState.Starting]) {
      const s = roomStatus(net(state), [], undefined, members, me)
      expect(s.othersOnline).toBe(0)
      expect([...s.online]).toEqual([me])
    }
  })

  it('names why nobody is here: no peers on a working network, offline, relay unreachable, connecting', () => {
    expect(roomStatus(net(NetworkState.Connected), [], undefined, members, me).state).toBe(NetworkState.NoPeers)
    expect(roomStatus(net(NetworkState.NoPeers), [], undefined, members, me).state).toBe(NetworkState.NoPeers)
    expect(roomStatus(net(NetworkState.Offline), [], undefined, members, me).state).toBe(NetworkState.Offline)
    expect(roomStatus(net(NetworkState.BootstrapUnreachable), [], undefined, members, me).state).toBe(NetworkState.BootstrapUnreachable)
    expect(roomStatus(net(NetworkState.Starting), [], undefined, members, me).state).toBe(NetworkState.Starting)
  })

  it('peers that still talk to us make the room connected even when the browser reports no network (a LAN)', () => {
    expect(roomStatus(net(NetworkState.Offline), [peer], undefined, members, me).state).toBe(NetworkState.Connected)
  })

  it('a banned member is never counted online', () => {
    const s = roomStatus(net(NetworkState.Connected), [peer], undefined, [member(me, true), member(bob, true, true)], me)
    expect(s.othersOnline).toBe(0)
  })

  it('shows sync progress only when there is something to fetch, never "0 / 0"', () => {
    expect(roomStatus(net(NetworkState.Connected), [peer], { active: true, received: 0, expected: 0 }, members, me).syncing).toBeUndefined()
    expect(roomStatus(net(NetworkState.Connected), [peer], { active: false, received: 3, expected: 9 }, members, me).syncing).toBeUndefined()
    expect(roomStatus(net(NetworkState.Connected), [peer], { active: true, received: 12, expected: 9 }, members, me).syncing).toEqual({ received: 9, expected: 9 })
  })

  it('words the count the member list shows', () => {
    expect(othersOnlineText(0)).toBe('nobody else online')
    expect(othersOnlineText(1)).toBe('1 other online')
    expect(othersOnlineText(2)).toBe('2 others online')
  })
})
