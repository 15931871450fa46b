import { describe, expect, it } from 'vitest'
import { streamPair } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import type { ChunkHash } from '../../src/core/blob/chunk-hash.ts'
import { chunkFile } from '../../src/core/blob/chunking.ts'
import { CHUNK_SIZE, expectedLengths } from '../../src/core/blob/manifest.ts'
import type { BlobStore } from '../../src/core/blob/store.ts'
import { type RoomId, asRoomId } from '../../src/core/types.ts'
import { fetchChunks } from '../../src/network/blob-fetch.ts'
import { BLOB_PROTOCOL } from '../../src/network/blob-protocol.ts'
import { createBlobServer } from '../../src/network/blob-server.ts'
import { writeMessage } from '../../src/network/length-prefixed.ts'
import { createMemoryBlobStore } from '../../src/storage/blob-memory.ts'

const room = asRoomId('room-1')

function bytesOf (n: number, seed = 1): Uint8Array {
  let x = seed
  return Uint8Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24)
}

/** vitest's deep equality is slow on 256 KiB arrays. */
const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean => a != null && Buffer.compare(a, b) === 0

async function started (): Promise<BlobStore> {
  const s = createMemoryBlobStore()
  await s.start()
  return s
}

/** A file of five chunks (the last one short) and its manifest's chunk lengths. */
async function fileOf () {
  const file = await chunkFile({ name: 'f.bin', mime: 'application/octet-stream', bytes: bytesOf(4 * CHUNK_SIZE + 1234) })
  return { ...file, lengths: expectedLengths(file.manifest) }
}

interface Twin { readonly served: ChunkHash[], readonly garbage: string[] }

/**
 * In-memory twins of serving peers: each a blob server over its own store, reached through
 * in-memory stream pairs (a twin of PeerNode's handle/newStream). `served` records the chunks
 * each one answered with bytes.
 */
async function network (peers: Record<string, { store: Pick<BlobStore, 'getChunk'>, mayServe?: (room: RoomId, peer: string) => boolean }>) {
  const handlers = new Map<string, (stream: Stream, peer: string) => void | Promise<void>>()
  const twins = new Map<string, Twin>()
  for (const [id, p] of Object.entries(peers)) {
    const twin: Twin = { served: [], garbage: [] }
    twins.set(id, twin)
    const server = createBlobServer({
      node: { handle: (_protocol, h) => { handlers.set(id, h); return Promise.resolve() }, unhandle: () => Promise.resolve() },
      store: { getChunk: async (r, hash) => { const c = await p.store.getChunk(r, hash); if (c != null) twin.served.push(hash); return c } }
    }, { mayServe: p.mayServe ?? (() => true), onGarbage: (_peer, detail) => { twin.garbage.push(detail) } })
    await server.start()
  }
  const node = {
    async newStream (peer: string, protocol: string): Promise<Stream> {
      const handler = handlers.get(peer)
      if (handler == null || protocol !== BLOB_PROTOCOL) throw new Error(`${peer} does not serve ${protocol}`)
      const [outbound, inbound] = await streamPair({ delay: 0 })
      void Promise.resolve(handler(inbound, 'me')).catch(() => {})
      return outbound
    }
  }
  return { node, twins }
}

