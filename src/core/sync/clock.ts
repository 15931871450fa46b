import type { FeedStore } from '../storage.ts'
import type { AuthorId, ChannelId } from '../types.ts'

/**
 * A channel's vector clock: each author's highest contiguous seq. Feeds are stored gap-free
 * (an entry waits in the pending buffer until its predecessor is stored), so this is also how
 * many entries of each author we hold, and "what I lack" is a plain seq range per author.
 */
export type ChannelClock = ReadonlyMap<AuthorId, number>

/** A run of one author's feed in one channel, both ends included. */
export interface FeedRange {
  readonly channel: ChannelId
  readonly author: AuthorId
  readonly fromSeq: number
  readonly toSeq: number
}

export async function channelClock (feeds: Pick<FeedStore, 'heads'>, channel: ChannelId): Promise<ChannelClock> {
  return new Map((await feeds.heads(channel)).map((h) => [h.author, h.seq]))
}

/** What `remote` has of a channel that `local` lacks: one range per author, ascending by author. */
export function missingRanges (channel: ChannelId, local: ChannelClock, remote: ChannelClock): FeedRange[] {
  const out: FeedRange[] = []
  for (const [author, seq] of remote) {
    const have = local.get(author) ?? 0
    if (seq > have) out.push({ channel, author, fromSeq: have + 1, toSeq: seq })
  }
  return out.sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : 0))
}

/** Merges clocks by taking each author's highest seq: what a set of peers holds together. */
export function mergeClocks (clocks: Iterable<ChannelClock>): ChannelClock {
  const out = new Map<AuthorId, number>()
  for (const clock of clocks) for (const [author, seq] of clock) out.set(author, Math.max(seq, out.get(author) ?? 0))
  return out
}
