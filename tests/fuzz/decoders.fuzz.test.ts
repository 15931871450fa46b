// Every decoder of peer data against hostile input: never a throw, always a verdict with a known
// reason. FUZZ_RUNS inputs each (5,000 here; `npm run fuzz` runs 100,000 per decoder).
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateAuthorityEntry } from '../../src/core/authority/validate-entry.ts'
import { parseEnvelope } from '../../src/core/feed/entry.ts'
import { validateProfile } from '../../src/core/identity/profile.ts'
import { parseInviteLink } from '../../src/core/room/invite-link.ts'
import { decodeSyncMessage } from '../../src/core/sync/messages.ts'
import { validatePresence } from '../../src/network/room-presence.ts'
import { FUZZ_RUNS, fuzz, hostileBytes } from './mutate.ts'
import { T0, makeSeeds } from './seeds.ts'

let seeds: Awaited<ReturnType<typeof makeSeeds>>
beforeAll(async () => { seeds = await makeSeeds() })

/** Big runs take a while on a loaded machine; a timeout here is not a failure of the decoder. */
const TIMEOUT = Math.max(120_000, FUZZ_RUNS * 10)

/** Character-level damage to a link: cut, insert, replace, and random text. */
const hostileText = (links: readonly string[]): fc.Arbitrary<string> => fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ maxLength: 300, unit: 'binary' }),
  fc.record({ seed: fc.nat({ max: links.length - 1 }), at: fc.nat(), cut: fc.nat({ max: 40 }), insert: fc.string({ maxLength: 12 }) })
    .map(({ seed, at, cut, insert }) => {
      const s = links[seed]!
      const i = at % (s.length + 1)
      return s.slice(0, i) + insert + s.slice(i + cut)
    })
)

describe('decoders of peer data never throw', () => {
  it('the harness catches a decoder that throws, or answers something that is not a verdict', async () => {
    const thrown = await fuzz(hostileBytes(seeds.sync), (b) => { if (b[0] === 0xa3) throw new Error('boom'); return decodeSyncMessage(b) }, 2000)
    expect(thrown.length).toBeGreaterThan(0)
    expect(thrown[0]!.error).toContain('boom')
    expect(await fuzz(hostileBytes(seeds.sync), () => ({ ok: false, reason: 'no-such-reason', detail: '' }), 10)).toHaveLength(5)
  })

  it('sanity: every seed is accepted as it stands', async () => {
    for (const bytes of seeds.authority) expect((await validateAuthorityEntry(bytes, seeds.room)).ok).toBe(true)
    for (const envelope of seeds.feed) expect(parseEnvelope(envelope, seeds.room).ok).toBe(true)
    for (const bytes of seeds.sync) expect(decodeSyncMessage(bytes).ok).toBe(true)
    for (const bytes of seeds.presence) expect((await validatePresence(bytes, seeds.room, T0)).ok).toBe(true)
    for (const bytes of seeds.profiles) expect((await validateProfile(bytes)).ok).toBe(true)
    for (const text of seeds.links) expect(parseInviteLink(text).ok).toBe(true)
  })

  it(`authority entries: ${FUZZ_RUNS} hostile inputs`, async () => {
    expect(await fuzz(hostileBytes(seeds.authority), (b) => validateAuthorityEntry(b, seeds.room))).toEqual([])
  }, TIMEOUT)

  it(`feed envelopes: ${FUZZ_RUNS} hostile inputs`, async () => {
    const arb = fc.oneof(
      { weight: 9, arbitrary: fc.record({ entry: hostileBytes(seeds.feed.map((e) => e.entry)), payload: fc.oneof(fc.constant(null), fc.uint8Array({ maxLength: 40 }), fc.constantFrom(...seeds.feed.map((e) => e.payload))) }) },
      { weight: 1, arbitrary: fc.anything() }
    )
    expect(await fuzz(arb, (envelope) => parseEnvelope(envelope, seeds.room))).toEqual([])
  }, TIMEOUT)

  it(`sync messages: ${FUZZ_RUNS} hostile inputs`, async () => {
    expect(await fuzz(hostileBytes(seeds.sync), (b) => decodeSyncMessage(b))).toEqual([])
  }, TIMEOUT)

  it(`presence notices: ${FUZZ_RUNS} hostile inputs`, async () => {
    expect(await fuzz(hostileBytes(seeds.presence), (b) => validatePresence(b, seeds.room, T0))).toEqual([])
  }, TIMEOUT)

  it(`profiles: ${FUZZ_RUNS} hostile inputs`, async () => {
    expect(await fuzz(hostileBytes(seeds.profiles), (b) => validateProfile(b))).toEqual([])
  }, TIMEOUT)

  it(`invite links: ${FUZZ_RUNS} hostile inputs`, async () => {
    expect(await fuzz(hostileText(seeds.links), (text) => parseInviteLink(text))).toEqual([])
  }, TIMEOUT)
})
