import type { AclView } from '../acl-view.ts'
import type { SignatureVerifier } from '../identity/signature-verifier.ts'
import { RejectReason } from '../result.ts'
import type { ForkProof, Storage, StoredFeedEntry } from '../storage.ts'
import type { AuthorId, EntryHash, RoomId } from '../types.ts'
import { type ParsedEntry, parseEnvelope } from './entry.ts'
import { createPendingBuffer } from './pending.ts'
import { verifyEntrySignatures } from './verify.ts'
import { createFeedWriteBatcher } from './write-batcher.ts'

export interface FeedIngestComponents {
  readonly storage: Pick<Storage, 'feeds'>
  readonly acl: AclView
  /** Where signatures are checked; default on this thread (a browser passes a Web Worker pool). */
  readonly verifier?: SignatureVerifier
}

export interface FeedIngestInit {
  readonly room: RoomId
  /** How many entries may wait for a missing predecessor; default 5,000. */
  readonly pendingLimit?: number
  /** Local clock for receivedAt; default Date.now. */
  readonly now?: () => number
  /** How long accepted entries wait to share a write; default 0 (see createFeedWriteBatcher). */
  readonly writeDelayMs?: number
  /**
   * Whether a stored entry whose payload is missing may take the payload a later copy brings; default
   * always. A deleted message's payload is missing on purpose, and a peer that still holds it must
   * not bring it back.
   */
  readonly mayFillPayload?: (hash: EntryHash) => boolean
}

export interface IngestRejection {
  /** Undefined when the entry bytes could not be decoded far enough to hash. */
  readonly hash?: EntryHash
  readonly author?: AuthorId
  readonly reason: RejectReason
  readonly detail: string
  /**
   * True when any honest peer would have refused to pass this on (bad encoding, signature, room):
   * the sender is faulty. False for reasons that depend on the author or on our ACL state
   * (banned, unauthorized, broken chain), which a correct relay may not know yet.
   */
  readonly senderFault: boolean
}

export interface IngestResult {
  /** Newly stored, in the order they were written. */
  readonly accepted: readonly StoredFeedEntry[]
  readonly rejected: readonly IngestRejection[]
  /** Valid so far, waiting in the bounded buffer for a missing predecessor. */
  readonly pending: readonly EntryHash[]
  /** Already stored (or repeated in the batch): nothing to do. */
  readonly duplicates: readonly EntryHash[]
  /**
   * Stored without their payload, and now with the one this copy brought (parseEnvelope checked it
   * against the signed payload hash): whoever delivers an entry first without its payload cannot
   * blank that message for good.
   */
  readonly filled: readonly StoredFeedEntry[]
  readonly forks: readonly ForkProof[]
}

export type GossipVerdict =
  | { readonly action: 'accept' }
  | { readonly action: 'reject' | 'ignore', readonly reason: RejectReason, readonly detail: string }

export interface FeedIngestEvents {
  /** Entries newly stored: the UI re-renders the channels they belong to. */
  accepted: readonly StoredFeedEntry[]
  forks: readonly ForkProof[]
  /** Stored entries whose missing payload was filled in (see {@link IngestResult.filled}). */
  filled: readonly StoredFeedEntry[]
}

export interface FeedIngest {
  /**
   * Validates a batch from a peer (sync or gossip) and stores what passes; resolves once it is
   * committed. Never throws for bad data; a storage failure rejects (nothing of the batch is stored).
   */
  ingest (envelopes: readonly unknown[]): Promise<IngestResult>
  /**
   * The GossipSub topic validator: runs {@link ingest} on one envelope, so an accepted message is
   * already stored (the message handler must not ingest it again). Answering before the write
   * commits was tried and measured slower in bench/rooms.bench.ts (gossip_p50_ms: send to validated and stored).
   */
  validateForGossip (envelope: unknown): Promise<GossipVerdict>
  /**
   * Entries of ours stored without this ingest (a send is stored by its author directly): each
   * feed's newest is remembered, so a later entry that continues it needs no storage read.
   */
  noteStored (entries: readonly StoredFeedEntry[]): void
  on<K extends keyof FeedIngestEvents> (type: K, listener: (detail: FeedIngestEvents[K]) => void): () => void
  readonly pendingCount: number
}

const SENDER_FAULTS = new Set<RejectReason>([RejectReason.Malformed, RejectReason.NonCanonical, RejectReason.TooLarge, RejectReason.BadSignature, RejectReason.WeakKey, RejectReason.WrongRoom])
const ACL_REASONS = new Set<RejectReason>([RejectReason.Banned, RejectReason.Unauthorized])

