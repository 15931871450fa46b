/**
 * How far one entry's lamport may run past its parents' (authority entries), and how far one
 * entry from a peer may move our room clock forward (feed and authority entries alike).
 *
 * Lamports are safe integers. Without a bound, one entry at 2^53 - 1 leaves nobody a larger value
 * to sign with: honest peers' next entries would be malformed or, built on top of it, refused with
 * the honest author blamed. With a step of 2^24 per edge the ceiling is 2^29 causally chained
 * entries away, and an honest clock never has to jump more than 2^24 in one entry (a busy room's
 * feeds add one per message seen, far below that between two authority entries).
 */
export const LAMPORT_MAX_STEP = 2 ** 24

/**
 * The room clock after seeing an entry with lamport `seen`: it follows, but moves at most
 * {@link LAMPORT_MAX_STEP} per entry, so a hostile lamport cannot push our own entries to the ceiling.
 */
export function absorbLamport (clock: number, seen: number): number {
  return seen > clock ? Math.min(seen, clock + LAMPORT_MAX_STEP) : clock
}
