import { RejectReason } from '../result.ts'
import type { EntryHash, RoomId } from '../types.ts'
import { type DagNode, ancestorsAmong } from './dag.ts'
import type { AuthorityEntry } from './entry.ts'
import { applyEntry, recordRejection } from './reducer.ts'
import { type Holder, type Loss, actorsOf, holderStanding, lossOf, touchedHolders, weaken } from './removal.ts'
import { type AclState, cloneState, emptyState } from './state.ts'
import type { Standing } from './standing.ts'
import { authorize } from './validator.ts'

const VOID = 'its signer, invite or inviter lost what this entry needs, by a removal this entry does not descend from'

/** A removal seen in this pass: the entry, and what it took from one holder. */
interface Removal { readonly node: DagNode, readonly loss: Loss }

/** State after the first `at` nodes of the order, with the void-rule bookkeeping at that point. */
interface Checkpoint {
  readonly at: number
  readonly state: AclState
  readonly removals: Map<Holder, Removal[]>
  readonly acceptedBy: Map<Holder, DagNode[]>
}

/** Default nodes between checkpoints: a late entry replays at most this many plus what follows it. */
export const CHECKPOINT_EVERY = 512

/**
 * Runs the reducer over nodes in replay order and enforces the void rule: once an entry R takes
 * something from a holder K (removal.ts), an entry of K that is neither an ancestor of R (made
 * before it) nor a descendant (judged then by the state, which may have re-admitted K) is judged
 * as though R's loss had already happened, and is void if that refuses it. An accepted entry of K
 * that turns out to be concurrent with a later-ordered R is marked with R's loss and the pass
 * restarts; marks only grow within one replay, so the restarts end.
 *
 * While nothing has been marked, a pass is a plain left fold, so it keeps checkpoints: a late
 * entry then replays from the last checkpoint before it instead of from the empty state.
 */
export class Replay {
  state: AclState
  /** Entry -> losses of later-ordered removals it is concurrent with, kept across restarts of one replay. */
  private readonly marks = new Map<EntryHash, Loss[]>()
  private removals = new Map<Holder, Removal[]>()
  private acceptedBy = new Map<Holder, DagNode[]>()
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
    const resumeAt = this.marks.size === 0 ? this.checkpoints.at(-1) : undefined
    if (resumeAt == null) {
      // marks found for the old set may not hold for the new one: start over with none
      this.marks.clear()
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
    if (this.applied % this.checkpointEvery === 0 && this.marks.size === 0 && this.checkpoints.at(-1)?.at !== this.applied) {
      this.checkpoints.push({ at: this.applied, state: cloneState(this.state), removals: cloneLists(this.removals), acceptedBy: cloneLists(this.acceptedBy) })
    }
    this.applied++
    if (this.step(node)) return true
    this.checkpoints = []
    return false
  }

  /** Applies one node; false when it exposed earlier accepted entries that must be judged again. */
  private step (node: DagNode): boolean {
    const e = node.entry
    const actors = actorsOf(this.state, e)
    const concurrent = actors.flatMap((k) => this.removals.get(k) ?? [])
    const before = ancestorsAmong(node, concurrent.map((r) => r.node))
    const losses = [...(this.marks.get(e.hash) ?? []), ...concurrent.filter((r) => !before.has(r.node)).map((r) => r.loss)]
    if (losses.length > 0) {
      const lens = (holder: Holder, standing: Standing): Standing => losses.reduce((s, l) => (l.holder === holder ? weaken(s, l) : s), standing)
      const weakened = authorize(this.state, e, lens)
      if (!weakened.ok) {
        recordRejection(this.state, e, { ok: false, reason: RejectReason.Unauthorized, detail: `${VOID}: ${weakened.detail}` })
        return true
      }
    }
    const touched = touchedHolders(this.state, e).map((h) => [h, holderStanding(this.state, h)] as const)
    if (!applyEntry(this.state, e).ok) return true
    for (const k of actors) push(this.acceptedBy, k, node)
    let restart = false
    for (const [holder, was] of touched) {
      const loss = lossOf(holder, was, holderStanding(this.state, holder))
      if (loss == null) continue
      push(this.removals, holder, { node, loss })
      const earlier = this.acceptedBy.get(holder) ?? []
      const ancestors = ancestorsAmong(node, earlier)
      for (const n of earlier) {
        if (ancestors.has(n)) continue
        const marks = this.marks.get(n.entry.hash) ?? []
        if (marks.some((m) => sameLoss(m, loss))) continue
        this.marks.set(n.entry.hash, [...marks, loss])
        restart = true
      }
    }
    return !restart
  }
}

const sameLoss = (a: Loss, b: Loss): boolean =>
  a.holder === b.holder && a.lost === b.lost && a.all === b.all && a.fell?.rank === b.fell?.rank && a.fell?.role === b.fell?.role

const cloneLists = <K, V>(m: ReadonlyMap<K, readonly V[]>): Map<K, V[]> => new Map([...m].map(([k, v]) => [k, [...v]]))

function push<K, V> (m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k)
  if (list == null) m.set(k, [v])
  else list.push(v)
}
