import { describe, expect, it } from 'vitest'
import { chunkFile } from '../../src/core/blob/chunking.ts'
import { FILE_TYPE, chunksOf, encodeManifest } from '../../src/core/blob/manifest.ts'
import type { StoredFeedEntry } from '../../src/core/storage.ts'
import type { EntryHash } from '../../src/core/types.ts'
import { createRoomBlobs } from '../../src/client/room-blobs.ts'
import { createMemoryBlobStore } from '../../src/storage/blob-memory.ts'
import { author, room } from '../feed/helpers.ts'
import { createAclViewTwin } from '../feed/twins.ts'
import { createWriter } from '../messages/writer.ts'

const alice = author(1)
const mallory = author(2)

/**
 * A room's files over the in-memory blob store twin, offline (no network): a file Alice shared is
 * stored, then deletes arrive as accepted entries do.
 */
async function roomWithFile () {
  const store = createMemoryBlobStore()
  await store.start()
  const acl = createAclViewTwin()
  const entries = new Map<EntryHash, StoredFeedEntry>()
  const blobs = createRoomBlobs({
    store,
    feeds: { getByHash: (hash) => Promise.resolve(entries.get(hash)) },
    acl,
    events: { emit: () => {} },
    network: () => undefined,
    onBadPeer: () => {}
  }, { room })
  const writer = createWriter()
  const { manifest, chunks } = await chunkFile({ name: 'a.txt', mime: 'text/plain', bytes: new TextEncoder().encode('hello files') })
  await store.putChunks(room, chunks, false)
  const file = (await writer.write(alice, FILE_TYPE, encodeManifest(manifest))).stored
  entries.set(file.hash, file)
  await blobs.accepted([file])
  const deleteBy = async (signer: typeof alice): Promise<void> => {
    const d = (await writer.chat(signer, { type: 'chat/delete', target: file.hash })).stored
    await blobs.accepted([d])
  }
  const stored = async (): Promise<boolean[]> => store.hasChunks(room, chunksOf(manifest))
  return { acl, deleteBy, stored }
}

describe('deleting a shared file', () => {
  it('its author\'s delete drops the chunks here', async () => {
    const r = await roomWithFile()
    expect(await r.stored()).toEqual([true])
    await r.deleteBy(alice)
    expect(await r.stored()).toEqual([false])
  })

  it('a delete by someone without the right to delete it drops nothing', async () => {
    const r = await roomWithFile()
    r.acl.deny(mallory.id, 'delete')
    await r.deleteBy(mallory)
    expect(await r.stored()).toEqual([true])
  })

  it('a moderator\'s delete drops it', async () => {
    const r = await roomWithFile()
    await r.deleteBy(mallory)
    expect(await r.stored()).toEqual([false])
  })
})

describe('sharing a file', () => {
  it('refuses a file over the room cap, storing nothing', async () => {
    const store = createMemoryBlobStore()
    await store.start()
    const blobs = createRoomBlobs({ store, feeds: { getByHash: () => Promise.resolve(undefined) }, acl: createAclViewTwin(), events: { emit: () => {} }, network: () => undefined, onBadPeer: () => {} }, { room, maxFileBytes: 10 })
    await expect(blobs.prepare({ name: 'big', mime: 'text/plain', bytes: new Uint8Array(11) })).rejects.toThrow(/over this room's limit/)
    expect(await store.usage(room)).toBe(0)
  })
})
