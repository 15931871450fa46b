import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { RecordTooLargeError } from '../../src/core/errors.ts'
import { RejectReason } from '../../src/core/result.ts'
import { SYNC_MESSAGE_MAX_BYTES, type SyncMessage, decodeSyncMessage, encodeSyncMessage } from '../../src/core/sync/messages.ts'
import type { AuthorId, ChannelId } from '../../src/core/types.ts'
import { author, chain, channel, channelNamed, room } from '../feed/helpers.ts'

const [e1, e2] = await chain(author(0), 2)
const hashes = fc.subarray([e1!.stored.hash, e2!.stored.hash])
const authorIds = fc.nat({ max: 5 }).map((n) => author(n).id)
const channels = fc.constantFrom(channel, channelNamed('random'))
const id = fc.nat({ max: 0xffffffff })
const clock = fc.uniqueArray(fc.tuple(authorIds, fc.integer({ min: 1, max: 1e6 })), { selector: ([a]) => a, maxLength: 4 })
  .map((pairs) => new Map<AuthorId, number>(pairs))

const messages: fc.Arbitrary<SyncMessage> = fc.oneof(
  fc.record({ heads: hashes, clocks: fc.uniqueArray(fc.tuple(channels, clock), { selector: ([c]) => c, maxLength: 2 }) })
    .map(({ heads, clocks }): SyncMessage => ({ t: 'hello', room, authorityHeads: heads, clocks: new Map<ChannelId, ReadonlyMap<AuthorId, number>>(clocks) })),
  fc.record({ id, hashes }).map(({ id, hashes }): SyncMessage => ({ t: 'auth-by-hash', id, hashes })),
  fc.record({ id, heads: hashes }).map(({ id, heads }): SyncMessage => ({ t: 'auth-after', id, heads })),
  fc.record({ id, channel: channels, author: authorIds, from: fc.integer({ min: 1, max: 1000 }), n: fc.nat({ max: 1000 }) })
    .map(({ id, channel, author, from, n }): SyncMessage => ({ t: 'range', id, channel, author, fromSeq: from, toSeq: from + n })),
  fc.record({ id, withPayload: fc.boolean() }).map(({ id, withPayload }): SyncMessage =>
    ({ t: 'entries', id, entries: [{ entry: e1!.envelope.entry, payload: withPayload ? e1!.envelope.payload : null }] })),
  fc.record({ id, entries: fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 3 }) }).map(({ id, entries }): SyncMessage => ({ t: 'auth-entries', id, entries })),
  id.map((id): SyncMessage => ({ t: 'done', id })),
  fc.record({ id, message: fc.string({ maxLength: 100 }) }).map(({ id, message }): SyncMessage => ({ t: 'error', id, code: 'busy', message }))
)

describe('sync message codecs', () => {
  it('round-trip every message type', () => {
    fc.assert(fc.property(messages, (m) => {
      expect(decodeSyncMessage(encodeSyncMessage(m))).toEqual({ ok: true, value: m })
    }), { numRuns: 300 })
  })

  it('never throw on arbitrary bytes or arbitrary CBOR values', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      expect(typeof decodeSyncMessage(bytes).ok).toBe('boolean')
    }), { numRuns: 500 })
    fc.assert(fc.property(fc.record({ v: fc.constant(1), t: fc.constantFrom('hello', 'range', 'entries', 'done', 'error'), id: fc.anything(), entries: fc.anything() }, { requiredKeys: ['v', 't'] }), (value) => {
      let bytes: Uint8Array
      try { bytes = encodeCanonical(value) } catch { return }
      expect(typeof decodeSyncMessage(bytes).ok).toBe('boolean')
    }), { numRuns: 300 })
  })

  it('reject a null envelope in an entries batch instead of throwing (found by the property above)', () => {
    const bytes = encodeCanonical({ v: 1, t: 'entries', id: 0, entries: [null] })
    expect(decodeSyncMessage(bytes)).toMatchObject({ ok: false, reason: RejectReason.Malformed })
  })

  it('enforce the 1 MiB limit both ways', () => {
    const big = new Uint8Array(SYNC_MESSAGE_MAX_BYTES)
    expect(() => encodeSyncMessage({ t: 'auth-entries', id: 1, entries: [big] })).toThrow(RecordTooLargeError)
    const oversized = encodeCanonical({ v: 1, t: 'auth-entries', id: 1, entries: [big] })
    expect(decodeSyncMessage(oversized)).toMatchObject({ ok: false, reason: RejectReason.TooLarge })
  })

  it('read a message in another byte form of the same value, and refuse what strict DAG-CBOR refuses', () => {
    // { v: 1, t: 'done', id: 3 } with its keys in written order (canonical puts t before v): read.
    const unsorted = new Uint8Array([0xa3, 0x61, 0x76, 0x01, 0x61, 0x74, 0x64, 0x64, 0x6f, 0x6e, 0x65, 0x62, 0x69, 0x64, 0x03])
    expect(decodeSyncMessage(unsorted)).toEqual({ ok: true, value: { t: 'done', id: 3 } })
    // id 3 as a one-byte integer (0x18 0x03): not the shortest form.
    const longInt = new Uint8Array([0xa3, 0x61, 0x74, 0x64, 0x64, 0x6f, 0x6e, 0x65, 0x61, 0x76, 0x01, 0x62, 0x69, 0x64, 0x18, 0x03])
    // an indefinite-length map
    const indefinite = new Uint8Array([0xbf, 0x61, 0x74, 0x64, 0x64, 0x6f, 0x6e, 0x65, 0x61, 0x76, 0x01, 0x62, 0x69, 0x64, 0x03, 0xff])
    // the key t twice
    const twice = new Uint8Array([0xa4, 0x61, 0x74, 0x64, 0x64, 0x6f, 0x6e, 0x65, 0x61, 0x74, 0x64, 0x64, 0x6f, 0x6e, 0x65, 0x61, 0x76, 0x01, 0x62, 0x69, 0x64, 0x03])
    for (const bytes of [longInt, indefinite, twice]) expect(decodeSyncMessage(bytes)).toMatchObject({ ok: false, reason: RejectReason.Malformed })
  })

  it('reject unknown types, extra fields and empty or reversed ranges', () => {
    const range = { v: 1, t: 'range', id: 1, channel, author: author(0).publicKey, fromSeq: 5, toSeq: 9 }
    expect(decodeSyncMessage(encodeCanonical(range)).ok).toBe(true)
    expect(decodeSyncMessage(encodeCanonical({ ...range, toSeq: 4 })).ok).toBe(false)
    expect(decodeSyncMessage(encodeCanonical({ ...range, fromSeq: 0 })).ok).toBe(false)
    expect(decodeSyncMessage(encodeCanonical({ ...range, extra: true })).ok).toBe(false)
    expect(decodeSyncMessage(encodeCanonical({ ...range, author: new Uint8Array(31) })).ok).toBe(false)
    expect(decodeSyncMessage(encodeCanonical({ v: 1, t: 'gossip', id: 1 })).ok).toBe(false)
    expect(decodeSyncMessage(encodeCanonical({ v: 2, t: 'done', id: 1 })).ok).toBe(false)
    expect(decodeSyncMessage(encodeCanonical({ v: 1, t: 'entries', id: 1, entries: [{ entry: 'x', payload: null }] })).ok).toBe(false)
  })
})
