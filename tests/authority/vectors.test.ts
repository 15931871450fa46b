import { describe, expect, it } from 'vitest'
import vectors from '../fixtures/authority.vectors.json' with { type: 'json' }
import { loadAuthorityLog } from '../../src/core/authority/log.ts'
import { validateAuthorityEntry } from '../../src/core/authority/validate-entry.ts'
import { hashOf } from '../../src/core/codec/hash.ts'
import { asAuthorId, asChannelId, asRoomId } from '../../src/core/types.ts'

const bytesOf = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'))

describe('authority protocol vectors (tests/fixtures/authority.vectors.json)', () => {
  it.each(vectors.entry.map((v) => [v.name, v] as const))('entry: %s', async (_name, v) => {
    const verdict = await validateAuthorityEntry(bytesOf(v.bytes), asRoomId(v.room))
    if (v.valid) expect(verdict).toMatchObject({ ok: true, value: { hash: v.hash } })
    else expect(verdict).toMatchObject({ ok: false, reason: v.reason })
  })

  it.each(vectors.replay.map((v) => [v.name, v] as const))('replay: %s', async (_name, v) => {
    for (const entries of [v.entries, [...v.entries].reverse()]) {
      const { log, invalid } = await loadAuthorityLog(asRoomId(v.room), entries.map(bytesOf))
      expect(invalid).toEqual([])
      const e = v.expected
      expect(log.complete).toBe(e.complete)
      expect(Object.fromEntries(log.members().map((m) => [m.id, m.role]))).toEqual(e.members)
      expect(log.bans().map((b) => b.target).sort()).toEqual(e.bans)
      expect(log.channels().map((c) => ({ id: c.id, name: c.name, archived: c.archived }))).toEqual(e.channels)
      expect(log.rejected().map((r) => ({ hash: r.hash, reason: r.reason }))).toEqual(e.rejected)
      expect(hashOf(log.encodeState())).toBe(e.stateHash)
      for (const m of e.mayAppend as Array<{ author: string, channel: string, seq: number, ok: boolean, reason?: string }>) {
        const verdict = log.mayAppend(asAuthorId(m.author), asChannelId(m.channel), m.seq)
        expect(verdict).toMatchObject(m.ok ? { ok: true } : { ok: false, reason: m.reason })
      }
    }
  })
})
