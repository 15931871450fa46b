// How a feed vector's outcome is read from an ingest result; shared by the Node test and the Chromium harness.
import type { IngestResult } from '../../src/core/feed/ingest.ts'

export type VectorOutcome = { outcome: 'accepted' | 'pending' | 'duplicate' | 'fork' } | { outcome: 'rejected', reason: string }

export function outcomeOf (r: IngestResult): VectorOutcome {
  if (r.accepted.length > 0) return { outcome: 'accepted' }
  if (r.rejected.length > 0) return { outcome: 'rejected', reason: r.rejected[0]!.reason }
  if (r.pending.length > 0) return { outcome: 'pending' }
  return { outcome: r.forks.length > 0 ? 'fork' : 'duplicate' }
}
