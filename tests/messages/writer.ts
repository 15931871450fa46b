// Writes chat entries the way a client does: each author continues its own head, and lamports
// follow everything written so far in the test room (as if every writer had seen all of it).
import { type AppendedEntry, appendEntry } from '../../src/core/feed/append.ts'
import type { Signer } from '../../src/core/identity/ed25519.ts'
import { type ChatPayload, encodeChatPayload } from '../../src/core/messages/payloads.ts'
import type { StoredFeedEntry } from '../../src/core/storage.ts'
import type { AuthorId, ChannelId } from '../../src/core/types.ts'
import { channel as defaultChannel, room } from '../feed/helpers.ts'

export function createWriter (channel: ChannelId = defaultChannel) {
  const heads = new Map<AuthorId, StoredFeedEntry>()
  let lamport = 0
  const write = async (signer: Signer, type: string, payload: Uint8Array, seenLamport = lamport): Promise<AppendedEntry> => {
    const made = await appendEntry(signer, { room, channel, head: heads.get(signer.id), roomLamport: seenLamport, type, payload })
    heads.set(signer.id, made.stored)
    lamport = Math.max(lamport, made.stored.lamport)
    return made
  }
  return {
    write,
    /** Writes a chat payload; `seenLamport` lets a test write as an author who missed recent entries. */
    chat: (signer: Signer, payload: ChatPayload, seenLamport?: number) => write(signer, payload.type, encodeChatPayload(payload), seenLamport)
  }
}
