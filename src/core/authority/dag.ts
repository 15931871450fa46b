import type { AuthorityEntry } from './entry.ts'

/** An entry whose whole ancestry is present, linked to its parents. */
export interface DagNode {
  readonly entry: AuthorityEntry
  readonly parents: readonly DagNode[]
}

/**
 * The replay order: (lamport, signer hex, hash string), each compared as plain strings or numbers.
 * Because an entry's lamport must exceed its parents', this total order is also topological.
 */
export function compareNodes (a: DagNode, b: DagNode): number {
  const x = a.entry
  const y = b.entry
  if (x.lamport !== y.lamport) return x.lamport - y.lamport
  if (x.signer !== y.signer) return x.signer < y.signer ? -1 : 1
  return x.hash < y.hash ? -1 : x.hash > y.hash ? 1 : 0
}

/**
 * Which of `candidates` are proper ancestors of `node`: one walk back from `node`, pruned below the
 * lowest candidate lamport (lamports strictly grow along edges, so nothing lower can lead to one).
 */
export function ancestorsAmong (node: DagNode, candidates: readonly DagNode[]): Set<DagNode> {
  const found = new Set<DagNode>()
  if (candidates.length === 0) return found
  const wanted = new Set(candidates)
  const floor = Math.min(...candidates.map((c) => c.entry.lamport))
  const seen = new Set<DagNode>()
  const stack = [...node.parents]
  while (stack.length > 0 && found.size < wanted.size) {
    const n = stack.pop()!
    if (seen.has(n) || n.entry.lamport < floor) continue
    seen.add(n)
    if (wanted.has(n)) found.add(n)
    for (const p of n.parents) stack.push(p)
  }
  return found
}
