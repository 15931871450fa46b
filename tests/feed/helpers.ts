// Builders shared by the feed, messages and sync tests: deterministic authors, a room, a channel,
// and signed chains built through the real appendEntry.
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { hashOf, rawCidOf } from '../../src/core/codec/hash.ts'
import { type AppendedEntry, appendEntry } from '../../src/core/feed/append.ts'
import { type Signer, signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { type ChannelId, type RoomId, asChannelId, asRoomId } from '../../src/core/types.ts'

export const room: RoomId = asRoomId(rawCidOf(new TextEncoder().encode('test room')).toString())
export const otherRoom: RoomId = asRoomId(rawCidOf(new TextEncoder().encode('other room')).toString())
export const channel: ChannelId = channelNamed('general')

export function channelNamed (name: string): ChannelId {
  return asChannelId(hashOf(encodeCanonical({ test: name })))
}

export function author (n: number): Signer {
  return signerFromSeed(new Uint8Array(32).fill(n + 1))
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

/** A signed chain of `count` entries by one author in one channel, seq 1..count. */
export async function chain (signer: Signer, count: number, init: { channel?: ChannelId, roomLamport?: number, type?: string } = {}): Promise<AppendedEntry[]> {
  const out: AppendedEntry[] = []
  for (let i = 0; i < count; i++) {
    const head = out[out.length - 1]?.stored
    out.push(await appendEntry(signer, {
      room,
      channel: init.channel ?? channel,
      head,
      roomLamport: init.roomLamport ?? 0,
      type: init.type ?? 'test/blob',
      payload: text(`${signer.id.slice(0, 6)} #${i + 1}`),
      ts: 1_700_000_000_000 + i
    }))
  }
  return out
}
