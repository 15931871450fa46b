import type { ChannelId, EntryHash } from '../core/types.ts'

/**
 * How many peers each of our own messages reached, for its delivery mark. GossipSub tells how many
 * peers a publish went to; a message sent while nobody was online reaches peers later, by history
 * sync, and the mark must follow: a peer holds our message once its sync Hello shows our feed at or
 * past the message's seq, or once we served it that far.
 */
export interface DeliveryTracker {
  /** Our message `hash` (seq `seq` of our feed in `channel`) was published to `recipients` peers. */
  sent (hash: EntryHash, channel: ChannelId, seq: number, recipients: number): void
  /** `peer` holds our feed in `channel` up to `seq`; true when some message's count rose. */
  peerHolds (peer: string, channel: ChannelId, seq: number): boolean
  /** Peers that received the message; undefined for messages not followed (sent before this session, or long ago). */
  reached (hash: EntryHash): number | undefined
}

interface Sent { readonly channel: ChannelId, readonly seq: number, readonly recipients: number, readonly holders: Set<string> }

/** Messages followed; past this the oldest is forgotten and shows no mark, as after a reload. */
const FOLLOWED = 2_000

export function createDeliveryTracker (): DeliveryTracker {
  const sent = new Map<EntryHash, Sent>()
  const countOf = (s: Sent): number => Math.max(s.recipients, s.holders.size)

  return {
    sent (hash, channel, seq, recipients) {
      sent.set(hash, { channel, seq, recipients, holders: new Set() })
      if (sent.size > FOLLOWED) sent.delete(sent.keys().next().value!)
    },
    peerHolds (peer, channel, seq) {
      let rose = false
      for (const s of sent.values()) {
        if (s.channel !== channel || s.seq > seq || s.holders.has(peer)) continue
        const before = countOf(s)
        s.holders.add(peer)
        if (countOf(s) > before) rose = true
      }
      return rose
    },
    reached (hash) {
      const s = sent.get(hash)
      return s == null ? undefined : countOf(s)
    }
  }
}
