import type { AclView } from '../acl-view.ts'
import type { Validated } from '../result.ts'
import type { AuthorId, ChannelId, EntryHash, RoomId } from '../types.ts'
import { can, mayAppend } from './acl-queries.ts'
import { type RoleDefinition, Role } from './capabilities.ts'
import { type DagNode, ancestorsAmong, compareNodes } from './dag.ts'
import { type AuthorityEntry, type Frontier, type Policy, PREV_MAX, type SignedAuthorityEntry } from './entry.ts'
import { LAMPORT_MAX_STEP } from './lamport.ts'
import { Replay } from './replay.ts'
import { type BanState, type Rejection, encodeAclState } from './state.ts'
import { standingOf } from './standing.ts'
import type { SignatureVerifier } from '../identity/signature-verifier.ts'
import { validateAuthorityEntries } from './validate-entry.ts'

export interface AuthorityLogInit {
  readonly room: RoomId
  /** Entries between replay checkpoints (default 512): memory against the cost of a late entry. */
  readonly checkpointEvery?: number
  /** The clock for how long entries wait for missing parents (default Date.now). */
  readonly now?: () => number
}

/**
 * At most this many entries wait for missing parents; more are not taken (a later copy may come
 * when there is room). Honest waits are short and few; this bounds what a flood of orphans costs.
 */
export const HELD_MAX = 1024
/** How long an entry waits for missing parents before it is forgotten (it can be sent again). */
export const HOLD_MS = 60_000

/** What building a new entry needs from the log: its parents and the lowest lamport it may take. */
export interface BuildContext {
  readonly room: RoomId
  readonly prev: readonly EntryHash[]
  readonly lamport: number
}

export interface RoomInfo {
  readonly id: RoomId
  readonly genesis: EntryHash | null
  readonly creator: AuthorId | null
  readonly name: string
  readonly description: string
  readonly tags: readonly string[]
  readonly policy: Policy
}

export interface MemberView { readonly id: AuthorId, readonly role: string, readonly rank: number, readonly since: EntryHash }
export interface ChannelView { readonly id: ChannelId, readonly name: string, readonly topic: string, readonly archived: boolean, readonly position: number, readonly pins: readonly EntryHash[] }
export interface InviteView {
  readonly key: AuthorId
  readonly role: string
  readonly expiresAt: number | null
  readonly maxUses: number | null
  /** null when unlimited. */
  readonly remainingUses: number | null
  readonly revoked: boolean
  readonly createdBy: AuthorId
}

/**
 * How an `add` was absorbed: nothing new; appended to the replay; replayed from a checkpoint
 * before a late entry; or replayed from scratch.
 */
export type AddOutcome = 'unchanged' | 'incremental' | 'resumed' | 'full'

/**
 * A room's authority log and the ACL replayed from it. Takes signed entries in any order, any
 * number of times; holds back entries whose parents are missing (then `complete` is false);
 * applies entries that extend the log incrementally; a late entry that sorts before applied ones
 * replays from a checkpoint before it (or from scratch once the void rule has fired). The same set of entries always yields the same state.
 */
export class AuthorityLog implements AclView {
  readonly room: RoomId
  private readonly known = new Map<EntryHash, SignedAuthorityEntry>()
  private readonly nodes = new Map<EntryHash, DagNode>()
  private readonly broken = new Map<EntryHash, { entry: AuthorityEntry, detail: string }>()
  /** Parent hash (missing or itself waiting) -> children waiting for it. */
  private readonly waitingOn = new Map<EntryHash, Set<EntryHash>>()
  /** Waiting child -> how many of its parents are not settled yet. */
  private readonly unsettled = new Map<EntryHash, number>()
  /** Waiting entry -> when it arrived. */
  private readonly heldSince = new Map<EntryHash, number>()
  private readonly now: () => number
  private readonly heads = new Set<DagNode>()
  private order: DagNode[] = []
  private replay: Replay
  private topLamport = -1

  constructor (init: AuthorityLogInit) {
    this.room = init.room
    this.now = init.now ?? Date.now
    this.replay = new Replay(this.room, this.broken, init.checkpointEvery)
  }

  /** Adds entries already checked by {@link validateAuthorityEntries}; entries for another room are ignored. */
  add (entries: readonly SignedAuthorityEntry[]): AddOutcome {
    this.expire()
    const batch = new Set(entries.map((e) => e.hash))
    const ready: EntryHash[] = []
    for (const signed of entries) {
      if (this.known.has(signed.hash) || signed.entry.room !== this.room) continue
      const pending = signed.entry.prev.filter((p) => !this.nodes.has(p) && !this.broken.has(p))
      // full: take no entry that waits on a parent from outside this batch
      if (this.unsettled.size >= HELD_MAX && pending.some((p) => !batch.has(p))) continue
      this.known.set(signed.hash, signed)
      if (pending.length === 0) ready.push(signed.hash)
      else {
        this.heldSince.set(signed.hash, this.now())
        this.unsettled.set(signed.hash, pending.length)
        for (const p of pending) {
          const children = this.waitingOn.get(p)
          if (children == null) this.waitingOn.set(p, new Set([signed.hash]))
          else children.add(signed.hash)
        }
      }
    }
    const fresh: DagNode[] = []
    for (let i = 0; i < ready.length; i++) {
      const hash = ready[i]!
      const node = this.settle(this.known.get(hash)!.entry)
      if (node != null) fresh.push(node)
      for (const child of this.waitingOn.get(hash) ?? []) {
        const left = this.unsettled.get(child)! - 1
        if (left === 0) {
          this.unsettled.delete(child)
          this.heldSince.delete(child)
          ready.push(child)
        } else this.unsettled.set(child, left)
      }
      this.waitingOn.delete(hash)
    }
    return this.absorb(fresh)
  }

