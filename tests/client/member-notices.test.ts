import { describe, expect, it } from 'vitest'
import { PRESENCE_RATE, PROFILE_RATE, createMemberNotices } from '../../src/client/member-notices.ts'
import { createProfileBook } from '../../src/client/profiles.ts'
import { TYPING_MAX_PER_CHANNEL, createTypingTracker } from '../../src/client/typing.ts'
import { AVATAR_MAX_BYTES, AvatarMime, buildProfile } from '../../src/core/identity/profile.ts'
import { asChannelId } from '../../src/core/types.ts'
import { startedMemoryStorage } from '../feed/twins.ts'
import { actor, alice, owner, testRoom } from '../authority/helpers.ts'

const avatar = { mime: AvatarMime.Png, bytes: new Uint8Array(AVATAR_MAX_BYTES).fill(1) }

describe('presence, typing and profiles are taken only from members (issue 17)', () => {
  it('stores no profile of 40 fresh keys with 32 KiB avatars, and a member\'s as before', async () => {
    const r = await testRoom()
    const notices = createMemberNotices(r.log)
    const storage = await startedMemoryStorage()
    const book = createProfileBook(storage.meta, () => {})
    const strangers = Array.from({ length: 40 }, (_, i) => actor(100 + i))
    for (const s of strangers) {
      const p = await buildProfile(s, { name: `stranger ${s.id.slice(0, 4)}`, avatar, updatedAt: 1 })
      expect(await book.offer(p.bytes, notices.admitProfile)).toBe('ignore')
    }
    expect(await storage.meta.list('profiles/')).toEqual([])
    expect(strangers.map((s) => book.get(s.id))).toEqual(strangers.map(() => undefined))
    const mine = await buildProfile(owner, { name: 'owner', avatar, updatedAt: 1 })
    expect(await book.offer(mine.bytes, notices.admitProfile)).toBe('accept')
    expect(book.get(owner.id)?.name).toBe('owner')
  })

  it('rate-limits a member\'s profile updates per key', async () => {
    const r = await testRoom()
    let now = 0
    const notices = createMemberNotices(r.log, () => now)
    const book = createProfileBook((await startedMemoryStorage()).meta, () => {})
    const verdicts = []
    for (let i = 1; i <= PROFILE_RATE.burst + 2; i++) verdicts.push(await book.offer((await buildProfile(owner, { name: `v${i}`, updatedAt: i })).bytes, notices.admitProfile))
    expect(verdicts).toEqual([...Array.from({ length: PROFILE_RATE.burst }, () => 'accept'), 'ignore', 'ignore'])
    now += PROFILE_RATE.refillMs
    expect(await book.offer((await buildProfile(owner, { name: 'later', updatedAt: 99 })).bytes, notices.admitProfile)).toBe('accept')
  })

  it('takes presence from members within their rate, ignores strangers, rejects banned keys', async () => {
    const r = await testRoom()
    await r.act(owner, 'ban', { target: alice.id, reason: 'spam', frontier: {} })
    let now = 0
    const notices = createMemberNotices(r.log, () => now)
    expect(notices.presence(actor(60).id)).toBe('ignore')
    expect(notices.presence(alice.id)).toBe('reject')
    const burst = Array.from({ length: PRESENCE_RATE.burst + 1 }, () => notices.presence(owner.id))
    expect(burst.filter((v) => v === 'accept')).toHaveLength(PRESENCE_RATE.burst)
    expect(burst.at(-1)).toBe('ignore')
    now += PRESENCE_RATE.refillMs
    expect(notices.presence(owner.id)).toBe('accept')
  })

  it('shows at most a bounded number of typers per channel', () => {
    const channel = asChannelId('c')
    const typing = createTypingTracker({ onChange: () => {} })
    for (let i = 0; i < TYPING_MAX_PER_CHANNEL + 10; i++) typing.note(channel, actor(i + 1).id)
    expect(typing.typers(channel)).toHaveLength(TYPING_MAX_PER_CHANNEL)
    typing.stop()
  })
})
