// Peers that receive the same authority entries in different orders and batches end with the same
// state, and so does each of them after a reload from its storage (the in-memory storage twin):
// nothing that could later become valid is dropped, strangers' refused entries included.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRoomModel } from '../../src/client/room-model.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'
import { makeHistory, stepArb } from '../authority/adversary.ts'

const me = signerFromSeed(new Uint8Array(32).fill(99))
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('authority entries through the room model converge, before and after a reload', () => {
  it('gives one state for every arrival order and batching, and the same after reloading each peer', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(stepArb, { minLength: 1, maxLength: 10 }),
      fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
      fc.array(fc.nat({ max: 4 }), { minLength: 8, maxLength: 8 }),
      async (steps, sortKeys, batches) => {
        const { entries, room } = await makeHistory(steps)
        const shuffled = entries.map((e, i) => ({ e, k: sortKeys[i % sortKeys.length]! * 100 + i })).sort((a, b) => a.k - b.k).map((x) => x.e)
        const states: string[] = []
        for (const order of [entries, [...entries].reverse(), shuffled]) {
          const storage = createMemoryStorage()
          await storage.start()
          const model = createRoomModel({ storage, signer: () => me }, { room })
          for (let at = 0, b = 0; at < order.length; b++) {
            const size = 1 + batches[b % batches.length]!
            await model.addAuthority(order.slice(at, at + size).map((e) => e.bytes))
            at += size
          }
          states.push(hex(model.log.encodeState()))
          const reloaded = createRoomModel({ storage, signer: () => me }, { room })
          await reloaded.load()
          states.push(hex(reloaded.log.encodeState()))
        }
        for (const s of states) expect(s).toBe(states[0])
      }
    ), { numRuns: 25 })
  }, 300_000)
})