  /** Links an entry whose parents are all settled, or marks it broken (never applicable). */
  private settle (entry: AuthorityEntry): DagNode | undefined {
    const badParent = entry.prev.find((p) => this.broken.has(p))
    const parents = badParent != null ? [] : entry.prev.map((p) => this.nodes.get(p)!)
    const low = parents.find((p) => p.entry.lamport >= entry.lamport)
    const top = Math.max(0, ...parents.map((p) => p.entry.lamport))
    const detail = badParent != null ? `parent ${badParent} is invalid`
      : low != null ? `lamport ${entry.lamport} is not above parent's ${low.entry.lamport}`
        : entry.lamport - top > LAMPORT_MAX_STEP ? `lamport ${entry.lamport} is more than ${LAMPORT_MAX_STEP} past its parents' ${top}`
          : undefined
    if (detail != null) {
      this.broken.set(entry.hash, { entry, detail })
      this.replay.noteBroken(entry, detail)
      return undefined
    }
    const node: DagNode = { entry, parents }
    this.nodes.set(entry.hash, node)
    for (const p of parents) this.heads.delete(p)
    this.heads.add(node)
    this.topLamport = Math.max(this.topLamport, entry.lamport)
    return node
  }

  private absorb (fresh: DagNode[]): AddOutcome {
    if (fresh.length === 0) return 'unchanged'
    fresh.sort(compareNodes)
    const last = this.order.at(-1)
    if (last == null || compareNodes(last, fresh[0]!) < 0) {
      this.order.push(...fresh)
      this.replay.extend(fresh, this.order)
      return 'incremental'
    }
    this.order = [...this.order, ...fresh].sort(compareNodes)
    return this.replay.rerun(this.order, this.order.indexOf(fresh[0]!)) ? 'resumed' : 'full'
  }

  /** Forgets entries that waited {@link HOLD_MS} for their parents, with their place in the waiting lists. */
  private expire (): void {
    const now = this.now()
    for (const [hash, since] of this.heldSince) {
      if (now - since < HOLD_MS) continue
      this.heldSince.delete(hash)
      this.unsettled.delete(hash)
      for (const p of this.known.get(hash)!.entry.prev) {
        const children = this.waitingOn.get(p)
        children?.delete(hash)
        if (children?.size === 0) this.waitingOn.delete(p)
      }
      this.known.delete(hash)
    }
  }

  /**
   * True once genesis is applied and no entry of a key holding a role has been waiting for a missing
   * parent for less than {@link HOLD_MS}: then an ACL refusal may be our own lag. A stranger's or an
   * old orphan never counts, so nobody can keep a room "incomplete" (and its penalties off) by
   * naming a parent that never comes.
   */
  get complete (): boolean {
    if (this.replay.state.genesis == null) return false
    const now = this.now()
    for (const [hash, since] of this.heldSince) {
      const role = standingOf(this.replay.state, this.known.get(hash)!.entry.signer).role
      if (now - since < HOLD_MS && role != null && role !== Role.BANNED) return false
    }
    return true
  }

  /** Whether this entry is held, waiting for a missing parent (not yet applied or refused). */
  isHeld (hash: EntryHash): boolean {
    return this.unsettled.has(hash)
  }

  /** Hashes some waiting entry names as a parent but nobody has sent: what to ask peers for. */
  missing (): EntryHash[] {
    return [...this.waitingOn.keys()].filter((h) => !this.known.has(h)).sort()
  }

  has (hash: EntryHash): boolean {
    return this.known.has(hash)
  }

  /** The entry with this hash, if held (waiting ones included). */
  get (hash: EntryHash): SignedAuthorityEntry | undefined {
    return this.known.get(hash)
  }

  /** Every entry held (waiting ones included), in no particular order: what to store and serve. */
  entries (): SignedAuthorityEntry[] {
    return [...this.known.values()]
  }

