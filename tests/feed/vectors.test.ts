import { describe, expect, it } from 'vitest'
import vectors from '../fixtures/feed.vectors.json' with { type: 'json' }
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import { type AuthorId, type ChannelId, asRoomId } from '../../src/core/types.ts'
import { createAclViewTwin, startedMemoryStorage } from './twins.ts'
import { outcomeOf } from './vector-outcome.ts'

const bytesOf = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'))
const envelopeOf = (e: { entry: string, payload: string | null }) => ({ entry: bytesOf(e.entry), payload: e.payload == null ? null : bytesOf(e.payload) })

describe('feed protocol vectors (tests/fixtures/feed.vectors.json)', () => {
  it.each(vectors.cases.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const acl = createAclViewTwin()
    const bans = (v as { bans?: Record<string, Record<string, number>> }).bans ?? {}
    for (const [who, frontier] of Object.entries(bans)) acl.ban(who as AuthorId, new Map(Object.entries(frontier) as Array<[ChannelId, number]>))
    const ingest = createFeedIngest({ storage: await startedMemoryStorage(), acl }, { room: asRoomId(vectors.room) })
    const before = await ingest.ingest(v.before.map(envelopeOf))
    expect(before.accepted).toHaveLength(v.before.length)
    const result = await ingest.ingest([envelopeOf(v.envelope)])
    expect(outcomeOf(result)).toEqual(v.expect)
    if ('hash' in v) expect(result.accepted[0]?.hash).toBe(v.hash)
  })
})
