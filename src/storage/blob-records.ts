import type { ChunkHash } from '../core/blob/chunk-hash.ts'
import type { RoomId } from '../core/types.ts'

/** What a blob backend keeps about one stored chunk, beside its bytes. */
export interface ChunkMeta {
  readonly room: RoomId
  readonly hash: ChunkHash
  readonly size: number
  /** The user sent it: never evicted. */
  readonly own: boolean
  /** Order of storing, oldest first: what eviction goes by. */
  readonly storedAt: number
}

/** The strings a message's reference record is indexed by: one per (room, chunk). */
export const refKeysOf = (room: RoomId, hashes: readonly ChunkHash[]): string[] => [...new Set(hashes)].map((h) => `${room}\u0000${h}`)

/** The oldest chunks the user did not send, as many as bring the room's usage to at most `quotaBytes`. */
export function evictionVictims (all: readonly ChunkMeta[], quotaBytes: number): ChunkMeta[] {
  let usage = all.reduce((n, m) => n + m.size, 0)
  const victims: ChunkMeta[] = []
  for (const m of [...all].sort((a, b) => a.storedAt - b.storedAt)) {
    if (usage <= quotaBytes) break
    if (m.own) continue
    victims.push(m)
    usage -= m.size
  }
  return victims
}
