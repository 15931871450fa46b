// Model-based adversarial histories: honest and hostile actors issue random sequences of every
// action on partial, stale or forged views of the log (back-dating, capability loss by every route,
// concurrent bans, invite races, lamport games). Every arrival order must give one state, and it
// must equal the reference model (reference-model.ts), which shares no code with the reducer.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { genesisChannelId } from '../../src/core/authority/channel-id.ts'
import type { SignedAuthorityEntry } from '../../src/core/authority/entry.ts'
import { type AuthorityLog, authorityLog } from '../../src/core/authority/log.ts'
import type { EntryHash } from '../../src/core/types.ts'
import { makeHistory, stepArb } from './adversary.ts'
import { referenceReplay } from './reference-model.ts'

/** The log's answer in the model's terms. */
function project (log: AuthorityLog, entries: readonly SignedAuthorityEntry[]) {
  const refused = new Set(log.rejected().map((r) => r.hash as string))
  return {
    accepted: new Set(entries.map((e) => e.hash as string).filter((h) => !refused.has(h))),
    members: Object.fromEntries(log.members().map((m): [string, string] => [m.id, m.role]).sort()),
    bans: log.bans().map((b) => b.target as string).sort(),
    policy: log.info().policy,
    invites: Object.fromEntries(log.invites().map((i): [string, boolean] => [i.key, i.revoked]).sort()),
    channels: Object.fromEntries(log.channels().map((c): [string, unknown] => [c.id, { name: c.name, archived: c.archived, position: c.position, pins: c.pins }]).sort())
  }
}

const genesisChannels = (hash: string, n: number): string[] => Array.from({ length: n }, (_, i) => genesisChannelId(hash as EntryHash, i))

describe('authority log against a reference model, under adversarial histories', () => {
  it('every arrival order gives one state, equal to the reference model', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(stepArb, { minLength: 1, maxLength: 12 }),
      fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
      fc.array(fc.nat({ max: 5 }), { minLength: 10, maxLength: 10 }),
      async (steps, sortKeys, batches) => {
        const { entries, room } = await makeHistory(steps)
        const model = referenceReplay(entries.map((e) => e.entry), genesisChannels)
        const orders = [entries, [...entries].reverse(), entries.map((e, i) => ({ e, k: sortKeys[i % sortKeys.length]! * 100 + i })).sort((a, b) => a.k - b.k).map((x) => x.e)]
        let first: Uint8Array | undefined
        for (const [n, order] of orders.entries()) {
          const log = authorityLog({ room, checkpointEvery: 1 + n * 3 })
          for (let at = 0, b = 0; at < order.length; b++) {
            const size = 1 + batches[b % batches.length]!
            log.add(order.slice(at, at + size))
            at += size
          }
          first ??= log.encodeState()
          expect(log.encodeState()).toEqual(first)
          expect(project(log, entries)).toEqual({ ...model, invites: Object.fromEntries(Object.entries(model.invites).map(([k, i]) => [k, i.revoked])) })
        }
      }
    ), { numRuns: Number(process.env.MODEL_RUNS ?? 60) })
  }, 300_000)
})
