// Fixed cases for the reference model (reference-model.ts) that the model-based property test
// (model.property.test.ts) once shrank to: the model and the log must agree on them.
import { describe, expect, it } from 'vitest'
import { genesisChannelId } from '../../src/core/authority/channel-id.ts'
import type { SignedAuthorityEntry } from '../../src/core/authority/entry.ts'
import { type AuthorityLog, authorityLog } from '../../src/core/authority/log.ts'
import type { EntryHash, RoomId } from '../../src/core/types.ts'
import { type Step, makeHistory } from './adversary.ts'
import { modA, owner, testRoom } from './helpers.ts'
import { referenceReplay } from './reference-model.ts'

const genesisChannels = (hash: string, n: number): string[] => Array.from({ length: n }, (_, i) => genesisChannelId(hash as EntryHash, i))

/** Adds the entries one at a time in creation order and reversed; both must give one state. */
function replayed (room: RoomId, entries: readonly SignedAuthorityEntry[]): AuthorityLog {
  const logs = [entries, [...entries].reverse()].map((order) => {
    const log = authorityLog({ room })
    for (const e of order) log.add([e])
    return log
  })
  expect(logs[1]!.encodeState()).toEqual(logs[0]!.encodeState())
  return logs[0]!
}

/** The log and the model on the same entries, in the model's terms. */
function both (room: RoomId, entries: readonly SignedAuthorityEntry[]) {
  const log = replayed(room, entries)
  const refused = new Set(log.rejected().map((r) => r.hash as string))
  const model = referenceReplay(entries.map((e) => e.entry), genesisChannels)
  return {
    log: {
      accepted: entries.map((e) => e.hash as string).filter((h) => !refused.has(h)).sort(),
      members: Object.fromEntries(log.members().map((m): [string, string] => [m.id, m.role]).sort()),
      invites: Object.fromEntries(log.invites().map((i): [string, boolean] => [i.key, i.revoked]).sort())
    },
    model: {
      accepted: [...model.accepted].sort(),
      members: model.members,
      invites: Object.fromEntries(Object.entries(model.invites).map(([k, i]) => [k, i.revoked]))
    }
  }
}

describe('set-policy is not a removal (authority.md, the void rule)', () => {
  it('a key promoted concurrently with a switch to invite-only keeps the POST its role gives', async () => {
    // the switch to invite-only takes POST from role-less keys; modA is role-less when it applies,
    // but that is no loss the void rule knows, so modA's later invite for 'member' (POST) stands
    const r = await testRoom()
    const open = await r.act(owner, 'setPolicy', { policy: 'open' }, { prev: [r.genesis.hash], lamport: 1 })
    await r.act(owner, 'setPolicy', { policy: 'invite-only' }, { prev: [open.hash], lamport: 2 })
    const grant = await r.act(owner, 'grant', { target: modA.id, role: 'mod' }, { prev: [r.genesis.hash], lamport: 5 })
    const invite = await r.act(modA, 'inviteCreate', { secret: new Uint8Array(32).fill(9), role: 'member' }, { prev: [grant.hash], lamport: 6 })
    const { log, model } = both(r.log.room, r.made)
    expect(log.accepted).toContain(invite.hash)
    expect(model).toEqual(log)
  })

  it('the shrunk counterexample of fast-check seed -25893373', async () => {
    const steps: Step[] = [
      { signer: 0, target: 0, kind: 'grant', view: 0, lamport: 0, pick: 0, twin: false, backdate: null },
      { signer: 0, target: 0, kind: 'grant', view: 1, lamport: 0, pick: 0, twin: false, backdate: 'lower' },
      { signer: 0, target: 0, kind: 'join', view: 0, lamport: 0, pick: 0, twin: false, backdate: 'weaker' },
      { signer: 0, target: 0, kind: 'grant', view: 0, lamport: 0, pick: 0, twin: false, backdate: 'ban' },
      { signer: 0, target: 0, kind: 'set-policy', view: 0, lamport: 0, pick: 0, twin: true, backdate: null },
      { signer: 0, target: 0, kind: 'grant', view: 1, lamport: 0, pick: 0, twin: false, backdate: null }
    ]
    const { entries, room } = await makeHistory(steps)
    const { log, model } = both(room, entries)
    // mod 1's invite, made before its demotion and ban, died with the ban but was made
    expect(Object.values(log.invites)).toEqual([true])
    expect(model).toEqual(log)
  })
})
