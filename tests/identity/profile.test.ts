import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as dagCbor from '@ipld/dag-cbor'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { signerFromSeed, type Signer } from '../../src/core/identity/ed25519.ts'
import { type Avatar, buildProfile, newerProfile, PROFILE_NAME_MAX_CHARS, validateProfile } from '../../src/core/identity/profile.ts'

const alice = signerFromSeed(new Uint8Array(32).fill(1))
const bob = signerFromSeed(new Uint8Array(32).fill(2))
const png: Avatar = { mime: 'image/png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) }

/** Signs any body the way buildProfile does, to craft records that break one rule at a time. */
async function signed (signer: Signer, fields: Record<string, unknown>): Promise<Uint8Array> {
  const body = { v: 1, t: 'profile', author: signer.publicKey, name: 'Alice', updatedAt: 1_000, ...fields }
  return encodeCanonical({ ...body, sig: await signer.sign(encodeCanonical(body)) })
}

describe('signed profiles', () => {
  it('builds, signs and validates a profile with and without an avatar', async () => {
    const plain = await buildProfile(alice, { name: '  Alice  ', updatedAt: 5 })
    expect(plain).toMatchObject({ author: alice.id, name: 'Alice', updatedAt: 5 })
    expect(plain.avatar).toBeUndefined()
    expect(await validateProfile(plain.bytes)).toEqual({ ok: true, value: plain })
    const withAvatar = await buildProfile(alice, { name: 'Alice', avatar: png, updatedAt: 6 })
    const checked = await validateProfile(withAvatar.bytes)
    expect(checked.ok && checked.value.avatar).toEqual(png)
  })

  it('counts name length in characters, not UTF-16 units', async () => {
    const emoji = '😀'.repeat(PROFILE_NAME_MAX_CHARS)
    expect((await buildProfile(alice, { name: emoji })).name).toBe(emoji)
    await expect(buildProfile(alice, { name: emoji + '😀' })).rejects.toMatchObject({ name: 'InvalidProfileError' })
  })

  it('refuses bad local input with InvalidProfileError', async () => {
    for (const name of ['', '   ', 'x'.repeat(65), 'line\nbreak', 'evil\u202Eeman', 'bell\u0007']) {
      await expect(buildProfile(alice, { name }), JSON.stringify(name)).rejects.toMatchObject({ name: 'InvalidProfileError' })
    }
    await expect(buildProfile(alice, { name: 'A', avatar: { mime: 'image/svg+xml' as Avatar['mime'], bytes: new Uint8Array(3) } })).rejects.toMatchObject({ name: 'InvalidProfileError' })
    await expect(buildProfile(alice, { name: 'A', avatar: { mime: 'image/png', bytes: new Uint8Array(32 * 1024 + 1) } })).rejects.toMatchObject({ name: 'InvalidProfileError' })
    expect((await buildProfile(alice, { name: 'A', avatar: { mime: 'image/png', bytes: new Uint8Array(32 * 1024) } })).avatar?.bytes.length).toBe(32 * 1024)
  })

  it('rejects profiles from peers with a reason, one broken rule at a time', async () => {
    const good = await buildProfile(alice, { name: 'Alice', updatedAt: 1_000 })
    const cases: Array<[string, Uint8Array, string]> = [
      ['a signature over another name', encodeCanonical({ ...dagCbor.decode<object>(good.bytes), name: 'Mallory' }), 'bad-signature'],
      ['another author\'s signature', encodeCanonical({ ...dagCbor.decode<object>(await signed(bob, {})), author: alice.publicKey }), 'bad-signature'],
      ['an unknown field', await signed(alice, { extra: 1 }), 'malformed'],
      ['an untrimmed name', await signed(alice, { name: ' Alice' }), 'malformed'],
      ['an empty name', await signed(alice, { name: '' }), 'malformed'],
      ['a 65-character name', await signed(alice, { name: 'x'.repeat(65) }), 'malformed'],
      ['a negative updatedAt', await signed(alice, { updatedAt: -1 }), 'malformed'],
      ['an SVG avatar', await signed(alice, { avatar: { mime: 'image/svg+xml', bytes: new Uint8Array(3) } }), 'malformed'],
      ['an avatar with extra fields', await signed(alice, { avatar: { ...png, alt: 'x' } }), 'malformed'],
      ['an avatar over 32 KiB', await signed(alice, { avatar: { mime: 'image/png', bytes: new Uint8Array(32 * 1024 + 1) } }), 'too-large'],
      ['a record over 48 KiB', await signed(alice, { name: 'A', avatar: { mime: 'image/png', bytes: new Uint8Array(48 * 1024) } }), 'too-large'],
      ['version 2', await signed(alice, { v: 2 }), 'malformed'],
      ['the identity key with signature (identity || 0)', encodeCanonical({ v: 1, t: 'profile', author: Uint8Array.from([1, ...new Uint8Array(31)]), name: 'Zero', updatedAt: 1, sig: Uint8Array.from([1, ...new Uint8Array(63)]) }), 'weak-key'],
      ['a list instead of a map', encodeCanonical([1, 2]), 'malformed'],
      ['not CBOR', new Uint8Array([0xff, 0x00]), 'malformed'],
      ['non-canonical CBOR (a map with unsorted keys)', Uint8Array.from([0xa2, 0x61, 0x74, 0x61, 0x70, 0x61, 0x61, 0x01]), 'non-canonical']
    ]
    for (const [what, bytes, reason] of cases) {
      const result = await validateProfile(bytes)
      expect(result.ok ? 'accepted' : result.reason, what).toBe(reason)
    }
  })

  it('never throws, and accepts no altered byte of a signed profile', async () => {
    const good = await buildProfile(alice, { name: 'Alice', avatar: png, updatedAt: 7 })
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
      expect((await validateProfile(bytes)).ok).toBe(false)
    }), { numRuns: 300 })
    await fc.assert(fc.asyncProperty(fc.nat(good.bytes.length - 1), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
      const altered = good.bytes.slice()
      altered[at]! ^= xor
      expect((await validateProfile(altered)).ok).toBe(false)
    }), { numRuns: 300 })
  })

  it('settles on the newest version, the lower hash on a tie, whatever the order', async () => {
    const older = await buildProfile(alice, { name: 'Old', updatedAt: 10 })
    const newer = await buildProfile(alice, { name: 'New', updatedAt: 11 })
    expect(newerProfile(older, newer)).toBe(newer)
    expect(newerProfile(newer, older)).toBe(newer)
    const tieA = await buildProfile(alice, { name: 'Tie A', updatedAt: 12 })
    const tieB = await buildProfile(alice, { name: 'Tie B', updatedAt: 12 })
    const lower = tieA.hash < tieB.hash ? tieA : tieB
    expect(newerProfile(tieA, tieB)).toBe(lower)
    expect(newerProfile(tieB, tieA)).toBe(lower)
    expect(() => newerProfile(older, { ...older, author: bob.id })).toThrow('different authors')
  })

  it('dates an update after the previous version even when the clock went back', async () => {
    const first = await buildProfile(alice, { name: 'First', updatedAt: 5_000 })
    const second = await buildProfile(alice, { name: 'Second', updatedAt: 4_000, previous: first })
    expect(second.updatedAt).toBe(5_001)
    expect(newerProfile(first, second)).toBe(second)
  })
})
