import { describe, expect, it } from 'vitest'
import { decodeCanonical, encodeCanonical } from '../../src/core/codec/canonical.ts'
import { hashOf, rawCidOf } from '../../src/core/codec/hash.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { asChannelId, asRoomId } from '../../src/core/types.ts'
import { signPresence, validatePresence } from '../../src/network/room-presence.ts'
import { roomTopics } from '../../src/network/room-topics.ts'
import { topicKeyOf } from '../../src/core/access/topic-key.ts'

const room = asRoomId(rawCidOf(new TextEncoder().encode('presence room')).toString())
const channel = asChannelId(hashOf(encodeCanonical({ channel: 'general' })))
const alice = signerFromSeed(new Uint8Array(32).fill(1))
const now = 1_800_000_000_000

describe('room presence notices', () => {
  it('a signed typing notice validates and names its author, peer and channel', async () => {
    const bytes = await signPresence(alice, { room, peer: '12D3KooWpeer', channel, ts: now })
    expect(await validatePresence(bytes, room, now)).toEqual({ ok: true, value: { room, author: alice.id, peer: '12D3KooWpeer', channel, ts: now } })
  })

  it('refuses a notice claiming another peer id, another room, a stale clock or garbage', async () => {
    const bytes = await signPresence(alice, { room, peer: '12D3KooWpeer', ts: now })
    const record = decodeCanonical<Record<string, unknown>>(bytes, 512)
    if (!record.ok) throw new Error('own notice must decode')
    const forged = encodeCanonical({ ...record.value, peer: '12D3KooWmallory' })
    expect(await validatePresence(forged, room, now)).toMatchObject({ ok: false, reason: 'bad-signature' })
    const other = asRoomId(rawCidOf(new TextEncoder().encode('other')).toString())
    expect(await validatePresence(bytes, other, now)).toMatchObject({ ok: false, reason: 'wrong-room' })
    expect(await validatePresence(bytes, room, now + 120_000)).toMatchObject({ ok: false, reason: 'unknown' })
    expect(await validatePresence(new Uint8Array([1, 2, 3]), room, now)).toMatchObject({ ok: false })
    expect(await validatePresence(new Uint8Array(600), room, now)).toMatchObject({ ok: false, reason: 'too-large' })
  })

  it('names a room\'s topics by its topic key, never by the room id an outsider knows', () => {
    const key = topicKeyOf(room, new Uint8Array(16).fill(3))
    const t = roomTopics(key)
    expect(new Set([t.authority, t.feed, t.presence, t.profile]).size).toBe(4)
    for (const topic of [t.authority, t.feed, t.presence, t.profile]) {
      expect(topic).toContain(key)
      expect(topic).not.toContain(room)
    }
    expect(roomTopics(topicKeyOf(room, new Uint8Array(16).fill(4))).feed).not.toBe(t.feed)
  })
})
