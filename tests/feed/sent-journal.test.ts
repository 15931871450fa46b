// The sent journal over its in-memory backing twin (a page uses localStorage, which has the same shape).
import { describe, expect, it, vi } from 'vitest'
import { type JournalBacking, createSentJournal, memoryJournalBacking } from '../../src/core/feed/sent-journal.ts'
import type { EntryHash, RoomId } from '../../src/core/types.ts'

const room = 'room-a' as RoomId
const other = 'room-b' as RoomId
const envelope = (n: number): { entry: Uint8Array, payload: Uint8Array | null } => ({ entry: new Uint8Array([n, n, n]), payload: n % 2 === 0 ? null : new Uint8Array([n]) })
const hash = (n: number): EntryHash => `h${n}` as EntryHash

describe('sent journal', () => {
  it('keeps what is recorded and not settled, per room and in order, across a new journal over the same backing', () => {
    const backing = memoryJournalBacking()
    const journal = createSentJournal(backing, 'sent/')
    for (const n of [1, 2, 3]) expect(journal.record(room, hash(n), envelope(n))).toBe(true)
    expect(journal.record(other, hash(9), envelope(9))).toBe(true)
    journal.settle(room, hash(2))

    const restarted = createSentJournal(backing, 'sent/')
    expect(restarted.unsettled(room)).toEqual([{ hash: hash(1), envelope: envelope(1) }, { hash: hash(3), envelope: envelope(3) }])
    expect(restarted.unsettled(other)).toEqual([{ hash: hash(9), envelope: envelope(9) }])
  })

  it('leaves nothing behind once everything is settled', () => {
    const backing = memoryJournalBacking()
    const journal = createSentJournal(backing, 'sent/')
    journal.record(room, hash(1), envelope(1))
    journal.settle(room, hash(1))
    expect(backing.getItem(`sent/${room}`)).toBeNull()
  })

  it('says so when the backing refuses a record (storage full), and does not keep it', () => {
    const backing: JournalBacking = { ...memoryJournalBacking(), setItem: () => { throw new DOMException('full', 'QuotaExceededError') } }
    const journal = createSentJournal(backing, 'sent/')
    expect(journal.record(room, hash(1), envelope(1))).toBe(false)
    expect(journal.unsettled(room)).toEqual([])
  })

  it('drops a damaged record with a warning instead of throwing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    for (const damaged of ['not base64 at all!', 'AAAA', btoa('\x83\x01\x02\x03')]) {
      const backing = memoryJournalBacking()
      backing.setItem(`sent/${room}`, damaged)
      const journal = createSentJournal(backing, 'sent/')
      expect(journal.unsettled(room)).toEqual([])
      expect(backing.getItem(`sent/${room}`)).toBeNull()
    }
    expect(warn).toHaveBeenCalledTimes(3)
    warn.mockRestore()
  })
})
