import { describe, expect, it, vi } from 'vitest'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import { createFeedWriteBatcher } from '../../src/core/feed/write-batcher.ts'
import { author, chain, channel, room } from './helpers.ts'
import { createAclViewTwin, startedMemoryStorage } from './twins.ts'

describe('feed write batcher', () => {
  it('shows queued entries before their batch commits, and writes many calls as one batch', async () => {
    const storage = await startedMemoryStorage()
    const batcher = createFeedWriteBatcher({ feeds: storage.feeds }, { delayMs: 20 })
    const [e1, e2, e3] = (await chain(author(0), 3)).map((e) => e.stored)
    const first = batcher.write([e1!])
    const second = batcher.write([e2!, e3!])
    expect([...batcher.unflushed(channel, author(0).id)!.keys()]).toEqual([1, 2, 3])
    expect(await storage.feeds.count(channel)).toBe(0)
    await Promise.all([first, second])
    expect(storage.putCalls()).toBe(1)
    expect(await storage.feeds.count(channel)).toBe(3)
    expect(batcher.unflushed(channel, author(0).id)).toBeUndefined()
  })

  it('reports a failed batch, drops it and what queued behind it, and leaves stored entries intact', async () => {
    const storage = await startedMemoryStorage()
    const batcher = createFeedWriteBatcher({ feeds: storage.feeds })
    const [e1, e2, e3, e4] = (await chain(author(0), 4)).map((e) => e.stored)
    await batcher.write([e1!])
    let failWrite: (err: Error) => void = () => {}
    vi.spyOn(storage.feeds, 'putEntries').mockImplementationOnce(() => new Promise((_resolve, reject) => { failWrite = reject }))
    const failing = batcher.write([e2!])
    await vi.waitUntil(() => storage.putCalls() === 2)
    const behind = batcher.write([e3!]) // queued while the failing write runs: it links to e2
    failWrite(new Error('disk full'))
    await expect(failing).rejects.toThrow('disk full')
    await expect(behind).rejects.toThrow('disk full')
    expect(batcher.unflushed(channel, author(0).id)).toBeUndefined()
    expect((await storage.feeds.getRange(channel, author(0).id, 1, 4)).map((e) => e.seq)).toEqual([1])
    await batcher.write([e2!, e3!, e4!])
    expect((await storage.feeds.heads(channel))[0]).toMatchObject({ seq: 4 })
  })

  it('chain-checks a later call against entries whose write has not committed yet', async () => {
    const storage = await startedMemoryStorage()
    const ingest = createFeedIngest({ storage, acl: createAclViewTwin() }, { room, writeDelayMs: 20 })
    const [e1, e2] = await chain(author(0), 2)
    const first = ingest.ingest([e1!.envelope])
    const second = ingest.ingest([e2!.envelope])
    const [r1, r2] = await Promise.all([first, second])
    expect(r1.accepted.map((e) => e.seq)).toEqual([1])
    expect(r2.accepted.map((e) => e.seq)).toEqual([2])
    expect(r2.pending).toEqual([])
    expect(storage.putCalls()).toBe(1)
    expect(await storage.feeds.count(channel)).toBe(2)
  })
})
