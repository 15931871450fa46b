import { describe, expect, it } from 'vitest'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { chunkHashOf, digestOfChunkHash } from '../../src/core/blob/chunk-hash.ts'
import { chunkFile } from '../../src/core/blob/chunking.ts'
import { FileTooLargeError } from '../../src/core/blob/errors.ts'
import { CHUNK_SIZE, FILE_MAX_BYTES_LIMIT, chunksOf, decodeManifest, encodeManifest, expectedLengths } from '../../src/core/blob/manifest.ts'
import { verifyChunk } from '../../src/core/blob/verify.ts'
import { EncodingError } from '../../src/core/errors.ts'

/** Deterministic bytes without a short period, so no two chunks of a test file are equal. */
function bytesOf (n: number, seed = 1): Uint8Array {
  let x = seed
  return Uint8Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24)
}

describe('chunking a file', () => {
  it('cuts 256 KiB chunks, hashes each, and the manifest names them in order', async () => {
    const bytes = bytesOf(2 * CHUNK_SIZE + 10)
    const { manifest, chunks } = await chunkFile({ name: 'a.bin', mime: 'application/octet-stream', bytes })
    expect(manifest.size).toBe(bytes.byteLength)
    expect(chunks.map((c) => c.bytes.byteLength)).toEqual([CHUNK_SIZE, CHUNK_SIZE, 10])
    expect(manifest.chunks).toEqual(await Promise.all(chunks.map(async (c) => chunkHashOf(c.bytes))))
    const lengths = expectedLengths(manifest)
    expect(manifest.chunks.map((c) => lengths.get(c))).toEqual([CHUNK_SIZE, CHUNK_SIZE, 10])
  })

  it('puts the thumbnail first: it is fetched first', async () => {
    const thumb = { bytes: bytesOf(500, 7), mime: 'image/jpeg', width: 40, height: 30 }
    const { manifest, chunks } = await chunkFile({ name: 'p.png', mime: 'image/png', bytes: bytesOf(1000), thumb })
    expect(manifest.thumb).toMatchObject({ size: 500, mime: 'image/jpeg', width: 40, height: 30 })
    expect(chunks[0]!.hash).toBe(manifest.thumb!.chunk)
    expect(chunksOf(manifest)[0]).toBe(manifest.thumb!.chunk)
  })

  it('refuses a file over the room cap with a clear error', async () => {
    const attempt = chunkFile({ name: 'big.iso', mime: 'application/octet-stream', bytes: bytesOf(3000) }, 2048)
    await expect(attempt).rejects.toBeInstanceOf(FileTooLargeError)
    await expect(attempt).rejects.toThrow(/big\.iso is 2\.9 KiB, over this room's limit of 2\.0 KiB per file/)
  })

  it('refuses an empty file', async () => {
    await expect(chunkFile({ name: 'e', mime: 'text/plain', bytes: new Uint8Array(0) })).rejects.toBeInstanceOf(FileTooLargeError)
  })
})

describe('manifest codec', () => {
  it('round-trips through the payload bytes', async () => {
    const { manifest } = await chunkFile({ name: 'a.txt', mime: 'text/plain', bytes: bytesOf(CHUNK_SIZE + 1), thumb: { bytes: bytesOf(9), mime: 'image/webp', width: 1, height: 2 } })
    const decoded = decodeManifest(encodeManifest(manifest))
    expect(decoded).toEqual({ ok: true, value: manifest })
  })

  it('a 100 MiB manifest fits the feed payload limit', () => {
    const chunks = Array.from({ length: FILE_MAX_BYTES_LIMIT / CHUNK_SIZE }, () => new Uint8Array(32))
    const bytes = encodeCanonical({ name: 'x'.repeat(255), mime: 'application/octet-stream', size: FILE_MAX_BYTES_LIMIT, chunks })
    expect(decodeManifest(bytes).ok).toBe(true)
  })

  const base = { name: 'a', mime: 'text/plain', size: 10, chunks: [new Uint8Array(32)] }
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['chunk count that does not match the size', { ...base, size: CHUNK_SIZE + 1 }, /lists 2 chunks/],
    ['a short chunk hash', { ...base, chunks: [new Uint8Array(31)] }, /32 bytes/],
    ['a name with a path', { ...base, name: '../etc/passwd' }, /without a path/],
    ['an upper-case or odd mime', { ...base, mime: 'Text/HTML' }, /media type/],
    ['an unknown field', { ...base, extra: 1 }, /must be a map/],
    ['a zero size', { ...base, size: 0, chunks: [] }, /size must be/],
    ['a size over the protocol limit', { ...base, size: FILE_MAX_BYTES_LIMIT + 1 }, /size must be/],
    ['a thumbnail over 64 KiB', { ...base, thumb: { hash: new Uint8Array(32), size: 65 * 1024, mime: 'image/png', w: 1, h: 1 } }, /thumb: size/],
    ['a thumbnail that is not an image', { ...base, thumb: { hash: new Uint8Array(32), size: 10, mime: 'text/html', w: 1, h: 1 } }, /thumb: mime/]
  ]
  for (const [what, record, detail] of cases) {
    it(`rejects ${what}, without throwing`, () => {
      const decoded = decodeManifest(encodeCanonical(record))
      expect(decoded.ok).toBe(false)
      if (!decoded.ok) expect(decoded.detail).toMatch(detail)
    })
  }

  it('rejects bytes that are not CBOR, and a non-canonical encoding', () => {
    expect(decodeManifest(new Uint8Array([0xff, 0x00])).ok).toBe(false)
    expect(decodeManifest(new Uint8Array([0xa1, 0x61, 0x61, 0x18, 0x01])).ok).toBe(false)
  })

  it('encodeManifest throws a named error on local misuse', () => {
    expect(() => encodeManifest({ name: '', mime: 'text/plain', size: 1, chunks: [] })).toThrow(EncodingError)
  })
})

describe('chunk verification', () => {
  it('accepts the bytes of the hash, rejects one flipped bit and a wrong length', async () => {
    const bytes = bytesOf(1000)
    const hash = await chunkHashOf(bytes)
    expect((await verifyChunk(hash, bytes, 1000)).ok).toBe(true)
    const flipped = bytes.slice()
    flipped[500]! ^= 1
    expect(await verifyChunk(hash, flipped, 1000)).toMatchObject({ ok: false, reason: 'malformed' })
    expect(await verifyChunk(hash, bytes.subarray(0, 999), 1000)).toMatchObject({ ok: false, reason: 'malformed' })
    expect(await verifyChunk(hash, new Uint8Array(CHUNK_SIZE + 1), CHUNK_SIZE + 1)).toMatchObject({ ok: false, reason: 'too-large' })
  })

  it('hashes are the sha2-256 of the bytes, as hex', async () => {
    const hash = await chunkHashOf(new TextEncoder().encode('abc'))
    expect(hash).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(digestOfChunkHash(hash).byteLength).toBe(32)
  })
})
