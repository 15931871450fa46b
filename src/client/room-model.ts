import { type AuthorityLog, authorityLog } from '../core/authority/log.ts'
import type { BuildInit } from '../core/authority/build.ts'
import type { SignedAuthorityEntry } from '../core/authority/entry.ts'
import { absorbLamport } from '../core/authority/lamport.ts'
import { validateAuthorityEntries } from '../core/authority/validate-entry.ts'
import { type AppendedEntry, appendEntry } from '../core/feed/append.ts'
import { parseEnvelope } from '../core/feed/entry.ts'
import { type SentJournal, createSentJournal, memoryJournalBacking } from '../core/feed/sent-journal.ts'
import { type FeedIngest, type GossipVerdict, type IngestRejection, createFeedIngest } from '../core/feed/ingest.ts'
import type { Signer } from '../core/identity/ed25519.ts'
import { createDeletionApplier } from '../core/messages/deletions.ts'
import { NotAllowedError } from '../core/errors.ts'
import { RejectReason } from '../core/result.ts'
import type { SignatureVerifier } from '../core/identity/signature-verifier.ts'
import type { FeedHead, Storage, StoredFeedEntry } from '../core/storage.ts'
import type { ChannelId, EntryHash, RoomId } from '../core/types.ts'
import { nextTask } from './next-task.ts'

export interface RoomModelComponents {
  readonly storage: Storage
  /** The local user; undefined only before an identity exists (then the room is read-only). */
  readonly signer: () => Signer | undefined
  /** Where signatures from peers (feed and authority entries) are checked; default on this thread. */
  readonly verifier?: SignatureVerifier
  /** Where our sent entries wait for their commit (see SentJournal); default in memory, which survives nothing. */
  readonly sentJournal?: SentJournal
}

/** Our entry, signed: ready to publish now, and `committed` once it is stored here too. */
export interface OwnEntry extends AppendedEntry {
  /** Resolves once the entry is committed here; rejects (StorageError) if that failed. */
  readonly committed: Promise<void>
}

export interface RoomModelInit { readonly room: RoomId }

/** Why an authority entry from a peer was refused, for the moderators' list. */
export interface AuthorityRejection { readonly hash?: EntryHash, readonly reason: RejectReason, readonly detail: string, readonly senderFault: boolean }

export interface AuthorityAddResult {
  /** Newly stored and applied (or waiting for parents). */
  readonly added: readonly SignedAuthorityEntry[]
  readonly rejected: readonly AuthorityRejection[]
}

type Listener<T> = (detail: T) => void

/**
 * One room's data, composed from the core: the authority log replayed into ACL state, the feed
 * ingest validating against it, and the room's Lamport clock. Every path in (sync, gossip, our
 * own authoring) goes through here, so validation happens once, in the core, before storage.
 */
export interface RoomModel {
  readonly room: RoomId
  readonly log: AuthorityLog
  readonly feed: FeedIngest
  /** Largest lamport seen in the room: a new entry takes one more. */
  readonly lamport: number
  load (): Promise<void>
  /** Validates authority entries (sync or gossip) and stores them, refused ones from known keys included. */
  addAuthority (entries: readonly Uint8Array[]): Promise<AuthorityAddResult>
  /** The GossipSub verdict for one authority entry; an accepted one is already stored. */
  validateAuthorityForGossip (bytes: Uint8Array): Promise<GossipVerdict>
  /** Builds, signs, stores and applies one authority entry of ours. */
  authorAuthority (build: (init: BuildInit) => Promise<SignedAuthorityEntry>): Promise<SignedAuthorityEntry>
  /**
   * Builds and signs our next entry in a channel (serialised, so two sends never fork) and starts
   * storing it. Resolves once it may be published: at once when the journal recorded it, else once
   * it is committed. An entry whose commit failed is stored again before the next one is signed.
   */
  append (channel: ChannelId, type: string, payload: Uint8Array): Promise<OwnEntry>
  /** Feed entries newly stored, from peers or our own. */
  onFeed (listener: Listener<readonly StoredFeedEntry[]>): () => void
  /** Stored entries whose missing payload a later copy filled in (already shown, now with content). */
  onFilled (listener: Listener<readonly StoredFeedEntry[]>): () => void
  /** The ACL may have changed. */
  onAuthority (listener: Listener<readonly SignedAuthorityEntry[]>): () => void
  onRejected (listener: Listener<readonly IngestRejection[] | readonly AuthorityRejection[]>): () => void
}

const ACL_REASONS = new Set<RejectReason>([RejectReason.Banned, RejectReason.Unauthorized])
const SENDER_FAULTS = new Set<RejectReason>([RejectReason.Malformed, RejectReason.NonCanonical, RejectReason.TooLarge, RejectReason.BadSignature, RejectReason.WeakKey, RejectReason.WrongRoom, RejectReason.InviteInvalid])

