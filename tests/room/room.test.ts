import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { authorityLog } from '../../src/core/authority/log.ts'
import { buildEntry } from '../../src/core/authority/build.ts'
import { validateAuthorityEntry } from '../../src/core/authority/validate-entry.ts'
import { InvalidLinkError } from '../../src/core/errors.ts'
import { signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import { createInvite } from '../../src/core/room/invite.ts'
import { type InviteLink, formatInviteLink, formatMagnetLink, parseInviteLink } from '../../src/core/room/invite-link.ts'
import { roomIdOf } from '../../src/core/room/room-id.ts'
import { asRoomId } from '../../src/core/types.ts'

const creator = signerFromSeed(new Uint8Array(32).fill(1))
const joiner = signerFromSeed(new Uint8Array(32).fill(2))

describe('createRoom', () => {
  it('derives the room id from creator key, name and nonce, and genesis carries the first channels', async () => {
    const nonce = new Uint8Array(16).fill(3)
    const room = await createRoom({ signer: creator, name: 'Book club', description: 'monthly', tags: ['books'], policy: 'invite-only', channels: [{ name: 'general' }, { name: 'spoilers', topic: 'careful' }], nonce })
    expect(room.roomId).toBe(roomIdOf(creator.publicKey, 'Book club', nonce))
    expect(await validateAuthorityEntry(room.genesis.bytes, room.roomId)).toMatchObject({ ok: true })
    const log = authorityLog({ room: room.roomId })
    log.add([room.genesis])
    expect(log.info()).toMatchObject({ name: 'Book club', description: 'monthly', tags: ['books'], policy: 'invite-only', creator: creator.id })
    expect(log.channels().map((c) => [c.id, c.name, c.topic])).toEqual([[room.channels[0], 'general', ''], [room.channels[1], 'spoilers', 'careful']])
    const again = await createRoom({ signer: creator, name: 'Book club', policy: 'open', channels: [] })
    expect(again.roomId).not.toBe(room.roomId)
  })
})

describe('invite links', () => {
  const room = asRoomId('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')
  const full: InviteLink = { room, secret: new Uint8Array(32).fill(5), bootstrap: ['/dns4/relay.example/tcp/443/wss/p2p/12D3KooWExample'], name: 'Book club' }

  it('round-trips through the https and the magnet form to the same invite', () => {
    const url = formatInviteLink(full, 'https://rooms.example/')
    expect(url.startsWith('https://rooms.example/#/join/')).toBe(true)
    const magnet = formatMagnetLink(full)
    expect(magnet.startsWith(`magnet:?xt=urn%3Apeer-rooms%3A${room}`)).toBe(true)
    expect(parseInviteLink(url)).toEqual({ ok: true, value: full })
    expect(parseInviteLink(`  ${magnet}\n`)).toEqual({ ok: true, value: full })
    const bare: InviteLink = { room, secret: null, bootstrap: [], name: null }
    expect(parseInviteLink(formatInviteLink(bare, 'http://127.0.0.1:5173'))).toEqual({ ok: true, value: bare })
    expect(parseInviteLink(formatMagnetLink(bare))).toEqual({ ok: true, value: bare })
  })

  it('rejects malformed links with a reason and never throws on user input', () => {
    const bad = [
      '', 'hello', 'ftp://x/#/join/abc', 'https://rooms.example/#/settings', 'https://rooms.example/#/join/!!!',
      'https://rooms.example/#/join/a', `https://rooms.example/#/join/${'A'.repeat(5000)}`,
      'magnet:?xt=urn:btih:abc', `magnet:?xt=urn:peer-rooms:${room}&ik=short`, `magnet:?xt=urn:peer-rooms:${room}&ik=%%%`,
      'magnet:?xt=urn:peer-rooms:not-a-cid', `magnet:?xt=urn:peer-rooms:${room}&xt=urn:peer-rooms:${room}`,
      formatInviteLink(full, 'https://x').replace('#/join/', '#/join/AA')
    ]
    for (const text of bad) expect(parseInviteLink(text)).toMatchObject({ ok: false, reason: 'malformed' })
    fc.assert(fc.property(fc.string(), (s) => {
      const v = parseInviteLink(s)
      expect(typeof v.ok).toBe('boolean')
      const m = parseInviteLink(`magnet:?${s}`)
      expect(typeof m.ok).toBe('boolean')
    }))
  })

  it('throws InvalidLinkError when asked to format an invalid invite (local misuse)', () => {
    expect(() => formatInviteLink({ ...full, secret: new Uint8Array(3) }, 'https://x')).toThrow(InvalidLinkError)
  })

  it('creates an invite whose link lets a joiner in offline-checkably', async () => {
    const r = await createRoom({ signer: creator, name: 'Private', policy: 'invite-only', channels: [{ name: 'general' }] })
    const log = authorityLog({ room: r.roomId })
    log.add([r.genesis])
    const invite = await createInvite({ context: log.buildContext(), signer: creator, maxUses: 1, origin: 'https://rooms.example', name: 'Private' })
    log.add([invite.entry])
    const parsed = parseInviteLink(invite.url)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    const join = await buildEntry.join({ context: log.buildContext(), signer: joiner }, { secret: parsed.value.secret })
    const checked = await validateAuthorityEntry(join.bytes, parsed.value.room)
    expect(checked.ok).toBe(true)
    log.add([join])
    expect(log.roleOf(joiner.id)).toBe('member')
    expect(log.mayAppend(joiner.id, r.channels[0]!, 1).ok).toBe(true)
    expect(log.invites()[0]!.remainingUses).toBe(0)
  })
})
