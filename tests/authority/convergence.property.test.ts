import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type BuildInit, buildEntry } from '../../src/core/authority/build.ts'
import type { SignedAuthorityEntry } from '../../src/core/authority/entry.ts'
import { authorityLog } from '../../src/core/authority/log.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import { T0, actor } from './helpers.ts'

const people = [1, 2, 3, 4, 5, 6].map(actor)
const secrets = [new Uint8Array(32).fill(100), new Uint8Array(32).fill(101)]

/** One step of a random history: who acts, on whom, what, and how much of the log it has seen. */
const stepArb = fc.record({
  // weighted toward the owner and the two mods acting on each other: where the rules bite
  signer: fc.constantFrom(0, 0, 1, 1, 2, 2, 3, 4, 5),
  target: fc.constantFrom(1, 2, 1, 2, 3, 4, 5, 0),
  kind: fc.constantFrom('mod', 'member', 'revoke', 'revoke', 'ban', 'ban', 'unban', 'channel', 'invite', 'join', 'policy', 'role'),
  /** Fraction of the entries made so far that this signer has seen (a fork when below 1). */
  seen: fc.double({ min: 0, max: 1, noNaN: true }),
  lamportSkew: fc.nat({ max: 2 })
})

type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never

/** Builds the entries of a random history: each signer acts on top of the part of the log it has seen. */
async function makeHistory (steps: readonly Step[]): Promise<SignedAuthorityEntry[]> {
  const created = await createRoom({ signer: people[0]!, name: 'prop', policy: 'invite-only', channels: [{ name: 'general' }], nonce: new Uint8Array(16), ts: T0 })
  const made: SignedAuthorityEntry[] = [created.genesis]
  // two mods from the start, so random steps often meet concurrent moderation
  const mods = ([1, 2] as const).map((target): Step => ({ signer: 0, target, kind: 'mod', seen: 1, lamportSkew: 0 }))
  for (const [i, s] of [...mods, ...steps].entries()) {
    const view = authorityLog({ room: created.roomId })
    view.add(made.slice(0, Math.max(1, Math.ceil(s.seen * made.length))))
    const base = view.buildContext()
    const init: BuildInit = { context: { ...base, lamport: base.lamport + s.lamportSkew }, signer: people[s.signer]!, ts: T0 + i }
    const target = people[s.target]!.id
    const secret = secrets[i % 2]!
    const entry = await (
      s.kind === 'mod' || s.kind === 'member' ? buildEntry.grant(init, { target, role: s.kind })
        : s.kind === 'revoke' ? buildEntry.revoke(init, { target })
          : s.kind === 'ban' ? buildEntry.ban(init, { target, frontier: { [created.channels[0]!]: i } })
            : s.kind === 'unban' ? buildEntry.unban(init, { target })
              : s.kind === 'channel' ? buildEntry.channelCreate(init, { name: `c${i}` })
                : s.kind === 'invite' ? buildEntry.inviteCreate(init, { secret, role: 'member', maxUses: 1 })
                  : s.kind === 'join' ? buildEntry.join(init, { secret })
                    : s.kind === 'policy' ? buildEntry.setPolicy(init, { policy: i % 2 === 0 ? 'open' : 'invite-only' })
                      : buildEntry.defineRole(init, { name: 'helper', capabilities: 1 | 4, rank: 50 + i }))
    made.push(entry)
  }
  return made
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** Every proper ancestor of each entry, from the prev links alone. */
function ancestry (entries: readonly SignedAuthorityEntry[]): Map<string, Set<string>> {
  const byHash = new Map(entries.map((e) => [e.hash as string, e]))
  const memo = new Map<string, Set<string>>()
  const of = (h: string): Set<string> => {
    let found = memo.get(h)
    if (found != null) return found
    found = new Set()
    for (const p of byHash.get(h)?.entry.prev ?? []) {
      found.add(p)
      for (const a of of(p)) found.add(a)
    }
    memo.set(h, found)
    return found
  }
  for (const e of entries) of(e.hash)
  return memo
}

describe('authority replay converges', () => {
  it('gives byte-identical state for every order, duplication and batching of the same entries', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(stepArb, { minLength: 1, maxLength: 12 }),
      fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
      fc.array(fc.nat({ max: 4 }), { minLength: 30, maxLength: 30 }),
      async (steps, sortKeys, batchSizes) => {
        const entries = await makeHistory(steps)
        const reference = authorityLog({ room: entries[0]!.entry.room })
        reference.add(entries)
        const shuffled = entries.map((e, i) => ({ e, k: sortKeys[i % sortKeys.length]! * 1000 + i })).sort((a, b) => a.k - b.k).map((x) => x.e)
        const withDuplicates = [...shuffled, ...shuffled.filter((_, i) => sortKeys[i % sortKeys.length]! % 3 === 0)]
        // checkpoints every 2 entries, so late entries resume from all sorts of places
        const log = authorityLog({ room: reference.room, checkpointEvery: 2 })
        for (let at = 0, b = 0; at < withDuplicates.length; b++) {
          const size = 1 + batchSizes[b % batchSizes.length]!
          log.add(withDuplicates.slice(at, at + size))
          at += size
        }
        expect(log.complete).toBe(true)
        expect(hex(log.encodeState())).toBe(hex(reference.encodeState()))
        expect(log.buildContext()).toEqual(reference.buildContext())
      }
    ), { numRuns: 60 })
  })

  it('never keeps an action of a removed key that is concurrent with its removal', async () => {
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 14 }), async (steps) => {
      const entries = await makeHistory(steps)
      const log = authorityLog({ room: entries[0]!.entry.room })
      log.add(entries)
      const refused = new Set(log.rejected().map((r) => r.hash as string))
      const accepted = entries.filter((e) => !refused.has(e.hash))
      const anc = ancestry(entries)
      const removals = accepted.filter((e) => e.entry.action === 'ban' || (e.entry.action === 'revoke' && e.entry.target !== e.entry.signer))
      for (const r of removals) {
        const target = (r.entry as { target: string }).target
        for (const x of accepted.filter((e) => e.entry.signer === target)) {
          expect(anc.get(r.hash)!.has(x.hash) || anc.get(x.hash)!.has(r.hash)).toBe(true)
        }
      }
    }), { numRuns: 60 })
  })
})
