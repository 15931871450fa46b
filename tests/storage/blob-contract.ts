import type { ChunkHash } from '../../src/core/blob/chunk-hash.ts'
import type { BlobStore } from '../../src/core/blob/store.ts'
import { asEntryHash, asRoomId } from '../../src/core/types.ts'

/**
 * The blob store contract every backend passes: the memory twin and IndexedDB on fake-indexeddb
 * here, real IndexedDB in Chromium through the e2e that stores and serves blobs. Each check returns
 * its failures, like the feed storage contract (contract.ts).
 */
export type CreateBlobStore = () => BlobStore
export interface BlobStoreCheck { readonly name: string, run (create: CreateBlobStore): Promise<string[]> }

const room = asRoomId('room-1')
const other = asRoomId('room-2')
const h = (n: number): ChunkHash => n.toString(16).padStart(64, '0') as ChunkHash
const chunk = (n: number, size = 100): { hash: ChunkHash, bytes: Uint8Array } => ({ hash: h(n), bytes: new Uint8Array(size).fill(n) })
const m1 = asEntryHash('msg-1')
const m2 = asEntryHash('msg-2')

const check = (name: string, body: (s: BlobStore, fail: (what: string) => void) => Promise<void>): BlobStoreCheck => ({
  name,
  async run (create) {
    const failures: string[] = []
    const s = create()
    await s.start()
    try { await body(s, (what) => { failures.push(what) }) } finally { await s.stop() }
    return failures
  }
})
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)
const bytesEqual = (a: Uint8Array | undefined, b: Uint8Array): boolean => a != null && a.byteLength === b.byteLength && a.every((x, i) => x === b[i])

export const blobStoreChecks: readonly BlobStoreCheck[] = [
  check('stores chunks per room, and reads them back', async (s, fail) => {
    await s.putChunks(room, [chunk(1), chunk(2, 10)], false)
    if (!bytesEqual(await s.getChunk(room, h(1)), chunk(1).bytes)) fail('chunk 1 not read back')
    if (!same(await s.hasChunks(room, [h(2), h(3), h(1)]), [true, false, true])) fail('hasChunks wrong')
    if (await s.getChunk(other, h(1)) !== undefined) fail('a chunk leaked into another room')
    if (await s.usage(room) !== 110) fail(`usage ${await s.usage(room)}, expected 110`)
    if (await s.usage(other) !== 0) fail('other room has usage')
  }),
  check('a stored chunk is a copy: changing the caller\'s bytes changes nothing', async (s, fail) => {
    const c = chunk(1)
    await s.putChunks(room, [c], false)
    c.bytes.fill(0)
    if (!bytesEqual(await s.getChunk(room, h(1)), chunk(1).bytes)) fail('stored bytes aliased the caller\'s')
  }),
  check('a chunk cut from a larger buffer reads back as just its bytes', async (s, fail) => {
    const file = new Uint8Array(1000).fill(7)
    await s.putChunks(room, [{ hash: h(1), bytes: file.subarray(100, 110) }], false)
    const back = await s.getChunk(room, h(1))
    if (back?.byteLength !== 10 || back.buffer.byteLength !== 10) fail(`read back ${back?.byteLength} bytes over a ${back?.buffer.byteLength}-byte buffer`)
  }),
  check('a chunk stored twice counts once', async (s, fail) => {
    await s.putChunks(room, [chunk(1)], false)
    await s.putChunks(room, [chunk(1)], false)
    if (await s.usage(room) !== 100) fail('duplicate counted twice')
  }),
  check('eviction removes the oldest chunks the user did not send, down to the quota', async (s, fail) => {
    await s.putChunks(room, [chunk(1)], false)
    await s.putChunks(room, [chunk(2)], true)
    await s.putChunks(room, [chunk(3)], false)
    await s.putChunks(room, [chunk(4)], false)
    await s.putChunks(other, [chunk(9)], false)
    const freed = await s.evict(room, 250)
    if (freed !== 200) fail(`freed ${freed}, expected 200`)
    if (!same(await s.hasChunks(room, [h(1), h(2), h(3), h(4)]), [false, true, false, true])) fail(`kept ${JSON.stringify(await s.hasChunks(room, [h(1), h(2), h(3), h(4)]))}`)
    if (!same(await s.hasChunks(other, [h(9)]), [true])) fail('eviction touched another room')
    if (await s.evict(room, 0) !== 100) fail('own chunk was evicted, or chunk 4 kept')
    if (!same(await s.hasChunks(room, [h(2)]), [true])) fail('own chunk evicted')
  }),
  check('a chunk re-stored as own is no longer evicted', async (s, fail) => {
    await s.putChunks(room, [chunk(1)], false)
    await s.putChunks(room, [chunk(1)], true)
    await s.evict(room, 0)
    if (!same(await s.hasChunks(room, [h(1)]), [true])) fail('own chunk evicted')
  }),
  check('dropping a message removes its chunks, except those another message names', async (s, fail) => {
    await s.putChunks(room, [chunk(1), chunk(2), chunk(3)], false)
    await s.putRefs(room, m1, [h(1), h(2)])
    await s.putRefs(room, m2, [h(2), h(3)])
    if (await s.dropMessage(room, m1) !== 1) fail('expected 1 chunk removed')
    if (!same(await s.hasChunks(room, [h(1), h(2), h(3)]), [false, true, true])) fail('wrong chunks kept after the first drop')
    if (await s.dropMessage(room, m1) !== 0) fail('a second drop removed something')
    await s.dropMessage(room, m2)
    if (!same(await s.hasChunks(room, [h(1), h(2), h(3)]), [false, false, false])) fail('chunks left after both drops')
    if (await s.usage(room) !== 0) fail('usage not zero')
  }),
  check('calls while stopped reject', async (s, fail) => {
    await s.stop()
    if (await s.usage(room).then(() => true, () => false)) fail('usage resolved while stopped')
    await s.start()
    await s.start()
  })
]

/** Runs every check against `create`; the storage harness page calls this in real Chromium. */
export async function runBlobStoreContract (create: CreateBlobStore): Promise<Array<{ name: string, failures: string[] }>> {
  const results: Array<{ name: string, failures: string[] }> = []
  for (const c of blobStoreChecks) results.push({ name: c.name, failures: await c.run(create) })
  return results
}
