import { describe, expect, it } from 'vitest'
import { createDeliveryTracker } from '../../src/client/delivery.ts'
import { asChannelId, asEntryHash } from '../../src/core/types.ts'

const general = asChannelId('general')
const other = asChannelId('other')
const h = (n: number) => asEntryHash(`hash-${n}`)

describe('the delivery mark of our own messages', () => {
  it('starts from the GossipSub recipients and rises as peers are seen holding the message', () => {
    const d = createDeliveryTracker()
    d.sent(h(1), general, 1, 0)
    d.sent(h(2), general, 2, 0)
    expect(d.reached(h(1))).toBe(0)
    // A peer holding our feed up to seq 1 has message 1, not message 2.
    expect(d.peerHolds('p1', general, 1)).toBe(true)
    expect(d.reached(h(1))).toBe(1)
    expect(d.reached(h(2))).toBe(0)
    expect(d.peerHolds('p2', general, 2)).toBe(true)
    expect([d.reached(h(1)), d.reached(h(2))]).toEqual([2, 1])
  })

  it('counts a peer once, only in the message\'s channel, and never below the publish count', () => {
    const d = createDeliveryTracker()
    d.sent(h(1), general, 5, 3)
    expect(d.peerHolds('p1', other, 9)).toBe(false)
    expect(d.peerHolds('p1', general, 9)).toBe(false) // one holder is still below 3 recipients
    expect(d.peerHolds('p1', general, 9)).toBe(false)
    expect(d.reached(h(1))).toBe(3)
    d.peerHolds('p2', general, 5)
    d.peerHolds('p3', general, 5)
    d.peerHolds('p4', general, 5)
    expect(d.reached(h(1))).toBe(4)
  })

  it('knows nothing of messages it was not told of', () => {
    expect(createDeliveryTracker().reached(h(7))).toBeUndefined()
  })
})
