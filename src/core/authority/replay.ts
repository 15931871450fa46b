import { RejectReason } from '../result.ts'
import type { AuthorId, EntryHash, RoomId } from '../types.ts'
import { type DagNode, ancestorsAmong } from './dag.ts'
import { Action, type AuthorityEntry } from './entry.ts'
import { applyEntry, recordRejection } from './reducer.ts'
import { type AclState, cloneState, emptyState } from './state.ts'
import { standingOf } from './standing.ts'

/**
 * The keys whose standing the entry takes away: the target of a BAN, of a REVOKE by someone else
 * or of a demoting GRANT, with every invite that target created (they die with its role); or the
 * invite of an INVITE_REVOKE. The void rule applies to each. Judged on the state before the entry.
 */
function removedKeys (state: AclState, e: AuthorityEntry): AuthorId[] {
  if (e.action === Action.INVITE_REVOKE) return [e.invite]
  const removes = e.action === Action.BAN ||
    (e.action === Action.REVOKE && e.target !== e.signer) ||
    (e.action === Action.GRANT && standingOf(state, e.target).rank > (state.roles.get(e.role)?.rank ?? 0))
  if (!removes) return []
  const target = (e as { target: AuthorId }).target
  return [target, ...[...state.invites.values()].filter((i) => i.createdBy === target).map((i) => i.key)]
}

/** The keys acting in an entry: its signer, and for a JOIN by invite also the invite key. */
function actorsOf (e: AuthorityEntry): AuthorId[] {
  return e.action === Action.JOIN && e.invite != null ? [e.signer, e.invite] : [e.signer]
}

const VOID = 'its signer or invite was removed by an entry this one does not descend from'

/** State after the first `at` nodes of the order, with the void-rule bookkeeping at that point. */
interface Checkpoint {
  readonly at: number
  readonly state: AclState
  readonly removals: Map<AuthorId, DagNode[]>
  readonly acceptedBy: Map<AuthorId, DagNode[]>
}

/** Default nodes between checkpoints: a late entry replays at most this many plus what follows it. */
export const CHECKPOINT_EVERY = 512

/**
 * Runs the reducer over nodes in replay order and enforces the void rule: once a removal R of key
 * K (ban, revoke, demotion, invite revocation) is accepted, K's entries are void unless they are
 * ancestors of R (K made them before R) or descendants of R (judged then by the state, which may
 * have re-admitted K). An accepted entry of K that turns out to be concurrent with a later-ordered
 * R is voided retroactively by restarting the pass with it marked void; voids only grow within one
 * replay, so the restarts end.
 *
 * While nothing has been voided, a pass is a plain left fold, so it keeps checkpoints: a late
 * entry then replays from the last checkpoint before it instead of from the empty state.
 */
export class Replay {
  state: AclState
  private readonly voided = new Set<EntryHash>()
  private removals = new Map<AuthorId, DagNode[]>()
  private acceptedBy = new Map<AuthorId, DagNode[]>()
  private checkpoints: Checkpoint[] = []
  /** How many nodes of the order the live state has absorbed. */
  private applied = 0

  constructor (
    private readonly room: RoomId,
    private readonly broken: ReadonlyMap<EntryHash, { entry: AuthorityEntry, detail: string }>,
    private readonly checkpointEvery = CHECKPOINT_EVERY
  ) {
    this.state = this.fresh()
  }

  /** Replays `order` from the empty state, restarting whenever a void is discovered late. */
  run (order: readonly DagNode[]): void {
    while (!this.pass(order, undefined)) { /* a late void was found: replay again with it */ }
  }

