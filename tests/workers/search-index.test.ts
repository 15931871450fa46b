import { describe, expect, it } from 'vitest'
import type { StoredFeedEntry } from '../../src/core/storage.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'
import { createSearchFeeder } from '../../src/workers/search-feeder.ts'
import { createSearchIndex } from '../../src/workers/search-index.ts'
import { author, channel, channelNamed, room } from '../feed/helpers.ts'
import { createWriter } from '../messages/writer.ts'

const alice = author(1)
const bob = author(2)
const texts = (hits: ReadonlyArray<{ text: string }>): string[] => hits.map((h) => h.text)

describe('search index', () => {
  it('finds messages by word, by prefix and with a typo, across channels, with where they are', async () => {
    const w = createWriter()
    const other = createWriter(channelNamed('random'))
    const index = createSearchIndex()
    const a = await w.chat(alice, { type: 'chat/text', text: 'The quarterly budget is ready', mentions: [] })
    const b = await other.chat(bob, { type: 'chat/text', text: 'Lunch at noon?', mentions: [] })
    index.add([a.stored, b.stored])
    expect(index.search('budget')).toEqual([expect.objectContaining({ hash: a.stored.hash, room, channel, author: alice.id, text: 'The quarterly budget is ready' })])
    expect(texts(index.search('quart'))).toEqual(['The quarterly budget is ready'])
    expect(texts(index.search('lumch'))).toEqual(['Lunch at noon?'])
    expect(index.search('lunch')[0]?.channel).toBe(channelNamed('random'))
    expect(index.search('nothing-like-it')).toEqual([])
    expect(index.search('  ')).toEqual([])
  })

  it('follows the author\'s latest edit in display order, whatever the arrival order, and ignores others\' edits', async () => {
    const w = createWriter()
    const m = await w.chat(alice, { type: 'chat/text', text: 'meeting on monday', mentions: [] })
    const e1 = await w.chat(alice, { type: 'chat/edit', target: m.stored.hash, text: 'meeting on tuesday' })
    const e2 = await w.chat(alice, { type: 'chat/edit', target: m.stored.hash, text: 'meeting on wednesday' })
    const forged = await w.chat(bob, { type: 'chat/edit', target: m.stored.hash, text: 'meeting cancelled' })
    for (const order of [[m, e1, e2, forged], [e2, forged, e1, m], [forged, m, e2, e1]]) {
      const index = createSearchIndex()
      for (const x of order) index.add([x.stored])
      expect(texts(index.search('meeting'))).toEqual(['meeting on wednesday'])
      expect(index.search('monday')).toEqual([])
      expect(index.search('cancelled')).toEqual([])
    }
  })

  it('drops a message its author deletes (even before it arrives); another\'s delete is only a question for storage', async () => {
    const w = createWriter()
    const own = await w.chat(alice, { type: 'chat/text', text: 'oops secret token', mentions: [] })
    const ownDelete = await w.chat(alice, { type: 'chat/delete', target: own.stored.hash })
    const kept = await w.chat(alice, { type: 'chat/text', text: 'secret santa list', mentions: [] })
    const othersDelete = await w.chat(bob, { type: 'chat/delete', target: kept.stored.hash })

    const index = createSearchIndex()
    expect(index.add([ownDelete.stored, own.stored])).toEqual([])
    expect(index.add([kept.stored, othersDelete.stored])).toEqual([kept.stored.hash])
    expect(texts(index.search('secret'))).toEqual(['secret santa list'])
    index.deleted(kept.stored.hash)
    expect(index.search('secret')).toEqual([])
    expect(index.size).toBe(0)
  })

  it('never indexes what does not decode, a deleted payload or a non-chat type, and never throws on them', async () => {
    const w = createWriter()
    const m = await w.chat(alice, { type: 'chat/text', text: 'hello world', mentions: [] })
    const unknown = await w.write(alice, 'game/move', new TextEncoder().encode('hello'))
    const broken: StoredFeedEntry = { ...m.stored, payload: new Uint8Array([0xff, 0x00, 0x13]) }
    const garbage: StoredFeedEntry = { ...m.stored, bytes: new Uint8Array([1, 2, 3]) }
    const gone: StoredFeedEntry = { ...m.stored, payload: null }
    const index = createSearchIndex()
    expect(() => index.add([unknown.stored, broken, garbage, gone])).not.toThrow()
    expect(index.size).toBe(0)
    index.add([m.stored])
    expect(texts(index.search('hello'))).toEqual(['hello world'])
  })

  it('lists pin candidates newest first and drops the rooms the user left', async () => {
    const w = createWriter()
    const a = await w.chat(alice, { type: 'chat/text', text: 'rules of the room', mentions: [] })
    const b = await w.chat(alice, { type: 'chat/text', text: 'meeting notes', mentions: [] })
    const index = createSearchIndex()
    index.add([a.stored, b.stored])
    index.add([(await w.chat(alice, { type: 'chat/pin', target: a.stored.hash, on: true })).stored])
    index.add([(await w.chat(bob, { type: 'chat/pin', target: b.stored.hash, on: true })).stored])
    index.add([(await w.chat(alice, { type: 'chat/pin', target: a.stored.hash, on: false })).stored])
    expect(index.pinCandidates(channel)).toEqual([a.stored.hash, b.stored.hash])
    index.keepRooms(new Set())
    expect(index.search('rules')).toEqual([])
    expect(index.pinCandidates(channel)).toEqual([])
  })
})

describe('search feeder (in-memory storage twin)', () => {
  it('indexes what storage holds and then only what is new, channel by channel; a delete storage applied later is caught up', async () => {
    const storage = createMemoryStorage()
    await storage.start()
    const w = createWriter()
    const index = createSearchIndex()
    let progress = 0
    const feeder = createSearchFeeder(storage.feeds, index, () => { progress++ })
    const first = await w.chat(alice, { type: 'chat/text', text: 'first words', mentions: [] })
    await storage.feeds.putEntries([first.stored])
    feeder.scope([{ room, channels: [channel] }])
    await feeder.idle()
    expect(texts(index.search('first'))).toEqual(['first words'])
    expect(progress).toBeGreaterThan(0)

    const second = await w.chat(bob, { type: 'chat/text', text: 'second words', mentions: [] })
    const del = await w.chat(bob, { type: 'chat/delete', target: first.stored.hash })
    await storage.feeds.putEntries([second.stored, del.stored])
    await feeder.changed(channel)
    expect(texts(index.search('words')).sort()).toEqual(['first words', 'second words'])
    // The client drops the payload once its ACL allows Bob's delete: the next read sees it.
    await storage.feeds.setPayload(channel, alice.id, first.stored.seq, null)
    await feeder.changed(channel)
    expect(texts(index.search('words'))).toEqual(['second words'])

    feeder.scope([])
    expect(index.search('words')).toEqual([])
  })
})
