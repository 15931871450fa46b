import { describe, expect, it } from 'vitest'
import { encodeCanonical, decodeCanonical } from '../../src/core/codec/canonical.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { signUserRecord, validateUserRecord, userRecordKey, dhtUserRecordSelector, dhtUserRecordValidator } from '../../src/network/user-record.ts'
import { InvalidUserRecordError } from '../../src/network/errors.ts'

const alice = signerFromSeed(new Uint8Array(32).fill(1))
const bob = signerFromSeed(new Uint8Array(32).fill(2))
const hints = [{ peerId: '12D3KooWExample', addrs: ['/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3KooWRelay/p2p-circuit/webrtc/p2p/12D3KooWExample'] }]

/** Re-encodes a record with one field changed (signature left as it was). */
function tamper (bytes: Uint8Array, change: (r: Record<string, unknown>) => void): Uint8Array {
  const decoded = decodeCanonical<Record<string, unknown>>(bytes, 4096)
  if (!decoded.ok) throw new Error('fixture is not canonical')
  const copy = { ...decoded.value }
  change(copy)
  return encodeCanonical(copy)
}

describe('user routing-hint records', () => {
  it('round-trips: a signed record validates under its author key', async () => {
    const record = await signUserRecord(alice, hints, 1_000)
    const checked = await validateUserRecord(userRecordKey(alice.id), record.bytes)
    expect(checked).toMatchObject({ ok: true, value: { author: alice.id, hints, ts: 1_000 } })
  })

  it('rejects, with a reason, a record under another author key, a bad signature, extra fields and junk', async () => {
    const record = await signUserRecord(alice, hints, 1_000)
    expect(await validateUserRecord(userRecordKey(bob.id), record.bytes)).toMatchObject({ ok: false, reason: 'unauthorized' })
    expect(await validateUserRecord(userRecordKey(alice.id), tamper(record.bytes, (r) => { r.ts = 2_000 }))).toMatchObject({ ok: false, reason: 'bad-signature' })
    expect(await validateUserRecord(userRecordKey(alice.id), tamper(record.bytes, (r) => { r.extra = 1 }))).toMatchObject({ ok: false, reason: 'malformed' })
    expect(await validateUserRecord(userRecordKey(alice.id), tamper(record.bytes, (r) => { r.hints = [{ peer: 'x', addrs: [42] }] }))).toMatchObject({ ok: false, reason: 'malformed' })
    expect(await validateUserRecord(userRecordKey(alice.id), new Uint8Array([0xff, 0x00]))).toMatchObject({ ok: false, reason: 'malformed' })
    expect(await validateUserRecord(userRecordKey(alice.id), new Uint8Array(5000))).toMatchObject({ ok: false, reason: 'too-large' })
  })

  it('refuses to sign a record over the limits (local misuse throws a named error)', async () => {
    const tooMany = Array.from({ length: 9 }, (_, i) => ({ peerId: `peer${i}`, addrs: [] }))
    await expect(signUserRecord(alice, tooMany)).rejects.toBeInstanceOf(InvalidUserRecordError)
  })

  it('kad-dht validator throws on an invalid record and passes a valid one', async () => {
    const record = await signUserRecord(alice, hints)
    await expect(dhtUserRecordValidator(userRecordKey(alice.id), record.bytes)).resolves.toBeUndefined()
    await expect(dhtUserRecordValidator(userRecordKey(bob.id), record.bytes)).rejects.toThrow(/unauthorized/)
  })

  it('selector: the newest valid record wins; invalid ones never do, whatever their ts', async () => {
    const key = userRecordKey(alice.id)
    const old = await signUserRecord(alice, hints, 1_000)
    const newer = await signUserRecord(alice, [], 2_000)
    const forged = tamper(newer.bytes, (r) => { r.ts = 9_000 })
    expect(await dhtUserRecordSelector(key, [old.bytes, newer.bytes])).toBe(1)
    expect(await dhtUserRecordSelector(key, [newer.bytes, old.bytes])).toBe(0)
    expect(await dhtUserRecordSelector(key, [forged, old.bytes])).toBe(1)
  })

  it('selector: equal timestamps pick the same record in any order', async () => {
    const key = userRecordKey(alice.id)
    const a = await signUserRecord(alice, hints, 5_000)
    const b = await signUserRecord(alice, [], 5_000)
    const first = [a.bytes, b.bytes][await dhtUserRecordSelector(key, [a.bytes, b.bytes])]
    const second = [b.bytes, a.bytes][await dhtUserRecordSelector(key, [b.bytes, a.bytes])]
    expect(first).toEqual(second)
  })
})