export function createRoomModel (components: RoomModelComponents, init: RoomModelInit): RoomModel {
  const { storage } = components
  const { room } = init
  const journal = components.sentJournal ?? createSentJournal(memoryJournalBacking(), 'sent/')
  const log = authorityLog({ room })
  const deletions = createDeletionApplier({ storage, acl: log })
  const ingest = createFeedIngest({ storage, acl: log, ...(components.verifier != null ? { verifier: components.verifier } : {}) }, { room, mayFillPayload: (hash) => !deletions.deleted(hash) })
  const feedListeners = new Set<Listener<readonly StoredFeedEntry[]>>()
  const filledListeners = new Set<Listener<readonly StoredFeedEntry[]>>()
  const authorityListeners = new Set<Listener<readonly SignedAuthorityEntry[]>>()
  const rejectListeners = new Set<Listener<readonly IngestRejection[] | readonly AuthorityRejection[]>>()
  let lamport = 0
  let appendTail: Promise<unknown> = Promise.resolve()
  /**
   * Our newest entry per (author, channel) (null: none yet), read from storage once and then kept
   * current from every stored entry of that author (our appends, and another tab of the same
   * identity through ingest), so a send does not wait on a storage read before it can sign.
   */
  const ownHeads = new Map<string, FeedHead | null>()
  const headKey = (author: string, channel: ChannelId): string => `${author} ${channel}`
  /** Entries of ours already published whose commit failed, per feed: stored before the feed's next entry. */
  const uncommitted = new Map<string, StoredFeedEntry[]>()

  /**
   * Stores one entry of ours; once committed, the journal forgets it and the ingest and views hear of
   * it. The write starts in a later task than the one that signed the entry, so that the caller's
   * publish goes out first (the sent journal already holds the entry). Under the 10-tab gossip load,
   * opening the IndexedDB transaction in the signing task held every send back: send to signed p50
   * 1.4-1.8 ms against 0.7 ms deferred (three alternating pairs, bench/README.md).
   */
  const commitOwn = async (entry: StoredFeedEntry): Promise<void> => {
    await nextTask()
    await storage.feeds.putEntries([entry])
    journal.settle(room, entry.hash)
    ingest.noteStored([entry])
    feedAccepted([entry])
  }

  const emit = <T>(set: Set<Listener<T>>, detail: T): void => {
    for (const l of set) {
      try { l(detail) } catch (err) { console.error('room model listener threw', err) }
    }
  }
  const seen = (n: number): void => { lamport = absorbLamport(lamport, n) }

  const feedAccepted = (entries: readonly StoredFeedEntry[]): void => {
    for (const e of entries) {
      seen(e.lamport)
      const key = headKey(e.author, e.channel)
      if (!ownHeads.has(key)) continue
      const head = ownHeads.get(key)
      if (head == null || e.seq > head.seq) ownHeads.set(key, { author: e.author, seq: e.seq, hash: e.hash, lamport: e.lamport })
    }
    void deletions.apply(entries).catch((err: unknown) => { console.error('applying deletes failed', err) })
    emit(feedListeners, entries)
  }
  ingest.on('accepted', feedAccepted)
  // a delete whose own payload was missing takes effect once it is filled in
  ingest.on('filled', (entries) => {
    void deletions.apply(entries).catch((err: unknown) => { console.error('applying deletes failed', err) })
    emit(filledListeners, entries)
  })
  const refused = (rejections: readonly IngestRejection[]): void => { if (rejections.length > 0) emit(rejectListeners, rejections) }
  /** The core's ingest, with its refusals reported to moderators. */
  const feed: FeedIngest = {
    on: (type, listener) => ingest.on(type, listener),
    noteStored: (entries) => { ingest.noteStored(entries) },
    get pendingCount () { return ingest.pendingCount },
    async ingest (envelopes) {
      const result = await ingest.ingest(envelopes)
      refused(result.rejected)
      return result
    },
    async validateForGossip (envelope) {
      const verdict = await ingest.validateForGossip(envelope)
      if (verdict.action === 'reject' || (verdict.action === 'ignore' && ACL_REASONS.has(verdict.reason))) {
        const parsed = parseEnvelope(envelope, room)
        refused([{ ...(parsed.ok ? { hash: parsed.value.hash, author: parsed.value.entry.author } : {}), reason: verdict.reason, detail: verdict.detail, senderFault: SENDER_FAULTS.has(verdict.reason) }])
      }
      return verdict
    }
  }

  const signer = (): Signer => {
    const s = components.signer()
    if (s == null) throw new Error('no identity yet: create one before writing')
    return s
  }

  /** Entries stored only once they stop waiting for parents: an orphan costs memory for a while, never storage. */
  const heldBack = new Set<EntryHash>()

  const addAuthority = async (entries: readonly Uint8Array[]): Promise<AuthorityAddResult> => {
    const verdicts = await validateAuthorityEntries(entries, room, components.verifier)
    const rejected: AuthorityRejection[] = []
    const fresh: SignedAuthorityEntry[] = []
    for (const v of verdicts) {
      if (!v.ok) rejected.push({ reason: v.reason, detail: v.detail, senderFault: SENDER_FAULTS.has(v.reason) })
      else if (!log.has(v.value.hash)) fresh.push(v.value)
    }
    if (fresh.length > 0) {
      log.add(fresh)
      const refused = new Map(log.rejected().map((r) => [r.hash, r]))
      const added = fresh.filter((e) => {
        const r = refused.get(e.hash)
        if (r != null) rejected.push({ hash: e.hash, reason: r.reason, detail: r.detail, senderFault: false })
        return r == null && log.has(e.hash)
      })
      // Whether an entry is refused can change when an earlier-ordered concurrent entry arrives (a
      // grant to a key unknown so far among them), so every valid entry is kept, refused or not:
      // only the same set gives the same state on every peer ("Keep refused entries" in authority.md).
      const settled = [...heldBack].filter((h) => !log.isHeld(h))
      for (const h of settled) heldBack.delete(h)
      const kept: SignedAuthorityEntry[] = settled.flatMap((h) => log.get(h) ?? [])
      for (const e of fresh) {
        if (log.isHeld(e.hash)) heldBack.add(e.hash)
        else if (log.has(e.hash)) kept.push(e)
      }
      if (kept.length > 0) {
        await storage.authority.putEntries(kept.map((e) => ({ hash: e.hash, room, bytes: e.bytes, receivedAt: Date.now() })))
        for (const e of kept) seen(e.entry.lamport)
      }
      if (added.length > 0) emit(authorityListeners, added)
      if (rejected.length > 0) emit(rejectListeners, rejected)
      return { added, rejected }
    }
    if (rejected.length > 0) emit(rejectListeners, rejected)
    return { added: [], rejected }
  }

  return {
    room,
    log,
    feed,
    get lamport () { return lamport },
    async load () {
      const stored = await storage.authority.list(room)
      const verdicts = await validateAuthorityEntries(stored.map((s) => s.bytes), room, components.verifier)
      const valid = verdicts.flatMap((v) => (v.ok ? [v.value] : []))
      log.add(valid)
      for (const e of valid) seen(e.entry.lamport)
      for (const channel of log.channels()) {
        for (const head of await storage.feeds.heads(channel.id)) seen(head.lamport)
      }
      // Entries of ours published before a crash could commit them: stored now, through the same
      // checks as a peer's, before anything new is signed on top of their feeds.
      const waiting = journal.unsettled(room)
      if (waiting.length > 0) {
        const result = await ingest.ingest(waiting.map((w) => w.envelope))
        const held = new Set(result.pending)
        for (const w of waiting) if (!held.has(w.hash)) journal.settle(room, w.hash)
      }
    },
    addAuthority,
    async validateAuthorityForGossip (bytes) {
      const result = await addAuthority([bytes])
      const added = result.added[0]
      if (added != null) {
        // judged by its own state: another entry waiting for a parent that never comes changes nothing here
        return !log.isHeld(added.hash) ? { action: 'accept' } : { action: 'ignore', reason: RejectReason.MissingParent, detail: 'held until its parents arrive' }
      }
      const r = result.rejected[0]
      if (r != null) return { action: 'reject', reason: r.reason, detail: r.detail }
      return { action: 'ignore', reason: RejectReason.Duplicate, detail: 'already held, or no room to hold it' }
    },
    async authorAuthority (build) {
      const entry = await build({ context: log.buildContext(lamport), signer: signer() })
      const result = await addAuthority([entry.bytes])
      const refused = result.rejected[0]
      if (refused != null) throw new NotAllowedError(refused.detail)
      return entry
    },
    append (channel, type, payload) {
      const run = appendTail.then(async () => {
        const me = signer()
        const key = headKey(me.id, channel)
        if (!ownHeads.has(key)) ownHeads.set(key, (await storage.feeds.heads(channel)).find((h) => h.author === me.id) ?? null)
        const mine = ownHeads.get(key)
        const failed = uncommitted.get(key)
        if (failed != null) {
          // Published already, so they exist: ours must hold them before anything builds on them.
          for (const e of failed) await commitOwn(e)
          uncommitted.delete(key)
        }
        const appended = await appendEntry(me, { room, channel, ...(mine != null ? { head: mine } : {}), roomLamport: lamport, type, payload })
        const may = log.mayAppend(me.id, channel, appended.stored.seq)
        if (!may.ok) throw new NotAllowedError(may.detail)
        const own = appended.stored
        const journaled = journal.record(room, own.hash, appended.envelope)
        const committed = commitOwn(own)
        if (!journaled) {
          // Not recorded: it may not leave before it is stored, or a crash could fork the feed.
          await committed
          return { ...appended, committed }
        }
        ownHeads.set(key, { author: own.author, seq: own.seq, hash: own.hash, lamport: own.lamport })
        committed.catch(() => {
          const list = uncommitted.get(key) ?? []
          list.push(own)
          uncommitted.set(key, list)
        })
        return { ...appended, committed }
      })
      appendTail = run.catch(() => undefined)
      return run
    },
    onFeed (l) { feedListeners.add(l); return () => { feedListeners.delete(l) } },
    onFilled (l) { filledListeners.add(l); return () => { filledListeners.delete(l) } },
    onAuthority (l) { authorityListeners.add(l); return () => { authorityListeners.delete(l) } },
    onRejected (l) { rejectListeners.add(l); return () => { rejectListeners.delete(l) } }
  }
}

