import { describe, expect, it, vi } from 'vitest'
import { CID } from 'multiformats/cid'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { appendEntry } from '../../src/core/feed/append.ts'
import { FEED_PAYLOAD_MAX_BYTES, type FeedEntryRecord, payloadHashOf, signedBytesOf } from '../../src/core/feed/entry.ts'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import { RecordTooLargeError } from '../../src/core/errors.ts'
import { RejectReason } from '../../src/core/result.ts'
import { author, chain, channel, channelNamed, otherRoom, room } from './helpers.ts'
import { createAclViewTwin, startedMemoryStorage } from './twins.ts'

async function setup () {
  const storage = await startedMemoryStorage()
  const acl = createAclViewTwin()
  const ingest = createFeedIngest({ storage, acl }, { room, now: () => 42 })
  return { storage, feeds: storage.feeds, acl, ingest }
}

/** Re-signs a record after changing fields, so only the changed rule can fail. */
async function resign (record: FeedEntryRecord, change: Partial<FeedEntryRecord>, signer = author(0)) {
  const body = { ...record, ...change }
  const sig = await signer.sign(signedBytesOf(body))
  return encodeCanonical({ ...body, sig })
}

describe('feed ingest', () => {
  it('stores a valid chain in one putEntries call and announces it', async () => {
    const { storage, feeds, ingest } = await setup()
    const entries = await chain(author(0), 5)
    const announced: string[] = []
    ingest.on('accepted', (batch) => announced.push(...batch.map((e) => e.hash)))
    const result = await ingest.ingest([...entries].reverse().map((e) => e.envelope))
    expect(result.accepted.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
    expect(result.rejected).toEqual([])
    expect(storage.putCalls()).toBe(1)
    expect(announced).toEqual(entries.map((e) => e.stored.hash))
    expect((await feeds.heads(channel))[0]).toMatchObject({ author: author(0).id, seq: 5 })
    expect(result.accepted[0]!.receivedAt).toBe(42)
  })

  it('chain-checks concurrent calls on one feed in call order, whichever verifies first', async () => {
    const { ingest } = await setup()
    const entries = await chain(author(0), 40)
    const [first, second, third] = await Promise.all([
      ingest.ingest(entries.slice(0, 30).map((e) => e.envelope)),
      ingest.ingest(entries.slice(30, 35).map((e) => e.envelope)),
      ingest.ingest(entries.slice(35).map((e) => e.envelope))
    ])
    expect([first.accepted.length, second.accepted.length, third.accepted.length]).toEqual([30, 5, 5])
    expect(ingest.pendingCount).toBe(0)
  })

  it('reports duplicates, in the batch and already stored', async () => {
    const { ingest } = await setup()
    const [e1] = await chain(author(0), 1)
    const first = await ingest.ingest([e1!.envelope, e1!.envelope])
    expect(first.accepted).toHaveLength(1)
    expect(first.duplicates).toEqual([e1!.stored.hash])
    const again = await ingest.ingest([e1!.envelope])
    expect(again.accepted).toHaveLength(0)
    expect(again.duplicates).toEqual([e1!.stored.hash])
  })

  it('holds an entry whose predecessor is missing, and stores it when the predecessor arrives', async () => {
    const { feeds, ingest } = await setup()
    const [e1, e2, e3] = await chain(author(0), 3)
    const waiting = await ingest.ingest([e3!.envelope, e2!.envelope])
    expect(waiting.pending).toEqual([e2!.stored.hash, e3!.stored.hash])
    expect(ingest.pendingCount).toBe(2)
    expect(await feeds.count(channel)).toBe(0)
    const done = await ingest.ingest([e1!.envelope])
    expect(done.accepted.map((e) => e.seq)).toEqual([1, 2, 3])
    expect(ingest.pendingCount).toBe(0)
  })

  it('bounds the pending buffer', async () => {
    const ingest = createFeedIngest({ storage: await startedMemoryStorage(), acl: createAclViewTwin() }, { room, pendingLimit: 3 })
    const entries = await chain(author(0), 6)
    await ingest.ingest(entries.slice(1).map((e) => e.envelope))
    expect(ingest.pendingCount).toBe(3)
  })

  it('rejects a link to the wrong predecessor and a lamport that does not grow', async () => {
    const { ingest } = await setup()
    const [e1, e2] = await chain(author(0), 2)
    const [other1] = await chain(author(0), 1, { channel: channelNamed('elsewhere') })
    await ingest.ingest([e1!.envelope])
    const wrongPrev = await resign(e2!.record, { prev: CID.parse(other1!.stored.hash) })
    const flatLamport = await resign(e2!.record, { lamport: e1!.record.lamport })
    const result = await ingest.ingest([{ entry: wrongPrev, payload: null }, { entry: flatLamport, payload: null }])
    expect(result.rejected.map((r) => r.reason)).toEqual([RejectReason.BrokenChain, RejectReason.BrokenChain])
    expect(result.rejected.every((r) => !r.senderFault)).toBe(true)
  })

  it('rejects seq 1 with a prev, and seq > 1 without one', async () => {
    const { ingest } = await setup()
    const [e1, e2] = await chain(author(0), 2)
    const result = await ingest.ingest([
      { entry: await resign(e1!.record, { prev: CID.parse(e2!.stored.hash) }), payload: null },
      { entry: await resign(e2!.record, { prev: null }), payload: null }
    ])
    expect(result.rejected.map((r) => r.reason)).toEqual([RejectReason.Malformed, RejectReason.Malformed])
  })

  it('rejects a forged signature', async () => {
    const { ingest } = await setup()
    const [e1] = await chain(author(0), 1)
    const forged = await resign(e1!.record, {}, author(1))
    const result = await ingest.ingest([{ entry: forged, payload: e1!.envelope.payload }])
    expect(result.rejected).toMatchObject([{ reason: RejectReason.BadSignature, senderFault: true }])
  })

  it('rejects an oversized payload, and a payload that is not the signed one', async () => {
    const { ingest } = await setup()
    const [e1] = await chain(author(0), 1)
    const big = new Uint8Array(FEED_PAYLOAD_MAX_BYTES + 1)
    const claimsBig = await resign(e1!.record, { payloadHash: payloadHashOf(big), payloadSize: big.byteLength })
    const result = await ingest.ingest([
      { entry: claimsBig, payload: big },
      { entry: claimsBig, payload: null },
      { entry: e1!.envelope.entry, payload: new TextEncoder().encode('something else') }
    ])
    expect(result.rejected.map((r) => r.reason)).toEqual([RejectReason.TooLarge, RejectReason.TooLarge, RejectReason.Malformed])
    await expect(appendEntry(author(0), { room, channel, roomLamport: 0, type: 'x', payload: big })).rejects.toThrow(RecordTooLargeError)
  })

  it('accepts an entry whose payload is absent (deleted or not fetched)', async () => {
    const { feeds, ingest } = await setup()
    const [e1] = await chain(author(0), 1)
    const result = await ingest.ingest([{ entry: e1!.envelope.entry, payload: null }])
    expect(result.accepted).toHaveLength(1)
    expect((await feeds.getEntry(channel, author(0).id, 1))?.payload).toBeNull()
  })

  it('rejects entries of another room, oversized entries and garbage without throwing', async () => {
    const { ingest } = await setup()
    const [e1] = await chain(author(0), 1)
    const wrongRoom = await resign(e1!.record, { room: otherRoom })
    const result = await ingest.ingest([
      { entry: wrongRoom, payload: null },
      { entry: new Uint8Array(2000), payload: null },
      { entry: new Uint8Array([0xff, 0x00]), payload: null },
      null,
      'text',
      { entry: e1!.envelope.entry, payload: 7 }
    ])
    expect(result.rejected.map((r) => r.reason)).toEqual([
      RejectReason.WrongRoom, RejectReason.TooLarge, RejectReason.Malformed, RejectReason.Malformed, RejectReason.Malformed, RejectReason.Malformed
    ])
  })

  it('rejects a weak (small-order) author key', async () => {
    const { ingest } = await setup()
    const [e1] = await chain(author(0), 1)
    const identity = new Uint8Array(32)
    identity[0] = 1
    const weak = encodeCanonical({ ...e1!.record, author: identity, sig: new Uint8Array(64) })
    const result = await ingest.ingest([{ entry: weak, payload: null }])
    expect(result.rejected).toMatchObject([{ reason: RejectReason.WeakKey }])
  })

  it('rejects a banned author beyond the frontier and keeps what is at or below it', async () => {
    const { acl, ingest } = await setup()
    const entries = await chain(author(0), 4)
    acl.ban(author(0).id, new Map([[channel, 2]]))
    const result = await ingest.ingest(entries.map((e) => e.envelope))
    expect(result.accepted.map((e) => e.seq)).toEqual([1, 2])
    expect(result.rejected.map((r) => [r.reason, r.senderFault])).toEqual([[RejectReason.Banned, false], [RejectReason.Banned, false]])
  })

  it('re-checks the ACL when a pending entry is promoted', async () => {
    const { acl, ingest } = await setup()
    const [e1, e2] = await chain(author(0), 2)
    await ingest.ingest([e2!.envelope])
    acl.ban(author(0).id, new Map([[channel, 1]]))
    const result = await ingest.ingest([e1!.envelope])
    expect(result.accepted.map((e) => e.seq)).toEqual([1])
    expect(result.rejected).toMatchObject([{ reason: RejectReason.Banned, hash: e2!.stored.hash }])
  })

  it('keeps the first entry and stores a fork proof when an author signs two entries at one seq', async () => {
    const { feeds, ingest } = await setup()
    const [a1] = await chain(author(0), 1)
    const b1 = await appendEntry(author(0), { room, channel, roomLamport: 5, type: 'test/blob', payload: new Uint8Array([1]) })
    const flagged: string[] = []
    ingest.on('forks', (proofs) => flagged.push(...proofs.map((p) => p.author)))
    await ingest.ingest([a1!.envelope])
    const result = await ingest.ingest([b1.envelope])
    expect(result.forks).toHaveLength(1)
    expect(result.forks[0]!.entries).toEqual([a1!.envelope.entry, b1.envelope.entry])
    expect(flagged).toEqual([author(0).id])
    expect((await feeds.getEntry(channel, author(0).id, 1))?.hash).toBe(a1!.stored.hash)
    expect(await feeds.forkProofs(room)).toHaveLength(1)
    // The same fork inside one batch: the first in the batch is kept.
    const fresh = await setup()
    const both = await fresh.ingest.ingest([b1.envelope, a1!.envelope])
    expect(both.accepted.map((e) => e.hash)).toEqual([b1.stored.hash])
    expect(both.forks).toHaveLength(1)
  })

  it('maps outcomes to GossipSub verdicts', async () => {
    const { acl, ingest } = await setup()
    const [e1, e2, e3] = await chain(author(0), 3)
    const forged = await resign(e1!.record, {}, author(1))
    expect(await ingest.validateForGossip({ entry: forged, payload: null })).toMatchObject({ action: 'reject', reason: RejectReason.BadSignature })
    expect(await ingest.validateForGossip(e2!.envelope)).toMatchObject({ action: 'ignore', reason: RejectReason.MissingParent })
    expect(await ingest.validateForGossip(e1!.envelope)).toEqual({ action: 'accept' })
    expect(await ingest.validateForGossip(e1!.envelope)).toMatchObject({ action: 'ignore', reason: RejectReason.Duplicate })
    acl.ban(author(0).id, new Map([[channel, 2]]))
    acl.complete = false
    expect(await ingest.validateForGossip(e3!.envelope)).toMatchObject({ action: 'ignore', reason: RejectReason.Banned })
    acl.complete = true
    expect(await ingest.validateForGossip(e3!.envelope)).toMatchObject({ action: 'reject', reason: RejectReason.Banned })
  })

  it('keeps pending entries waiting when the write that would promote them fails', async () => {
    const { feeds, ingest } = await setup()
    const [e1, e2] = await chain(author(0), 2)
    await ingest.ingest([e2!.envelope])
    vi.spyOn(feeds, 'putEntries').mockRejectedValueOnce(new Error('disk full'))
    await expect(ingest.ingest([e1!.envelope])).rejects.toThrow('disk full')
    expect(ingest.pendingCount).toBe(1)
    expect((await ingest.ingest([e1!.envelope])).accepted.map((e) => e.seq)).toEqual([1, 2])
  })

  it('stores nothing of a batch when the write fails, and keeps working after', async () => {
    const { feeds, ingest } = await setup()
    const entries = await chain(author(0), 2)
    vi.spyOn(feeds, 'putEntries').mockRejectedValueOnce(new Error('disk full'))
    await expect(ingest.ingest([entries[0]!.envelope])).rejects.toThrow('disk full')
    expect(await feeds.count(channel)).toBe(0)
    const result = await ingest.ingest(entries.map((e) => e.envelope))
    expect(result.accepted).toHaveLength(2)
  })

  it('chain-checks an entry that continues a committed one (a gossiped message) without reading storage', async () => {
    const { feeds, ingest } = await setup()
    const entries = await chain(author(0), 4)
    const reads = vi.spyOn(feeds, 'getRange')
    await ingest.ingest([entries[0]!.envelope, entries[1]!.envelope])
    expect(reads).toHaveBeenCalledTimes(1)
    expect((await ingest.validateForGossip(entries[2]!.envelope)).action).toBe('accept')
    expect((await ingest.validateForGossip(entries[3]!.envelope)).action).toBe('accept')
    expect(reads).toHaveBeenCalledTimes(1)
    // Anything else (a duplicate, an entry behind the newest) is checked against storage, as before.
    expect(await ingest.validateForGossip(entries[3]!.envelope)).toMatchObject({ action: 'ignore', reason: RejectReason.Duplicate })
    expect(reads).toHaveBeenCalledTimes(2)
    expect(await feeds.count(channel)).toBe(4)
  })

  it('remembers a feed\'s newest entry only once its write committed, so a failed write never lets a successor in', async () => {
    const { feeds, ingest } = await setup()
    const [e1, e2, e3] = await chain(author(0), 3)
    await ingest.ingest([e1!.envelope])
    vi.spyOn(feeds, 'putEntries').mockRejectedValueOnce(new Error('disk full'))
    await expect(ingest.ingest([e2!.envelope])).rejects.toThrow('disk full')
    // e3 continues e2, which is not stored: it must wait, not be stored after a gap.
    const third = await ingest.ingest([e3!.envelope])
    expect(third.accepted).toEqual([])
    expect(third.pending).toEqual([e3!.stored.hash])
    expect((await ingest.ingest([e2!.envelope])).accepted.map((e) => e.seq)).toEqual([2, 3])
  })

  it('is told of entries stored without it (our own sends), so one coming back is a duplicate, not new', async () => {
    const { feeds, ingest } = await setup()
    const [e1, e2] = await chain(author(0), 2)
    await ingest.ingest([e1!.envelope])
    await feeds.putEntries([e2!.stored])
    ingest.noteStored([e2!.stored])
    expect(await ingest.validateForGossip(e2!.envelope)).toMatchObject({ action: 'ignore', reason: RejectReason.Duplicate })
  })
})
