import { CID } from 'multiformats/cid'
import { decodeCanonical } from '../codec/canonical.ts'
import type { StoredAuthorityEntry } from '../storage.ts'
import { type EntryHash, asEntryHash } from '../types.ts'

/** Authority entries are at most 4 KiB (protocol conventions). */
const AUTHORITY_ENTRY_MAX_BYTES = 4096

interface Node { readonly entry: StoredAuthorityEntry, readonly prev: readonly EntryHash[], readonly lamport: number }

/**
 * The shape of a room's stored authority log, as sync needs it: which entries are heads, and
 * which lie outside the causal past of a peer's heads. Reads only the two fields every authority
 * entry carries (`prev`, `lamport`); validating the log is the authority module's job.
 */
export interface AuthorityGraph {
  heads (): EntryHash[]
  /** Entries not in the causal past of `heads` (unknown heads are ignored), parents before children. */
  after (heads: readonly EntryHash[]): StoredAuthorityEntry[]
  get (hash: EntryHash): StoredAuthorityEntry | undefined
}

export function authorityGraph (entries: readonly StoredAuthorityEntry[]): AuthorityGraph {
  const nodes = new Map<EntryHash, Node>()
  for (const entry of entries) {
    const decoded = decodeCanonical<{ prev?: unknown, lamport?: unknown }>(entry.bytes, AUTHORITY_ENTRY_MAX_BYTES, 'authority entry')
    if (!decoded.ok) continue
    const { prev, lamport } = decoded.value
    const links = Array.isArray(prev) ? prev.filter((p): p is CID => p instanceof CID).map((p) => asEntryHash(p.toString())) : []
    nodes.set(entry.hash, { entry, prev: links, lamport: typeof lamport === 'number' ? lamport : 0 })
  }
  // Lamport grows along every link (1 + the largest seen), so (lamport, hash) is a topological order.
  const ordered = [...nodes.values()].sort((a, b) => a.lamport - b.lamport || (a.entry.hash < b.entry.hash ? -1 : a.entry.hash > b.entry.hash ? 1 : 0))
  return {
    heads () {
      const linked = new Set<EntryHash>()
      for (const node of nodes.values()) for (const p of node.prev) linked.add(p)
      return ordered.filter((n) => !linked.has(n.entry.hash)).map((n) => n.entry.hash)
    },
    after (heads) {
      const past = new Set<EntryHash>()
      const stack = heads.filter((h) => nodes.has(h))
      while (stack.length > 0) {
        const hash = stack.pop()!
        if (past.has(hash)) continue
        past.add(hash)
        for (const p of nodes.get(hash)?.prev ?? []) if (nodes.has(p)) stack.push(p)
      }
      return ordered.filter((n) => !past.has(n.entry.hash)).map((n) => n.entry)
    },
    get: (hash) => nodes.get(hash)?.entry
  }
}
