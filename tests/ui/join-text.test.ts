import { describe, expect, it } from 'vitest'
import { parseInviteLink } from '../../src/core/room/invite-link.ts'
import { badLinkText } from '../../src/ui/join-text.ts'

/** What the invite parser refuses, and the words a person gets for it. */
const cases: ReadonlyArray<readonly [input: string, words: RegExp]> = [
  ['hello there', /not a Peer Rooms invite link/],
  ['ftp://example.org/#/join/abc', /not a Peer Rooms invite link/],
  ['https://example.org/chat', /does not contain an invite/],
  ['https://example.org/#/join/not*an*invite', /damaged or incomplete/],
  ['https://example.org/#/join/AAAA', /damaged or incomplete/],
  ['magnet:?xt=urn:btih:abc', /damaged or incomplete/]
]

describe('badLinkText: a refused invite link in plain words', () => {
  it.each(cases)('%s', (input, words) => {
    const parsed = parseInviteLink(input)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    const text = badLinkText(parsed.detail)
    expect(text).toMatch(words)
    // The parser's own terms are for developers, never shown.
    expect(text).not.toMatch(/base64url|payload|CBOR|scheme|xt=|v1/i)
  })
})
