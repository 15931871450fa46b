// A deleted message stays deleted when a peer that still holds its payload offers it again: the
// ingest asks the deletion applier before filling in a missing payload (as the room model wires it).
import { describe, expect, it } from 'vitest'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import { createDeletionApplier } from '../../src/core/messages/deletions.ts'
import { author, channel, room } from '../feed/helpers.ts'
import { createAclViewTwin, startedMemoryStorage } from '../feed/twins.ts'
import { createWriter } from './writer.ts'

const alice = author(0)

describe('payload fill-in and deletes', () => {
  it('does not bring back a deleted payload, whether the delete found it stored or already missing', async () => {
    const storage = await startedMemoryStorage()
    const acl = createAclViewTwin()
    const deletions = createDeletionApplier({ storage, acl })
    const ingest = createFeedIngest({ storage, acl }, { room, mayFillPayload: (hash) => !deletions.deleted(hash) })
    const w = createWriter()
    const kept = await w.chat(alice, { type: 'chat/text', text: 'deleted while stored', mentions: [] })
    const blank = await w.chat(alice, { type: 'chat/text', text: 'deleted while blank', mentions: [] })
    const other = await w.chat(alice, { type: 'chat/text', text: 'not deleted', mentions: [] })
    await ingest.ingest([kept.envelope, { entry: blank.envelope.entry, payload: null }, { entry: other.envelope.entry, payload: null }])
    const deletes = [await w.chat(alice, { type: 'chat/delete', target: kept.stored.hash }), await w.chat(alice, { type: 'chat/delete', target: blank.stored.hash })]
    await deletions.apply((await ingest.ingest(deletes.map((d) => d.envelope))).accepted)
    expect([kept, blank, other].map((m) => deletions.deleted(m.stored.hash))).toEqual([true, true, false])

    const offered = await ingest.ingest([kept, blank, other].map((m) => m.envelope))
    expect(offered.filled.map((e) => e.hash)).toEqual([other.stored.hash])
    const payloads = await Promise.all([kept, blank, other].map(async (m) => (await storage.feeds.getEntry(channel, alice.id, m.stored.seq))?.payload ?? null))
    expect(payloads).toEqual([null, null, other.envelope.payload])
  })

  it('holds off a fill from the moment a delete is handed over, before its target has been looked up', async () => {
    const storage = await startedMemoryStorage()
    const acl = createAclViewTwin()
    const deletions = createDeletionApplier({ storage, acl })
    const ingest = createFeedIngest({ storage, acl }, { room })
    const w = createWriter()
    const msg = await w.chat(alice, { type: 'chat/text', text: 'soon gone', mentions: [] })
    const del = await w.chat(alice, { type: 'chat/delete', target: msg.stored.hash })
    const { accepted } = await ingest.ingest([{ entry: msg.envelope.entry, payload: null }, del.envelope])
    const applying = deletions.apply(accepted)
    // a copy with the payload may be validated while the applier still awaits storage
    expect(deletions.deleted(msg.stored.hash)).toBe(true)
    await applying
    expect(deletions.deleted(msg.stored.hash)).toBe(true)
  })
})
