import { describe, expect, it } from 'vitest'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import { createDeletionApplier } from '../../src/core/messages/deletions.ts'
import { foldTimeline } from '../../src/core/messages/timeline.ts'
import { RejectReason } from '../../src/core/result.ts'
import type { StoredFeedEntry } from '../../src/core/storage.ts'
import { author, channel, channelNamed, room } from '../feed/helpers.ts'
import { createAclViewTwin, startedMemoryStorage } from '../feed/twins.ts'
import { createWriter } from './writer.ts'

const alice = author(0)
const bob = author(1)
const mod = author(2)

async function setup () {
  const storage = await startedMemoryStorage()
  const feeds = storage.feeds
  const acl = createAclViewTwin()
  const ingest = createFeedIngest({ storage, acl }, { room })
  const deletions = createDeletionApplier({ storage, acl })
  const view = async () => foldTimeline(await feeds.page(channel, { limit: 1000 }), { acl })
  return { feeds, acl, ingest, deletions, view, w: createWriter() }
}

describe('timeline fold', () => {
  it('shows text, replies and mentions in display order', async () => {
    const { ingest, view, w } = await setup()
    const hello = await w.chat(alice, { type: 'chat/text', text: 'hello', mentions: [bob.id] })
    const reply = await w.chat(bob, { type: 'chat/text', text: 'hi alice', replyTo: hello.stored.hash, mentions: [] })
    await ingest.ingest([reply.envelope, hello.envelope])
    const messages = await view()
    expect(messages.map((m) => [m.author, m.text])).toEqual([[alice.id, 'hello'], [bob.id, 'hi alice']])
    expect(messages[0]).toMatchObject({ mentions: [bob.id], supported: true, edited: false, deleted: false })
    expect(messages[1]!.replyTo).toBe(hello.stored.hash)
  })

  it('applies only the author\'s edits, the latest one winning', async () => {
    const { ingest, view, w } = await setup()
    const msg = await w.chat(alice, { type: 'chat/text', text: 'v1', mentions: [] })
    const e1 = await w.chat(alice, { type: 'chat/edit', target: msg.stored.hash, text: 'v2' })
    const forged = await w.chat(bob, { type: 'chat/edit', target: msg.stored.hash, text: 'bob was here' })
    const e2 = await w.chat(alice, { type: 'chat/edit', target: msg.stored.hash, text: 'v3' })
    await ingest.ingest([msg, e2, forged, e1].map((e) => e.envelope))
    const [m] = await view()
    expect(m).toMatchObject({ text: 'v3', edited: true })
    expect(await view()).toHaveLength(1)
  })

  it('lets the author or a delete holder delete, and removes the payload from storage', async () => {
    const { feeds, acl, ingest, deletions, view, w } = await setup()
    const a = await w.chat(alice, { type: 'chat/text', text: 'mine', mentions: [] })
    const b = await w.chat(alice, { type: 'chat/text', text: 'moderated', mentions: [] })
    const c = await w.chat(alice, { type: 'chat/text', text: 'stays', mentions: [] })
    acl.deny(bob.id, 'delete')
    const byAuthor = await w.chat(alice, { type: 'chat/delete', target: a.stored.hash })
    const byMod = await w.chat(mod, { type: 'chat/delete', target: b.stored.hash })
    const byBob = await w.chat(bob, { type: 'chat/delete', target: c.stored.hash })
    await ingest.ingest([a, b, c].map((e) => e.envelope))
    const removed = await deletions.apply((await ingest.ingest([byAuthor, byMod, byBob].map((e) => e.envelope))).accepted)
    expect(removed).toBe(2)
    const messages = await view()
    expect(messages.map((m) => [m.deleted, m.deletedBy, m.text])).toEqual([[true, alice.id, undefined], [true, mod.id, undefined], [false, undefined, 'stays']])
    expect((await feeds.getByHash(a.stored.hash))?.payload).toBeNull()
    expect((await feeds.getByHash(b.stored.hash))?.payload).toBeNull()
    expect((await feeds.getByHash(c.stored.hash))?.payload).not.toBeNull()
    expect(await feeds.count(channel)).toBe(6)
  })

  it('removes the payload when the target arrives after its delete', async () => {
    const { feeds, ingest, deletions, w } = await setup()
    const a = await w.chat(alice, { type: 'chat/text', text: 'soon gone', mentions: [] })
    const del = await w.chat(mod, { type: 'chat/delete', target: a.stored.hash })
    expect(await deletions.apply((await ingest.ingest([del.envelope])).accepted)).toBe(0)
    expect(await deletions.apply((await ingest.ingest([a.envelope])).accepted)).toBe(1)
    expect((await feeds.getByHash(a.stored.hash))?.payload).toBeNull()
  })

  it('counts reactions per emoji with their reactors; the last toggle wins', async () => {
    const { ingest, view, w } = await setup()
    const m = await w.chat(alice, { type: 'chat/text', text: 'react to me', mentions: [] })
    const ops = [
      await w.chat(bob, { type: 'chat/reaction', target: m.stored.hash, emoji: '👍', on: true }),
      await w.chat(mod, { type: 'chat/reaction', target: m.stored.hash, emoji: '👍', on: true }),
      await w.chat(bob, { type: 'chat/reaction', target: m.stored.hash, emoji: '🎉', on: true }),
      await w.chat(bob, { type: 'chat/reaction', target: m.stored.hash, emoji: '👍', on: false })
    ]
    await ingest.ingest([m, ...ops].map((e) => e.envelope))
    expect((await view())[0]!.reactions).toEqual([{ emoji: '👍', by: [mod.id] }, { emoji: '🎉', by: [bob.id] }])
  })

  it('pins only from a pin holder', async () => {
    const { acl, ingest, view, w } = await setup()
    acl.deny(bob.id, 'pin')
    const m1 = await w.chat(alice, { type: 'chat/text', text: 'pin me', mentions: [] })
    const m2 = await w.chat(alice, { type: 'chat/text', text: 'not me', mentions: [] })
    const ops = [await w.chat(mod, { type: 'chat/pin', target: m1.stored.hash, on: true }), await w.chat(bob, { type: 'chat/pin', target: m2.stored.hash, on: true })]
    await ingest.ingest([m1, m2, ...ops].map((e) => e.envelope))
    expect((await view()).map((m) => m.pinned)).toEqual([true, false])
  })

  it('shows unknown types and broken chat payloads as unsupported, never drops them', async () => {
    const { ingest, view, w } = await setup()
    const game = await w.write(alice, 'game/move', encodeCanonical({ x: 3, y: 4 }))
    const broken = await w.write(bob, 'chat/text', encodeCanonical({ text: 7 }))
    const brokenEdit = await w.write(bob, 'chat/edit', encodeCanonical({ nope: true }))
    await ingest.ingest([game, broken, brokenEdit].map((e) => e.envelope))
    expect((await view()).map((m) => [m.type, m.supported, m.text])).toEqual([['game/move', false, undefined], ['chat/text', false, undefined], ['chat/edit', false, undefined]])
  })

  it('marks a message received long after the messages that follow it as late', async () => {
    const { acl, w } = await setup()
    const a = await w.chat(alice, { type: 'chat/text', text: 'early', mentions: [] })
    const b = await w.chat(bob, { type: 'chat/text', text: 'backfilled', mentions: [] })
    const c = await w.chat(alice, { type: 'chat/text', text: 'seen first', mentions: [] })
    const at = (e: typeof a, receivedAt: number): StoredFeedEntry => ({ ...e.stored, receivedAt })
    const messages = foldTimeline([at(a, 1_000), at(b, 900_000), at(c, 2_000)], { acl, lateAfterMs: 60_000 })
    expect(messages.map((m) => m.late)).toEqual([false, true, false])
  })

  it('flags messages the ACL now refuses (a ban whose frontier lies below them) and ignores their operations', async () => {
    const { acl, ingest, view, w } = await setup()
    const m1 = await w.chat(bob, { type: 'chat/text', text: 'ok', mentions: [] })
    const m2 = await w.chat(bob, { type: 'chat/text', text: 'after ban', mentions: [] })
    const edit = await w.chat(bob, { type: 'chat/edit', target: m1.stored.hash, text: 'sneaky' })
    await ingest.ingest([m1, m2, edit].map((e) => e.envelope))
    acl.ban(bob.id, new Map([[channel, 1]]))
    const messages = await view()
    expect(messages.map((m) => [m.text, m.invalidated])).toEqual([['ok', undefined], ['after ban', RejectReason.Banned]])
  })

  it('applies operations only to targets in the same channel', async () => {
    const { acl } = await setup()
    const w = createWriter()
    const other = createWriter(channelNamed('random'))
    const m = await w.chat(alice, { type: 'chat/text', text: 'here', mentions: [] })
    const del = await other.chat(alice, { type: 'chat/delete', target: m.stored.hash })
    expect(foldTimeline([m.stored, del.stored], { acl })[0]!.deleted).toBe(false)
  })
})
