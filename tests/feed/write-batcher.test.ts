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

  it('lets gossip accept and chain-check a successor before the predecessor is committed', async () => {
    const storage = await startedMemoryStorage()
    const ingest = createFeedIngest({ storage, acl: createAclViewTwin() }, { room, writeDelayMs: 50 })
    const [e1, e2] = await chain(author(0), 2)
    const announced: number[] = []
    const committed = new Promise<void>((resolve) => {
      ingest.on('accepted', (batch) => { announced.push(...batch.map((e) => e.seq)); if (announced.length === 2) resolve() })
    })
    expect(await ingest.validateForGossip(e1!.envelope)).toEqual({ action: 'accept' })
    expect(await ingest.validateForGossip(e2!.envelope)).toEqual({ action: 'accept' })
    expect(await storage.feeds.count(channel)).toBe(0)
    expect(announced).toEqual([])
    await committed
    expect(announced).toEqual([1, 2])
    expect(storage.putCalls()).toBe(1)
    expect(await storage.feeds.count(channel)).toBe(2)
  })

  it('announces a gossip write that failed, and the entry can come again', async () => {
    const storage = await startedMemoryStorage()
    const ingest = createFeedIngest({ storage, acl: createAclViewTwin() }, { room })
    const [e1] = await chain(author(0), 1)
    vi.spyOn(storage.feeds, 'putEntries').mockRejectedValueOnce(new Error('disk full'))
    const failed = new Promise<unknown>((resolve) => { ingest.on('writeFailed', ({ error }) => { resolve(error) }) })
    expect(await ingest.validateForGossip(e1!.envelope)).toEqual({ action: 'accept' })
    expect(String(await failed)).toContain('disk full')
    expect(await storage.feeds.count(channel)).toBe(0)
    expect((await ingest.ingest([e1!.envelope])).accepted).toHaveLength(1)
  })
})
