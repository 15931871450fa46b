/** What choosing a connection needs to know of one (a libp2p Connection has all of it). */
export interface ConnectionState {
  readonly status: string
  /** Set on a relayed (limited) connection: the relay cuts it after a time or a number of bytes. */
  readonly limits?: unknown
  readonly timeline: { readonly open: number }
}

/**
 * The connection a new stream to a peer should go over: the newest open direct one, else the
 * newest open relayed one (a peer no direct link reaches, behind a symmetric NAT without TURN,
 * still syncs and chats through a relay). Newest, because a peer that reloads comes back with the
 * same peer id on a new connection while the one it left still looks open (WebRTC reports it
 * failed only ~18 s later); libp2p would pick the oldest, so our request would wait on a dead link.
 * Undefined when there is none: then dial.
 */
export function connectionForStream<C extends ConnectionState> (connections: readonly C[]): C | undefined {
  let best: C | undefined
  const rank = (c: C): number => (c.limits == null ? 1 : 0)
  for (const c of connections) {
    if (c.status !== 'open') continue
    if (best === undefined || rank(c) > rank(best) || (rank(c) === rank(best) && c.timeline.open > best.timeline.open)) best = c
  }
  return best
}