describe('fetching a blob', () => {
  it('fetches every chunk from several peers at once, verified, and stores it', async () => {
    const file = await fileOf()
    const a = await started()
    const b = await started()
    await a.putChunks(room, file.chunks, true)
    await b.putChunks(room, file.chunks, true)
    const { node, twins } = await network({ a: { store: a }, b: { store: b } })
    const mine = await started()
    const got: ChunkHash[] = []
    const result = await fetchChunks({ node, store: mine }, { room, chunks: file.lengths, peers: ['a', 'b'], onChunk: (h) => got.push(h) })
    expect(result.missing).toEqual([])
    expect(new Set(got)).toEqual(new Set(file.manifest.chunks))
    for (const c of file.chunks) expect(sameBytes(await mine.getChunk(room, c.hash), c.bytes)).toBe(true)
    expect(twins.get('a')!.served.length).toBeGreaterThan(0)
    expect(twins.get('b')!.served.length).toBeGreaterThan(0)
  })

  it('a peer sending wrong bytes is reported, nothing of it is stored, and the others fill in', async () => {
    const file = await fileOf()
    const honest = await started()
    await honest.putChunks(room, file.chunks, true)
    const liar = { getChunk: async (r: RoomId, h: ChunkHash) => { const c = await honest.getChunk(r, h); if (c != null) c[0]! ^= 0xff; return c } }
    const { node } = await network({ liar: { store: liar }, honest: { store: honest } })
    const mine = await started()
    const bad: string[] = []
    const result = await fetchChunks({ node, store: mine }, { room, chunks: file.lengths, peers: ['liar', 'honest'], onBadPeer: (p) => bad.push(p) })
    expect(result.missing).toEqual([])
    expect(bad).toEqual(['liar'])
    for (const c of file.chunks) expect(sameBytes(await mine.getChunk(room, c.hash), c.bytes)).toBe(true)
  })

  it('chunks one peer lacks come from another', async () => {
    const file = await fileOf()
    const half = await started()
    await half.putChunks(room, file.chunks.slice(0, 2), true)
    const rest = await started()
    await rest.putChunks(room, file.chunks.slice(2), true)
    const { node } = await network({ half: { store: half }, rest: { store: rest } })
    const mine = await started()
    expect((await fetchChunks({ node, store: mine }, { room, chunks: file.lengths, peers: ['half', 'rest'] })).missing).toEqual([])
    expect(await mine.hasChunks(room, file.manifest.chunks)).toEqual(file.manifest.chunks.map(() => true))
  })

  it('resumes: chunks already stored are not asked for again', async () => {
    const file = await fileOf()
    const full = await started()
    await full.putChunks(room, file.chunks, true)
    const { node, twins } = await network({ full: { store: full } })
    const mine = await started()
    await mine.putChunks(room, file.chunks.slice(0, 3), false)
    expect((await fetchChunks({ node, store: mine }, { room, chunks: file.lengths, peers: ['full'] })).missing).toEqual([])
    expect(new Set(twins.get('full')!.served)).toEqual(new Set(file.manifest.chunks.slice(3)))
  })

  it('nothing comes from a peer the access check refuses, nor for another room', async () => {
    const file = await fileOf()
    const full = await started()
    await full.putChunks(room, file.chunks, true)
    const { node } = await network({ strict: { store: full, mayServe: () => false } })
    const mine = await started()
    expect((await fetchChunks({ node, store: mine }, { room, chunks: file.lengths, peers: ['strict'] })).missing.length).toBe(file.manifest.chunks.length)
    const open = await network({ open: { store: full } })
    expect((await fetchChunks({ node: open.node, store: mine }, { room: asRoomId('room-2'), chunks: file.lengths, peers: ['open'] })).missing.length).toBe(file.manifest.chunks.length)
    expect(await mine.usage(room)).toBe(0)
  })

  it('with no peer holding a chunk, the fetch ends and names it missing', async () => {
    const file = await fileOf()
    const { node } = await network({ empty: { store: await started() } })
    const result = await fetchChunks({ node, store: await started() }, { room, chunks: file.lengths, peers: ['empty', 'gone'] })
    expect(new Set(result.missing)).toEqual(new Set(file.manifest.chunks))
  })
})

describe('serving blobs', () => {
  it('a request that is not one is reported as garbage and answered with nothing', async () => {
    const { node, twins } = await network({ s: { store: await started() } })
    const stream = await node.newStream('s', BLOB_PROTOCOL)
    await writeMessage(stream, new Uint8Array([0xa1, 0x61]))
    const frames: unknown[] = []
    try { for await (const f of stream) frames.push(f) } catch { /* the server aborts the stream */ }
    expect(frames).toEqual([])
    expect(twins.get('s')!.garbage.length).toBe(1)
  })
})