  /**
   * Parents and lamport for a new entry; pass the room's lamport clock if feeds have seen more.
   * Parents are the latest accepted entries: a refused head is replaced by its nearest accepted
   * ancestors, because peers may not keep refused entries and our entry must not wait on them.
   * At most PREV_MAX, the latest first, so a flood of concurrent entries cannot block building.
   */
  buildContext (seenLamport = 0): BuildContext {
    const refused = this.replay.state.rejected
    const accepted = new Set<DagNode>()
    const seen = new Set<DagNode>()
    const stack = [...this.heads]
    while (stack.length > 0) {
      const n = stack.pop()!
      if (seen.has(n)) continue
      seen.add(n)
      if (refused.has(n.entry.hash)) stack.push(...n.parents)
      else accepted.add(n)
    }
    // keep only tips: drop any accepted node that is an ancestor of another (a set, so order-free)
    const candidates = [...accepted]
    const covered = new Set<DagNode>()
    for (const n of candidates) for (const a of ancestorsAmong(n, candidates)) covered.add(a)
    const tips = candidates.filter((n) => !covered.has(n)).sort((a, b) => compareNodes(b, a)).slice(0, PREV_MAX)
    const prev = tips.map((n) => n.entry.hash).sort()
    // above everything seen, but never more than the bound past our parents: a huge lamport from
    // someone else must not make our entry one that peers refuse
    const ceiling = (tips[0]?.entry.lamport ?? 0) + LAMPORT_MAX_STEP
    return { room: this.room, prev, lamport: Math.min(Math.max(this.topLamport, seenLamport) + 1, ceiling) }
  }

  mayAppend (author: AuthorId, channel: ChannelId, seq: number): Validated<true> {
    return mayAppend(this.replay.state, author, channel, seq)
  }

  can (author: AuthorId, capability: string, target?: AuthorId): boolean {
    return can(this.replay.state, author, capability, target)
  }

  /** The role name a key holds now ('banned', or null without one). */
  roleOf (author: AuthorId): string | null {
    return standingOf(this.replay.state, author).role
  }

  info (): RoomInfo {
    const s = this.replay.state
    return { id: s.room, genesis: s.genesis, creator: s.creator, name: s.name, description: s.description, tags: s.tags, policy: s.policy }
  }

  /** Members, highest rank first. */
  members (): MemberView[] {
    const s = this.replay.state
    return [...s.members.values()]
      .map((m) => ({ id: m.id, role: m.role, rank: s.roles.get(m.role)?.rank ?? 0, since: m.since }))
      .sort((a, b) => b.rank - a.rank || (a.id < b.id ? -1 : 1))
  }

  /** Role definitions, highest rank first. */
  roles (): RoleDefinition[] {
    return [...this.replay.state.roles.values()].sort((a, b) => b.rank - a.rank || (a.name < b.name ? -1 : 1))
  }

  /** Channels in display position. */
  channels (): ChannelView[] {
    return [...this.replay.state.channels.values()]
      .map((c) => ({ id: c.id, name: c.name, topic: c.topic, archived: c.archived, position: c.position, pins: [...c.pins] }))
      .sort((a, b) => a.position - b.position)
  }

  bans (): BanState[] {
    return [...this.replay.state.bans.values()]
  }

  /** Feed cut-offs of keys that lost their role, for showing which of their messages still count. */
  departed (): Map<AuthorId, Frontier> {
    return new Map(this.replay.state.departed)
  }

  invites (): InviteView[] {
    return [...this.replay.state.invites.values()].map((i) => ({
      key: i.key,
      role: i.role,
      expiresAt: i.expiresAt,
      maxUses: i.maxUses,
      remainingUses: i.maxUses == null ? null : i.maxUses - i.uses,
      revoked: i.revoked,
      createdBy: i.createdBy
    }))
  }

  /** Refused entries with reasons, in replay order: what moderators review. */
  rejected (): Rejection[] {
    return [...this.replay.state.rejected.values()].sort((a, b) => a.lamport - b.lamport || (a.hash < b.hash ? -1 : 1))
  }

  /** Canonical bytes of the replayed state: equal on every peer holding the same entries. */
  encodeState (): Uint8Array {
    return encodeAclState(this.replay.state)
  }
}

/** Factory, per house style. */
export function authorityLog (init: AuthorityLogInit): AuthorityLog {
  return new AuthorityLog(init)
}

/** An entry that failed {@link validateAuthorityEntries}, by its position in the input. */
export interface InvalidEntry { readonly index: number, readonly reason: string, readonly detail: string }

/**
 * Validates raw entries (cached by hash; signatures in chunks, each one call to `verifier`) and replays
 * the valid ones: the path from storage or a sync batch. Invalid entries are reported, never thrown.
 */
export async function loadAuthorityLog (room: RoomId, entries: readonly Uint8Array[], into: AuthorityLog = authorityLog({ room }), verifier?: SignatureVerifier): Promise<{ log: AuthorityLog, invalid: InvalidEntry[] }> {
  const verdicts = await validateAuthorityEntries(entries, room, verifier)
  const invalid: InvalidEntry[] = []
  const valid: SignedAuthorityEntry[] = []
  verdicts.forEach((v, index) => {
    if (v.ok) valid.push(v.value)
    else invalid.push({ index, reason: v.reason, detail: v.detail })
  })
  into.add(valid)
  return { log: into, invalid }
}
