/** What choosing a connection needs to know of one (a libp2p Connection has all of it). */
export interface ConnectionState {
  readonly status: string
  /** Set on a relayed (limited) connection, which we keep for signalling only. */
  readonly limits?: unknown
  readonly timeline: { readonly open: number }
}

/**
 * The connection a new stream to a peer should go over: the newest open direct one. A peer that
 * reloads comes back with the same peer id on a new connection while the one it left still looks
 * open (WebRTC reports it failed only ~18 s later); libp2p would pick the oldest, so our sync or
 * profile request would wait on a dead link. Undefined when there is none: then dial.
 */
export function connectionForStream<C extends ConnectionState> (connections: readonly C[]): C | undefined {
  let best: C | undefined
  for (const c of connections) {
    if (c.status !== 'open' || c.limits != null) continue
    if (best === undefined || c.timeline.open > best.timeline.open) best = c
  }
  return best
}
