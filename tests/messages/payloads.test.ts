import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { EncodingError } from '../../src/core/errors.ts'
import { CHAT_TEXT_MAX_CHARS, type ChatPayload, decodeChatPayload, encodeChatPayload } from '../../src/core/messages/payloads.ts'
import { RejectReason } from '../../src/core/result.ts'
import { author, chain } from '../feed/helpers.ts'

const target = (await chain(author(0), 1))[0]!.stored.hash
const text = fc.string({ minLength: 1, maxLength: 200 })
const authors = fc.uniqueArray(fc.nat({ max: 20 }), { minLength: 0, maxLength: 5 }).map((ns) => ns.map((n) => author(n).id))

const payloads: fc.Arbitrary<ChatPayload> = fc.oneof(
  fc.record({ text, reply: fc.boolean(), mentions: authors }).map(({ text, reply, mentions }): ChatPayload =>
    ({ type: 'chat/text', text, mentions, ...(reply ? { replyTo: target } : {}) })),
  text.map((text): ChatPayload => ({ type: 'chat/edit', target, text })),
  fc.constant<ChatPayload>({ type: 'chat/delete', target }),
  fc.record({ emoji: fc.string({ minLength: 1, maxLength: 8 }), on: fc.boolean() }).map(({ emoji, on }): ChatPayload => ({ type: 'chat/reaction', target, emoji, on })),
  fc.boolean().map((on): ChatPayload => ({ type: 'chat/pin', target, on }))
)

describe('chat payload codecs', () => {
  it('round-trip every payload type', () => {
    fc.assert(fc.property(payloads, (p) => {
      const decoded = decodeChatPayload(p.type, encodeChatPayload(p))
      expect(decoded).toEqual({ ok: true, value: p })
    }))
  })

  it('refuse text over 4,000 characters, locally and from peers', () => {
    const long = 'x'.repeat(CHAT_TEXT_MAX_CHARS + 1)
    expect(() => encodeChatPayload({ type: 'chat/text', text: long, mentions: [] })).toThrow(EncodingError)
    expect(decodeChatPayload('chat/text', encodeCanonical({ text: long }))).toMatchObject({ ok: false, reason: RejectReason.Malformed })
    expect(decodeChatPayload('chat/text', encodeCanonical({ text: 'x'.repeat(CHAT_TEXT_MAX_CHARS) })).ok).toBe(true)
  })

  it('refuse unknown fields, wrong field types, non-canonical bytes and unknown types', () => {
    expect(decodeChatPayload('chat/text', encodeCanonical({ text: 'hi', extra: 1 })).ok).toBe(false)
    expect(decodeChatPayload('chat/reaction', encodeCanonical({ target, emoji: '👍', on: 'yes' })).ok).toBe(false)
    expect(decodeChatPayload('chat/delete', encodeCanonical({ target: 'not a link' })).ok).toBe(false)
    expect(decodeChatPayload('chat/text', encodeCanonical({ text: 'hi', mentions: [] })).ok).toBe(false)
    expect(decodeChatPayload('chat/text', new Uint8Array([0xa1, 0x64, 0x74, 0x65, 0x78, 0x74, 0x78, 0x02, 0x68, 0x69])).ok).toBe(false)
    expect(decodeChatPayload('game/move', encodeCanonical({ x: 1 }))).toMatchObject({ ok: false, reason: RejectReason.Unknown })
  })
})
