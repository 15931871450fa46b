import * as dagCbor from '@ipld/dag-cbor'
import { type Signer, signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { type BuildInit, buildEntry } from '../../src/core/authority/build.ts'
import { type SignedAuthorityEntry, signedBytesOf } from '../../src/core/authority/entry.ts'
import { type AuthorityLog, authorityLog } from '../../src/core/authority/log.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import type { ChannelId } from '../../src/core/types.ts'

/** A deterministic key for test actor `n` (1..255). */
export const actor = (n: number): Signer => signerFromSeed(new Uint8Array(32).fill(n))

export const owner = actor(1)
export const modA = actor(2)
export const modB = actor(3)
export const alice = actor(4)
export const bob = actor(5)

export const T0 = 1_700_000_000_000

export interface TestRoom {
  readonly log: AuthorityLog
  readonly genesis: SignedAuthorityEntry
  readonly general: ChannelId
  /** Every entry made so far, in creation order. */
  readonly made: SignedAuthorityEntry[]
  /** Signs with `signer` on top of the log's current heads and adds the entry to the log. */
  act<K extends keyof typeof buildEntry>(signer: Signer, kind: K, fields: Parameters<typeof buildEntry[K]>[1], at?: Partial<BuildInit['context']>): Promise<SignedAuthorityEntry>
}

/** A room made by `owner` with one channel, 'general'. */
export async function testRoom (policy: 'open' | 'invite-only' = 'invite-only'): Promise<TestRoom> {
  const created = await createRoom({ signer: owner, name: 'test room', policy, channels: [{ name: 'general' }], nonce: new Uint8Array(16).fill(7), ts: T0 })
  const log = authorityLog({ room: created.roomId })
  log.add([created.genesis])
  const made: SignedAuthorityEntry[] = [created.genesis]
  return {
    log,
    genesis: created.genesis,
    general: created.channels[0]!,
    made,
    async act (signer, kind, fields, at) {
      const context = { ...log.buildContext(), ...at }
      const builder = buildEntry[kind] as (init: BuildInit, f: typeof fields) => Promise<SignedAuthorityEntry>
      const signed = await builder({ context, signer, ts: T0 + made.length }, fields)
      made.push(signed)
      log.add([signed])
      return signed
    }
  }
}

/** Decodes an entry, lets `change` edit the record, and signs it again with `signer`: a validly signed forgery. */
export async function resign (bytes: Uint8Array, signer: Signer, change: (r: Record<string, unknown>) => void): Promise<Uint8Array> {
  const record = dagCbor.decode<Record<string, unknown>>(bytes)
  change(record)
  record.sig = await signer.sign(signedBytesOf(record))
  return encodeCanonical(record)
}
