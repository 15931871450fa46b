// Input generators for decoder fuzzing: random bytes, byte-level mutations of valid samples, and
// valid samples with one decoded field swapped for a hostile value and encoded canonically again.
import * as dagCbor from '@ipld/dag-cbor'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { RejectReason } from '../../src/core/result.ts'

/** Values a hostile peer might put in any field. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, '', 'x'.repeat(5000), [], {}),
  fc.integer(),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 80 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 })), { maxLength: 6 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { maxKeys: 4 }),
  fc.constant(CID.parse('bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmqqme5yby'))
)

function splice (bytes: Uint8Array, at: number, drop: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - Math.min(drop, bytes.length - at) + insert.length)
  out.set(bytes.subarray(0, at))
  out.set(insert, at)
  out.set(bytes.subarray(Math.min(bytes.length, at + drop)), at + insert.length)
  return out
}

/** Byte-level damage to one of `seeds`: flips, cuts, inserts, overwrites, repeats. */
function byteMutation (seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    ops: fc.array(fc.record({ kind: fc.nat({ max: 4 }), at: fc.nat(), len: fc.nat({ max: 16 }), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }), { minLength: 1, maxLength: 4 })
  }).map(({ seed, ops }) => {
    let b = seeds[seed]!
    for (const op of ops) {
      const at = b.length === 0 ? 0 : op.at % b.length
      // a copy: seeds may be Node Buffers, whose slice() is a view
      if (op.kind === 0) { b = new Uint8Array(b); b[at] = (b[at] ?? 0) ^ (1 << (op.len % 8)) }
      else if (op.kind === 1) b = b.subarray(0, at)
      else if (op.kind === 2) b = splice(b, at, 0, op.bytes)
      else if (op.kind === 3) b = splice(b, at, op.bytes.length, op.bytes)
      else b = splice(b, at, 0, b.subarray(at, at + op.len))
    }
    return b
  })
}

/** A decoded seed with one field (possibly nested one level) replaced or removed, or one added. */
function fieldMutation (seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const records = seeds.map((s) => dagCbor.decode<unknown>(s))
  return fc.record({ seed: fc.nat({ max: records.length - 1 }), pick: fc.nat(), inner: fc.nat(), value: hostileValue, mode: fc.nat({ max: 2 }) }).map(({ seed, pick, inner, value, mode }) => {
    const record = structuredClone(records[seed]) as Record<string, unknown>
    if (typeof record !== 'object' || record == null) return encodeCanonical(value)
    const keys = Object.keys(record)
    const key = keys[pick % Math.max(1, keys.length)] ?? 'extra'
    const target = record[key]
    if (mode === 0) record[key] = value
    else if (mode === 1) delete record[key]
    else if (typeof target === 'object' && target != null && !(target instanceof Uint8Array) && !(target instanceof CID)) {
      const innerKeys = Object.keys(target)
      ;(target as Record<string, unknown>)[innerKeys[inner % Math.max(1, innerKeys.length)] ?? 'extra'] = value
    } else record[`x${inner % 3}`] = value
    try {
      return encodeCanonical(record)
    } catch {
      // some hostile values (non-integer floats, undefined) have no canonical form: send them raw
      return dagCbor.encode(record)
    }
  })
}

/** Every kind of input, mixed: mostly damaged samples (they get past the first checks), some noise. */
export function hostileBytes (seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 1, arbitrary: hostileValue.map((v) => { try { return encodeCanonical(v) } catch { return new Uint8Array([0xf9, 0x7e, 0x00]) } }) },
    { weight: 4, arbitrary: byteMutation(seeds) },
    { weight: 4, arbitrary: fieldMutation(seeds) }
  )
}

const REASONS = new Set<string>(Object.values(RejectReason))

/** What every verdict of a decoder must look like: accepted, or refused with a known reason. */
export function isVerdict (v: unknown): boolean {
  if (typeof v !== 'object' || v == null) return false
  const r = v as { ok?: unknown, reason?: unknown, detail?: unknown }
  return r.ok === true || (r.ok === false && typeof r.reason === 'string' && REASONS.has(r.reason) && typeof r.detail === 'string')
}

/** How many inputs each decoder gets: FUZZ_RUNS (the `npm run fuzz` script sets 100,000), else a CI-sized count. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 5000)

/**
 * Feeds `runs` inputs from `arb` to `decode` (in chunks, so memory stays flat) and returns the
 * inputs that threw or returned something that is not a verdict, with the error; [] is a pass.
 * Seeded, so a failure replays.
 */
export async function fuzz<T> (arb: fc.Arbitrary<T>, decode: (input: T) => unknown, runs = FUZZ_RUNS, seed = 42): Promise<Array<{ input: T, error: string }>> {
  const failures: Array<{ input: T, error: string }> = []
  const chunk = 2000
  for (let done = 0, round = 0; done < runs; done += chunk, round++) {
    for (const input of fc.sample(arb, { numRuns: Math.min(chunk, runs - done), seed: seed + round })) {
      try {
        const verdict = await decode(input)
        if (!isVerdict(verdict)) failures.push({ input, error: `not a verdict: ${String(verdict)}` })
      } catch (err) {
        failures.push({ input, error: String(err) })
      }
      if (failures.length >= 5) return failures
    }
  }
  return failures
}
