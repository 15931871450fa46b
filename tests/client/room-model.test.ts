// The room model's authoring path over the real core, on the in-memory storage twin (no network).
import { describe, expect, it } from 'vitest'
import { type RoomModel, createRoomModel } from '../../src/client/room-model.ts'
import { StorageError } from '../../src/core/errors.ts'
import { storedRecordOf } from '../../src/core/feed/entry.ts'
import { type JournalBacking, createSentJournal, memoryJournalBacking } from '../../src/core/feed/sent-journal.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { encodeChatPayload } from '../../src/core/messages/payloads.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import type { Storage } from '../../src/core/storage.ts'
import type { RoomId } from '../../src/core/types.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'

/** The memory storage twin, counting head reads. */
async function countingStorage (): Promise<{ storage: Storage, headReads: () => number }> {
  const inner = createMemoryStorage()
  await inner.start()
  let reads = 0
  const feeds = Object.create(inner.feeds) as Storage['feeds']
  feeds.heads = async (channel) => { reads++; return inner.feeds.heads(channel) }
  return { storage: { ...inner, feeds }, headReads: () => reads }
}

const text = (t: string): Uint8Array => encodeChatPayload({ type: 'chat/text', text: t, mentions: [] })

describe('room model authoring', () => {
  it('reads our feed head from storage once, and continues after an entry another tab of ours wrote (no fork)', async () => {
    const signer = signerFromSeed(new Uint8Array(32).fill(9))
    const created = await createRoom({ signer, name: 'two tabs', policy: 'open', channels: [{ name: 'general' }] })
    const room: RoomId = created.roomId
    const general = created.channels[0]!
    const tabs = await Promise.all([0, 1].map(async () => {
      const { storage, headReads } = await countingStorage()
      const model = createRoomModel({ storage, signer: () => signer }, { room })
      await model.load()
      await model.addAuthority([created.genesis.bytes])
      return { storage, model, headReads }
    }))
    const [one, two] = [tabs[0]!, tabs[1]!]

    const a = await one.model.append(general, 'chat/text', text('a'))
    const b = await one.model.append(general, 'chat/text', text('b'))
    expect(one.headReads()).toBe(1)
    expect((await two.model.feed.ingest([a.envelope, b.envelope])).accepted).toHaveLength(2)
    const c = await two.model.append(general, 'chat/text', text('c'))
    expect(c.stored.seq).toBe(3)
    // tab one learns of c only through ingest; its next entry must chain after c, not fork at 3
    expect((await one.model.feed.ingest([c.envelope])).accepted).toHaveLength(1)
    const d = await one.model.append(general, 'chat/text', text('d'))
    expect(d.stored.seq).toBe(4)
    expect(d.stored.hash).not.toBe(c.stored.hash)
    expect((await two.model.feed.ingest([d.envelope])).accepted).toHaveLength(1)
    expect(await one.storage.feeds.forkProofs(room)).toEqual([])
    expect(one.headReads()).toBe(1)
  })
})

/** The memory storage twin whose feed writes can be held forever (a tab that dies mid-write) or failed once. */
function gatedStorage (inner: Storage): { storage: Storage, mode: { next: 'pass' | 'hold' | 'fail' }, writeStarted: Promise<void> } {
  const mode: { next: 'pass' | 'hold' | 'fail' } = { next: 'pass' }
  let started: () => void = () => undefined
  const writeStarted = new Promise<void>((resolve) => { started = resolve })
  const feeds = Object.create(inner.feeds) as Storage['feeds']
  feeds.putEntries = async (entries) => {
    started()
    if (mode.next === 'hold') return new Promise<void>(() => undefined)
    if (mode.next === 'fail') { mode.next = 'pass'; throw new StorageError('disk failed') }
    return inner.feeds.putEntries(entries)
  }
  return { storage: { ...inner, feeds }, mode, writeStarted }
}

describe('sending before our own copy commits (the sent journal)', () => {
  const setUp = async (backing: JournalBacking = memoryJournalBacking()) => {
    const signer = signerFromSeed(new Uint8Array(32).fill(7))
    const created = await createRoom({ signer, name: 'journal', policy: 'open', channels: [{ name: 'general' }] })
    const inner = createMemoryStorage()
    await inner.start()
    const open = async (storage: Storage): Promise<RoomModel> => {
      const model = createRoomModel({ storage, signer: () => signer, sentJournal: createSentJournal(backing, 'sent/') }, { room: created.roomId })
      await model.addAuthority([created.genesis.bytes])
      await model.load()
      return model
    }
    return { inner, open, general: created.channels[0]!, me: signer.id, room: created.roomId }
  }

  it('may publish at once, and a tab that dies before the commit stores the entry on its next start, so its feed does not fork', async () => {
    const { inner, open, general, me, room } = await setUp()
    const dying = gatedStorage(inner)
    dying.mode.next = 'hold'
    const first = await (await open(dying.storage)).append(general, 'chat/text', text('sent, never committed'))
    expect(await inner.feeds.heads(general)).toEqual([])

    const restarted = await open(inner)
    expect((await inner.feeds.heads(general)).find((h) => h.author === me)?.hash).toBe(first.stored.hash)
    const next = await restarted.append(general, 'chat/text', text('after the restart'))
    await next.committed
    expect(next.stored.seq).toBe(2)
    expect(storedRecordOf(next.stored.bytes)?.prev?.toString()).toBe(first.stored.hash)
    expect(await inner.feeds.forkProofs(room)).toEqual([])
  })

  it('waits for the commit before the entry may leave when the journal cannot record it', async () => {
    const full: JournalBacking = { ...memoryJournalBacking(), setItem: () => { throw new DOMException('full', 'QuotaExceededError') } }
    const { inner, open, general } = await setUp(full)
    let release: () => void = () => undefined
    const released = new Promise<void>((resolve) => { release = resolve })
    let started: () => void = () => undefined
    const writeStarted = new Promise<void>((resolve) => { started = resolve })
    const feeds = Object.create(inner.feeds) as Storage['feeds']
    let committedHere = false
    feeds.putEntries = async (entries) => { started(); await released; await inner.feeds.putEntries(entries); committedHere = true }
    const model = await open({ ...inner, feeds })
    const sending = model.append(general, 'chat/text', text('waits'))
    await writeStarted
    release()
    // An append that resolved without waiting is seen here before its write completes.
    const sent = await sending
    expect(committedHere).toBe(true)
    expect((await inner.feeds.heads(general))[0]?.hash).toBe(sent.stored.hash)
  })

  it('stores an entry whose commit failed before it signs the next one', async () => {
    const { inner, open, general } = await setUp()
    const flaky = gatedStorage(inner)
    const model = await open(flaky.storage)
    flaky.mode.next = 'fail'
    const first = await model.append(general, 'chat/text', text('write fails'))
    await expect(first.committed).rejects.toThrow('disk failed')
    const second = await model.append(general, 'chat/text', text('next'))
    await second.committed
    expect(second.stored.seq).toBe(2)
    const page = await inner.feeds.page(general, { limit: 10 })
    expect(page.map((e) => e.hash)).toEqual([first.stored.hash, second.stored.hash])
  })
})
