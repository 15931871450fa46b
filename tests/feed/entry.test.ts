import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { decodeCanonical } from '../../src/core/codec/canonical.ts'
import { appendEntry } from '../../src/core/feed/append.ts'
import { CID } from 'multiformats/cid'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { FEED_ENTRY_MAX_BYTES, type FeedEntryRecord, parseEnvelope, signedBytesOf, signedBytesOfParsed } from '../../src/core/feed/entry.ts'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import { author, chain, channel, room } from './helpers.ts'
import { createAclViewTwin, startedMemoryStorage } from './twins.ts'

describe('feed entry format', () => {
  it('round-trips: what appendEntry signs, parseEnvelope reads back field for field', async () => {
    await fc.assert(fc.asyncProperty(
      fc.string({ minLength: 1, maxLength: 64 }),
      fc.uint8Array({ maxLength: 2000 }),
      fc.nat({ max: 2 ** 40 }),
      fc.nat({ max: 1_000_000 }),
      async (type, payload, ts, roomLamport) => {
        const made = await appendEntry(author(0), { room, channel, roomLamport, type, payload, ts })
        const parsed = parseEnvelope(made.envelope, room)
        expect(parsed.ok).toBe(true)
        if (!parsed.ok) return
        expect(parsed.value.hash).toBe(made.stored.hash)
        expect(parsed.value.entry).toMatchObject({ room, channel, author: author(0).id, seq: 1, prev: null, lamport: roomLamport + 1, ts, type, payloadSize: payload.byteLength })
        expect(decodeCanonical(made.envelope.entry, FEED_ENTRY_MAX_BYTES).ok).toBe(true)
      }
    ), { numRuns: 60 })
  })

  it('cuts the signed bytes out of the entry exactly as encoding the body would', async () => {
    const [e1] = await chain(author(0), 1)
    const ints = fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 70_000 }), fc.integer({ min: 1, max: 2 ** 33 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }))
    await fc.assert(fc.asyncProperty(ints, fc.oneof(fc.constant(0), ints), async (seq, ts) => {
      const body = { ...e1!.record, seq, ts, prev: seq === 1 ? null : CID.parse(e1!.stored.hash) }
      const record: FeedEntryRecord = { ...body, sig: await author(0).sign(signedBytesOf(body)) }
      const parsed = parseEnvelope({ entry: encodeCanonical(record), payload: null }, room)
      expect(parsed.ok).toBe(true)
      if (parsed.ok) expect(signedBytesOfParsed(parsed.value)).toEqual(signedBytesOf(parsed.value.record))
    }), { numRuns: 200 })
  })

  it('continues the head: seq + 1, prev = head hash, lamport above both head and room', async () => {
    const [e1] = await chain(author(0), 1, { roomLamport: 10 })
    const next = await appendEntry(author(0), { room, channel, head: e1!.stored, roomLamport: 3, type: 't', payload: new Uint8Array() })
    expect(next.stored).toMatchObject({ seq: 2, lamport: 12 })
    expect(next.record.prev?.toString()).toBe(e1!.stored.hash)
  })

  it('detects every single bit flip in an entry (exhaustive over its bits)', async () => {
    const entries = await chain(author(0), 2)
    const target = entries[1]!
    const storage = await startedMemoryStorage()
    const ingest = createFeedIngest({ storage, acl: createAclViewTwin() }, { room, pendingLimit: 0 })
    await ingest.ingest([entries[0]!.envelope])
    let undetected = 0
    for (let bit = 0; bit < target.envelope.entry.byteLength * 8; bit++) {
      const flipped = new Uint8Array(target.envelope.entry)
      flipped[bit >> 3]! ^= 1 << (bit & 7)
      const result = await ingest.ingest([{ entry: flipped, payload: target.envelope.payload }])
      if (result.accepted.length > 0 || result.rejected.length !== 1) undetected++
    }
    expect(undetected).toBe(0)
    expect(await storage.feeds.count(channel)).toBe(1)
  })
})