  /**
   * Replays after nodes were inserted into `order`, the first at index `from`. Resumes from the
   * last checkpoint at or before it when that is sound (no voids so far), else replays from scratch.
   * Returns whether it could resume.
   */
  rerun (order: readonly DagNode[], from: number): boolean {
    this.checkpoints = this.checkpoints.filter((c) => c.at <= from)
    const resumeAt = this.voided.size === 0 ? this.checkpoints.at(-1) : undefined
    if (resumeAt == null) {
      // voids found for the old set may not hold for the new one: start over with none
      this.voided.clear()
      this.run(order)
      return false
    }
    // with no voids the pass from the checkpoint is exactly what a pass from scratch would do;
    // if it finds a void, so would that one, and the restarts go on from there alike
    if (!this.pass(order, resumeAt)) this.run(order)
    return true
  }

  /**
   * Applies nodes that sort after everything applied so far (the incremental path). If one of
   * them voids an earlier entry, replays `order` (which must already end with `nodes`) instead.
   */
  extend (nodes: readonly DagNode[], order: readonly DagNode[]): void {
    for (const node of nodes) {
      if (!this.advance(node)) {
        this.run(order)
        return
      }
    }
  }

  /** Notes an entry that can never apply (its chain is broken) in the live state. */
  noteBroken (entry: AuthorityEntry, detail: string): void {
    recordRejection(this.state, entry, { ok: false, reason: RejectReason.BrokenChain, detail })
    for (const c of this.checkpoints) recordRejection(c.state, entry, { ok: false, reason: RejectReason.BrokenChain, detail })
  }

  private fresh (): AclState {
    const state = emptyState(this.room)
    for (const { entry, detail } of this.broken.values()) recordRejection(state, entry, { ok: false, reason: RejectReason.BrokenChain, detail })
    return state
  }

  private pass (order: readonly DagNode[], from: Checkpoint | undefined): boolean {
    if (from == null) {
      this.state = this.fresh()
      this.removals = new Map()
      this.acceptedBy = new Map()
      this.checkpoints = []
    } else {
      this.state = cloneState(from.state)
      this.removals = cloneLists(from.removals)
      this.acceptedBy = cloneLists(from.acceptedBy)
    }
    this.applied = from?.at ?? 0
    for (let i = this.applied; i < order.length; i++) if (!this.advance(order[i]!)) return false
    return true
  }

  /** Checkpoints if due, then steps; a step that voids an earlier entry ends checkpointing. */
  private advance (node: DagNode): boolean {
    if (this.applied % this.checkpointEvery === 0 && this.voided.size === 0 && this.checkpoints.at(-1)?.at !== this.applied) {
      this.checkpoints.push({ at: this.applied, state: cloneState(this.state), removals: cloneLists(this.removals), acceptedBy: cloneLists(this.acceptedBy) })
    }
    this.applied++
    if (this.step(node)) return true
    this.checkpoints = []
    return false
  }

  /** Applies one node; false when it exposed earlier accepted entries that must be void. */
  private step (node: DagNode): boolean {
    const e = node.entry
    const actors = actorsOf(e)
    const removals = actors.flatMap((k) => this.removals.get(k) ?? [])
    if (this.voided.has(e.hash) || (removals.length > 0 && ancestorsAmong(node, removals).size < removals.length)) {
      this.voided.add(e.hash)
      recordRejection(this.state, e, { ok: false, reason: RejectReason.Unauthorized, detail: VOID })
      return true
    }
    const removed = removedKeys(this.state, e)
    if (!applyEntry(this.state, e).ok) return true
    for (const k of actors) push(this.acceptedBy, k, node)
    if (removed.length === 0) return true
    for (const k of removed) push(this.removals, k, node)
    const earlier = removed.flatMap((k) => this.acceptedBy.get(k) ?? [])
    const before = ancestorsAmong(node, earlier)
    const concurrent = earlier.filter((n) => !before.has(n))
    for (const n of concurrent) this.voided.add(n.entry.hash)
    return concurrent.length === 0
  }
}

const cloneLists = <K, V>(m: ReadonlyMap<K, readonly V[]>): Map<K, V[]> => new Map([...m].map(([k, v]) => [k, [...v]]))

function push<K, V> (m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k)
  if (list == null) m.set(k, [v])
  else list.push(v)
}
