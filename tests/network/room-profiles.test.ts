import { describe, expect, it } from 'vitest'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { rawCidOf } from '../../src/core/codec/hash.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { PROFILE_MAX_BYTES, buildProfile, validateProfile } from '../../src/core/identity/profile.ts'
import { asAuthorId, asRoomId } from '../../src/core/types.ts'
import {
  PROFILES_ANSWER_MAX_BYTES, PROFILES_MAX_COUNT, decodeProfilesAnswer, decodeProfilesRequest, encodeProfilesAnswer, encodeProfilesRefusal, encodeProfilesRequest
} from '../../src/network/room-profiles.ts'

const room = asRoomId(rawCidOf(new TextEncoder().encode('profiles room')).toString())
const alice = signerFromSeed(new Uint8Array(32).fill(1))
const bob = signerFromSeed(new Uint8Array(32).fill(2))
const key = (i: number): string => i.toString(16).padStart(64, '0')

describe('room profiles request', () => {
  it('round-trips the room and the authors asked for', () => {
    const bytes = encodeProfilesRequest({ room, authors: [alice.id, bob.id] })
    expect(decodeProfilesRequest(bytes)).toEqual({ ok: true, value: { room, authors: [alice.id, bob.id] } })
  })

  it('sends at most the count limit of authors', () => {
    const authors = Array.from({ length: PROFILES_MAX_COUNT + 10 }, (_, i) => asAuthorId(key(i)))
    const decoded = decodeProfilesRequest(encodeProfilesRequest({ room, authors }))
    expect(decoded.ok && decoded.value.authors.length).toBe(PROFILES_MAX_COUNT)
  })

  it('refuses too many authors, non-keys, a missing room and garbage, without throwing', () => {
    const many = Array.from({ length: PROFILES_MAX_COUNT + 1 }, (_, i) => key(i))
    expect(decodeProfilesRequest(encodeCanonical({ room, authors: many }))).toMatchObject({ ok: false })
    expect(decodeProfilesRequest(encodeCanonical({ room, authors: ['not a key'] }))).toMatchObject({ ok: false, reason: 'malformed' })
    expect(decodeProfilesRequest(encodeCanonical({ authors: [] }))).toMatchObject({ ok: false, reason: 'malformed' })
    expect(decodeProfilesRequest(new Uint8Array([0xff, 0x00, 0x13]))).toMatchObject({ ok: false })
    expect(decodeProfilesRequest(new Uint8Array(64 * 1024))).toMatchObject({ ok: false, reason: 'too-large' })
  })
})

describe('room profiles answer', () => {
  it('round-trips signed profiles, which still validate', async () => {
    const profiles = [await buildProfile(alice, { name: 'alice', updatedAt: 1 }), await buildProfile(bob, { name: 'bob', updatedAt: 2 })]
    const decoded = decodeProfilesAnswer(encodeProfilesAnswer(profiles.map((p) => p.bytes)))
    if (!decoded.ok) throw new Error(decoded.detail)
    const names = await Promise.all(('profiles' in decoded.value ? decoded.value.profiles : []).map(async (b) => { const v = await validateProfile(b); return v.ok ? v.value.name : undefined }))
    expect(names).toEqual(['alice', 'bob'])
  })

  it('carries a refusal, and nothing else, to a requester without standing', () => {
    expect(decodeProfilesAnswer(encodeProfilesRefusal('unauthorized: not a member'))).toEqual({ ok: true, value: { refused: 'unauthorized: not a member' } })
  })

  it('the responder keeps within the count and byte limits', () => {
    const small = Array.from({ length: PROFILES_MAX_COUNT + 5 }, () => new Uint8Array(10))
    const byCount = decodeProfilesAnswer(encodeProfilesAnswer(small))
    expect(byCount.ok && 'profiles' in byCount.value && byCount.value.profiles.length).toBe(PROFILES_MAX_COUNT)
    const big = Array.from({ length: 30 }, () => new Uint8Array(PROFILE_MAX_BYTES))
    const byBytes = decodeProfilesAnswer(encodeProfilesAnswer(big))
    expect(byBytes.ok && 'profiles' in byBytes.value && byBytes.value.profiles.length).toBe(Math.floor(PROFILES_ANSWER_MAX_BYTES / PROFILE_MAX_BYTES))
    const oversized = decodeProfilesAnswer(encodeProfilesAnswer([new Uint8Array(PROFILE_MAX_BYTES + 1)]))
    expect(oversized.ok && oversized.value).toEqual({ profiles: [] })
  })

  it('refuses answers over the limits or of the wrong shape, without throwing', () => {
    expect(decodeProfilesAnswer(encodeCanonical({ profiles: Array.from({ length: PROFILES_MAX_COUNT + 1 }, () => new Uint8Array(1)) }))).toMatchObject({ ok: false })
    expect(decodeProfilesAnswer(encodeCanonical({ profiles: [new Uint8Array(PROFILE_MAX_BYTES + 1)] }))).toMatchObject({ ok: false, reason: 'malformed' })
    expect(decodeProfilesAnswer(encodeCanonical({ profiles: Array.from({ length: 23 }, () => new Uint8Array(PROFILE_MAX_BYTES)) }))).toMatchObject({ ok: false, reason: 'too-large' })
    expect(decodeProfilesAnswer(encodeCanonical({ profiles: ['text'] }))).toMatchObject({ ok: false, reason: 'malformed' })
    expect(decodeProfilesAnswer(encodeCanonical({ nothing: 1 }))).toMatchObject({ ok: false, reason: 'malformed' })
    expect(decodeProfilesAnswer(encodeCanonical({ refused: 'x'.repeat(201) }))).toMatchObject({ ok: false, reason: 'malformed' })
    expect(decodeProfilesAnswer(encodeCanonical({ refused: 7 }))).toMatchObject({ ok: false, reason: 'malformed' })
    expect(decodeProfilesAnswer(new Uint8Array([0xa1]))).toMatchObject({ ok: false })
    expect(decodeProfilesAnswer(new Uint8Array(2 * PROFILES_ANSWER_MAX_BYTES))).toMatchObject({ ok: false, reason: 'too-large' })
  })
})
