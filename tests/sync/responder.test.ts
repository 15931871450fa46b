import { describe, expect, it, vi } from 'vitest'
import { appendEntry } from '../../src/core/feed/append.ts'
import { FEED_PAYLOAD_MAX_BYTES } from '../../src/core/feed/entry.ts'
import { type ChannelClock, channelClock, mergeClocks, missingRanges } from '../../src/core/sync/clock.ts'
import { SYNC_MESSAGE_MAX_BYTES, encodeSyncMessage } from '../../src/core/sync/messages.ts'
import { type SyncAnswer, createSyncResponder } from '../../src/core/sync/responder.ts'
import type { StoredFeedEntry } from '../../src/core/storage.ts'
import { author, chain, channel, room } from '../feed/helpers.ts'
import { startedMemoryStorage } from '../feed/twins.ts'

async function collect (answers: AsyncIterable<SyncAnswer>): Promise<SyncAnswer[]> {
  const out: SyncAnswer[] = []
  for await (const a of answers) out.push(a)
  return out
}

const range = (fromSeq: number, toSeq: number) => ({ t: 'range' as const, id: 7, channel, author: author(0).id, fromSeq, toSeq })

describe('sync responder', () => {
  it('answers a range in batches of at most batchEntries, then Done', async () => {
    const storage = await startedMemoryStorage()
    await storage.feeds.putEntries((await chain(author(0), 23)).map((e) => e.stored))
    const responder = createSyncResponder({ storage }, { room, batchEntries: 10 })
    const answers = await collect(responder.respond(range(2, 100)))
    expect(answers.map((a) => (a.t === 'entries' ? a.entries.length : a.t))).toEqual([10, 10, 2, 'done'])
    expect(answers.every((a) => a.id === 7)).toBe(true)
  })

  it('keeps every message under 1 MiB when payloads are large', async () => {
    const storage = await startedMemoryStorage()
    const entries: StoredFeedEntry[] = []
    for (let i = 0; i < 80; i++) {
      const made = await appendEntry(author(0), { room, channel, head: entries[i - 1], roomLamport: 0, type: 'blob', payload: new Uint8Array(FEED_PAYLOAD_MAX_BYTES).fill(i) })
      entries.push(made.stored)
    }
    await storage.feeds.putEntries(entries)
    const answers = await collect(createSyncResponder({ storage }, { room }).respond(range(1, 80)))
    const sizes = answers.map((a) => encodeSyncMessage(a).byteLength)
    expect(answers.length).toBeGreaterThan(2)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SYNC_MESSAGE_MAX_BYTES)
    expect(answers.flatMap((a) => (a.t === 'entries' ? a.entries : [])).length).toBe(80)
  })

  it('caps what one request gets, and stops at the end of what it holds', async () => {
    const storage = await startedMemoryStorage()
    await storage.feeds.putEntries((await chain(author(0), 30)).map((e) => e.stored))
    const capped = await collect(createSyncResponder({ storage }, { room, batchEntries: 5, maxEntriesPerRequest: 12 }).respond(range(1, 30)))
    expect(capped.flatMap((a) => (a.t === 'entries' ? a.entries : [])).length).toBe(12)
    const getRange = vi.spyOn(storage.feeds, 'getRange')
    const beyond = await collect(createSyncResponder({ storage }, { room, batchEntries: 5 }).respond(range(28, 1_000_000_000)))
    expect(beyond.map((a) => (a.t === 'entries' ? a.entries.length : a.t))).toEqual([3, 'done'])
    expect(getRange).toHaveBeenCalledTimes(1)
  })

  it('stops when aborted, and turns a storage failure into an Error answer', async () => {
    const storage = await startedMemoryStorage()
    await storage.feeds.putEntries((await chain(author(0), 20)).map((e) => e.stored))
    const responder = createSyncResponder({ storage }, { room, batchEntries: 5 })
    const controller = new AbortController()
    const got: SyncAnswer[] = []
    for await (const a of responder.respond(range(1, 20), controller.signal)) {
      got.push(a)
      controller.abort()
    }
    expect(got).toHaveLength(1)
    vi.spyOn(storage.feeds, 'getRange').mockRejectedValueOnce(new Error('disk gone'))
    expect(await collect(responder.respond(range(1, 20)))).toEqual([{ t: 'error', id: 7, code: 'internal', message: 'disk gone' }])
  })

  it('announces its clocks in Hello', async () => {
    const storage = await startedMemoryStorage()
    await storage.feeds.putEntries([...await chain(author(0), 4), ...await chain(author(1), 2)].map((e) => e.stored))
    const hello = await createSyncResponder({ storage }, { room }).hello([channel])
    expect(hello.clocks.get(channel)).toEqual(await channelClock(storage.feeds, channel))
    expect(hello.clocks.get(channel)?.get(author(0).id)).toBe(4)
  })
})

describe('vector clocks', () => {
  const a = author(0).id
  const b = author(1).id
  const c = author(2).id
  it('lists what the remote has beyond the local clock, one range per author', () => {
    const local: ChannelClock = new Map([[a, 5], [b, 9]])
    const remote: ChannelClock = new Map([[a, 8], [b, 3], [c, 2]])
    expect(missingRanges(channel, local, remote).map((r) => [r.author, r.fromSeq, r.toSeq])).toEqual(
      [[a, 6, 8], [c, 1, 2]].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)))
    expect(missingRanges(channel, remote, remote)).toEqual([])
  })
  it('merges clocks by the highest seq per author', () => {
    expect(mergeClocks([new Map([[a, 2]]), new Map([[a, 5], [b, 1]])])).toEqual(new Map([[a, 5], [b, 1]]))
  })
})