/** `payload` is absent for a tip, which is only ever a predecessor, never compared as a duplicate. */
interface Known { readonly hash: EntryHash, readonly lamport: number, readonly bytes: Uint8Array, readonly payload?: Uint8Array | null }
interface Tip extends Known { readonly seq: number }
/** Feeds whose newest committed entry is remembered; past this, the memory starts over. */
const TIPS_LIMIT = 10_000
interface Candidate { readonly parsed: ParsedEntry, readonly fromPending: boolean }

/**
 * The one validation path for feed entries from peers. Order: decode and field checks, ACL, then
 * signatures (concurrently, cached by hash), then the hash chains in seq order per author (entries
 * earlier in the same batch count as predecessors), forks and the pending buffer, then the
 * accepted entries go to the write batcher. Calls touching the same feed chain-check in the order
 * they were made, against stored entries and accepted ones still waiting for their write; calls on
 * other feeds do not wait for them, and no call's turn waits on the disk.
 */
export function createFeedIngest (components: FeedIngestComponents, init: FeedIngestInit): FeedIngest {
  const { storage, acl } = components
  const now = init.now ?? Date.now
  const pending = createPendingBuffer(init.pendingLimit ?? 5_000)
  const listeners: { [K in keyof FeedIngestEvents]: Set<(detail: FeedIngestEvents[K]) => void> } = { accepted: new Set(), forks: new Set(), filled: new Set() }
  const mayFill = init.mayFillPayload ?? (() => true)
  const writer = createFeedWriteBatcher({ feeds: storage.feeds }, init.writeDelayMs != null ? { delayMs: init.writeDelayMs } : {})
  /**
   * The last write queued: it commits after every write queued before it, so a payload filled into
   * an entry still waiting in the batcher is set once that entry is on disk.
   */
  let lastWrite: Promise<unknown> = Promise.resolve()
  /** Per feed (channel/author), when the last call that touches it is done: calls on one feed chain-check in call order, other feeds go on in parallel. */
  const feedTails = new Map<string, Promise<void>>()
  /**
   * The newest committed entry of each feed this ingest stored or was told of. Stored feeds have no
   * gaps (an entry is accepted only after its predecessor), so a newly committed entry is its
   * feed's newest, and an entry that continues the tip (a message gossiped one at a time) can be
   * chain-checked with no storage read: nothing is stored after the tip.
   */
  const tips = new Map<string, Tip>()
  const raiseTips = (entries: readonly StoredFeedEntry[]): void => {
    for (const e of entries) {
      const key = feedKey(e.channel, e.author)
      if ((tips.get(key)?.seq ?? 0) >= e.seq) continue
      if (tips.size >= TIPS_LIMIT) tips.clear()
      tips.set(key, { seq: e.seq, hash: e.hash, lamport: e.lamport, bytes: e.bytes })
    }
  }

  /** Takes the next turn on each feed, at call time, so verifying can overlap while the order stays the order of the calls. */
  function reserve (feeds: ReadonlySet<string>): { ready: Promise<unknown>, release: () => void } {
    const before = [...feeds].map((f) => feedTails.get(f)).filter((p) => p != null)
    let release = (): void => {}
    const done = new Promise<void>((resolve) => { release = resolve })
    for (const f of feeds) feedTails.set(f, done)
    void done.then(() => { for (const f of feeds) if (feedTails.get(f) === done) feedTails.delete(f) })
    return { ready: Promise.all(before), release }
  }

  const emit = <K extends keyof FeedIngestEvents>(type: K, detail: FeedIngestEvents[K]): void => {
    for (const listener of listeners[type]) {
      try {
        listener(detail)
      } catch (err) {
        // A listener's bug must not lose the ingest result; surface it as an uncaught error.
        queueMicrotask(() => { throw err })
      }
    }
  }

  const rejection = (reason: RejectReason, detail: string, parsed?: ParsedEntry): IngestRejection =>
    ({ reason, detail, senderFault: SENDER_FAULTS.has(reason), ...(parsed != null ? { hash: parsed.hash, author: parsed.entry.author } : {}) })

  /**
   * Chain checks for entries whose signatures are good, then queues the accepted ones for writing;
   * resolves to the write's promise (boxed: an awaited promise would be flattened), so the caller's turn on the feeds ends before the disk is done.
   */
  async function chainAndQueue (fresh: readonly ParsedEntry[], result: MutableResult): Promise<{ readonly written: Promise<void> }> {
    const groups = new Map<string, Candidate[]>()
    for (const parsed of fresh) {
      const key = feedKeyOf(parsed)
      let group = groups.get(key)
      if (group == null) {
        group = pending.take(parsed.entry.channel, parsed.entry.author).map((p) => ({ parsed: p, fromPending: true }))
        groups.set(key, group)
      }
      group.push({ parsed, fromPending: false })
    }
    const receivedAt = now()
    // Nothing was stored: entries taken from the pending buffer go back to wait.
    const restore = (): void => { for (const group of groups.values()) for (const c of group) if (c.fromPending) pending.add(c.parsed) }
    try {
      for (const group of groups.values()) {
        group.sort((a, b) => a.parsed.entry.seq - b.parsed.entry.seq)
        await walkFeed(group, receivedAt, result)
      }
    } catch (err) {
      restore()
      throw err
    }
    // Tips move only once the write committed: a failed batch leaves no tip ahead of storage.
    const before = lastWrite
    const written = writer.write(result.accepted).then(() => { raiseTips(result.accepted) }, (err: unknown) => { restore(); throw err })
    if (result.accepted.length > 0) lastWrite = written.catch(() => undefined)
    const proofs = Promise.all(result.forks.map((proof) => storage.feeds.putForkProof(proof)))
    const fills = result.filled.length === 0
      ? undefined
      : before.then(async () => { await Promise.all(result.filled.map(async (e) => storage.feeds.setPayload(e.channel, e.author, e.seq, e.payload))) })
    return { written: Promise.all([written, proofs, fills]).then(() => undefined) }
  }

  async function walkFeed (group: readonly Candidate[], receivedAt: number, result: MutableResult): Promise<void> {
    const { channel, author } = group[0]!.parsed.entry
    const first = group[0]!.parsed.entry.seq
    const last = group[group.length - 1]!.parsed.entry.seq
    const known = new Map<number, Known>()
    const tip = tips.get(feedKey(channel, author))
    if (tip !== undefined && first === tip.seq + 1) known.set(tip.seq, tip)
    else for (const s of await storage.feeds.getRange(channel, author, Math.max(1, first - 1), last)) known.set(s.seq, s)
    // Accepted but not yet committed: they count as stored (read after the range, so none slips between).
    for (const [seq, s] of writer.unflushed(channel, author) ?? []) if (seq >= first - 1 && seq <= last) known.set(seq, s)
    for (const { parsed, fromPending } of group) {
      const { entry } = parsed
      const at = known.get(entry.seq)
      if (at != null) {
        if (at.hash === parsed.hash) {
          if (at.payload === null && parsed.payload != null && mayFill(parsed.hash)) result.filled.push(storedOf(parsed, receivedAt))
          else if (!fromPending) result.duplicates.push(parsed.hash)
        } else {
          result.forks.push(forkProof(parsed, at.bytes, receivedAt))
        }
        continue
      }
      if (fromPending) {
        const allowed = acl.mayAppend(entry.author, entry.channel, entry.seq)
        if (!allowed.ok) { result.rejected.push(rejection(allowed.reason, allowed.detail, parsed)); continue }
      }
      if (entry.seq > 1) {
        const pred = known.get(entry.seq - 1)
        if (pred == null) {
          pending.add(parsed)
          if (!fromPending) result.pending.push(parsed.hash)
          continue
        }
        if (entry.prev !== pred.hash) { result.rejected.push(rejection(RejectReason.BrokenChain, `prev does not link to the stored entry ${entry.seq - 1}`, parsed)); continue }
        if (entry.lamport <= pred.lamport) { result.rejected.push(rejection(RejectReason.BrokenChain, `lamport ${entry.lamport} is not above the predecessor's ${pred.lamport}`, parsed)); continue }
      }
      known.set(entry.seq, { hash: parsed.hash, lamport: entry.lamport, bytes: parsed.bytes })
      result.accepted.push(storedOf(parsed, receivedAt))
    }
  }

  function forkProof (parsed: ParsedEntry, canonical: Uint8Array, detectedAt: number): ForkProof {
    const { room, channel, author, seq } = parsed.entry
    return { room, channel, author, seq, entries: [canonical, parsed.bytes], detectedAt }
  }

  /** Validates and queues; `committed` settles once the accepted entries are written and announced. */
  async function validate (envelopes: readonly unknown[]): Promise<{ result: IngestResult, committed: Promise<void> }> {
    const result: MutableResult = { accepted: [], rejected: [], pending: [], duplicates: [], forks: [], filled: [] }
    const candidates: ParsedEntry[] = []
    /** Index in `candidates` of each hash seen in this batch (-1: refused by the ACL). */
    const seen = new Map<EntryHash, number>()
    for (const envelope of envelopes) {
      const parsed = parseEnvelope(envelope, init.room)
      if (!parsed.ok) { result.rejected.push(rejection(parsed.reason, parsed.detail)); continue }
      const { hash, entry } = parsed.value
      const at = seen.get(hash)
      if (at !== undefined || pending.has(hash)) {
        // the same entry twice: the copy that carries the payload is the one kept
        if (at !== undefined && at >= 0 && candidates[at]!.payload == null) candidates[at] = parsed.value
        else if (at === undefined) pending.fillPayload(parsed.value)
        result.duplicates.push(hash)
        continue
      }
      seen.set(hash, -1)
      const allowed = acl.mayAppend(entry.author, entry.channel, entry.seq)
      if (!allowed.ok) { result.rejected.push(rejection(allowed.reason, allowed.detail, parsed.value)); continue }
      seen.set(hash, candidates.length)
      candidates.push(parsed.value)
    }
    let written: Promise<void> = Promise.resolve()
    if (candidates.length > 0) {
      const turn = reserve(new Set(candidates.map(feedKeyOf)))
      try {
        const verdicts = await verifyEntrySignatures(candidates, components.verifier)
        const signed = candidates.filter((parsed, i) => {
          if (verdicts[i] === true) return true
          result.rejected.push(rejection(RejectReason.BadSignature, 'signature does not verify', parsed))
          return false
        })
        await turn.ready
        if (signed.length > 0) written = (await chainAndQueue(signed, result)).written
      } finally {
        turn.release()
      }
    }
    const committed = written.then(() => {
      if (result.accepted.length > 0) emit('accepted', result.accepted)
      if (result.forks.length > 0) emit('forks', result.forks)
      if (result.filled.length > 0) emit('filled', result.filled)
    })
    return { result, committed }
  }

  async function ingest (envelopes: readonly unknown[]): Promise<IngestResult> {
    const { result, committed } = await validate(envelopes)
    await committed
    return result
  }

  async function validateForGossip (envelope: unknown): Promise<GossipVerdict> {
    const result = await ingest([envelope])
    // a filled-in payload is forwarded too: our mesh peers may lack it as we did
    if (result.accepted.length > 0 || result.filled.length > 0) return { action: 'accept' }
    const rejected = result.rejected[0]
    if (rejected != null) {
      // With authority entries still missing, an ACL refusal may be our own lag: do not penalise the relay.
      const action = ACL_REASONS.has(rejected.reason) && !acl.complete ? 'ignore' : 'reject'
      return { action, reason: rejected.reason, detail: rejected.detail }
    }
    if (result.forks.length > 0) return { action: 'ignore', reason: RejectReason.Fork, detail: 'conflicts with a stored entry; kept as a fork proof' }
    if (result.pending.length > 0) return { action: 'ignore', reason: RejectReason.MissingParent, detail: 'predecessor not stored yet; held as pending' }
    return { action: 'ignore', reason: RejectReason.Duplicate, detail: 'already stored' }
  }

  return {
    ingest,
    validateForGossip,
    noteStored: raiseTips,
    on (type, listener) {
      listeners[type].add(listener)
      return () => { listeners[type].delete(listener) }
    },
    get pendingCount () { return pending.size }
  }
}

interface MutableResult {
  accepted: StoredFeedEntry[]
  rejected: IngestRejection[]
  pending: EntryHash[]
  duplicates: EntryHash[]
  forks: ForkProof[]
  filled: StoredFeedEntry[]
}

const feedKey = (channel: string, author: string): string => `${channel}/${author}`
const feedKeyOf = (parsed: ParsedEntry): string => feedKey(parsed.entry.channel, parsed.entry.author)

function storedOf (parsed: ParsedEntry, receivedAt: number): StoredFeedEntry {
  const { room, channel, author, seq, lamport } = parsed.entry
  return { hash: parsed.hash, room, channel, author, seq, lamport, bytes: parsed.bytes, payload: parsed.payload, receivedAt }
}
