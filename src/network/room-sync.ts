import * as lp from 'it-length-prefixed'
import type { Stream } from '@libp2p/interface'
import type { IngestResult } from '../core/feed/ingest.ts'
import type { Storage } from '../core/storage.ts'
import { channelClock, type ChannelClock } from '../core/sync/clock.ts'
import { type Hello, SYNC_MESSAGE_MAX_BYTES, type SyncMessage, type SyncRequest, decodeSyncMessage, encodeSyncMessage } from '../core/sync/messages.ts'
import { type Assignment, createSyncPlanner } from '../core/sync/planner.ts'
import { type SyncResponder, createSyncResponder } from '../core/sync/responder.ts'
import type { AuthorId, ChannelId, EntryHash, RoomId } from '../core/types.ts'
import { type RoomAccess, readChallenge, readProof, refusalIsGarbage, refusalText, sendChallenge, sendProof } from './access-handshake.ts'
import { writeMessage } from './length-prefixed.ts'
import type { PeerNode } from './peer-node.ts'
import { ROOM_SYNC_PROTOCOL } from './room-topics.ts'

/** What history sync asks of a room: its channels, and the core's validating entry points. */
export interface SyncRoom {
  readonly room: RoomId
  channelIds (): ChannelId[]
  /** Validates and stores authority entries; reports which were the sender's fault. */
  addAuthority (entries: readonly Uint8Array[]): Promise<{ readonly rejected: ReadonlyArray<{ readonly senderFault: boolean }> }>
  readonly feed: { ingest (envelopes: readonly unknown[]): Promise<IngestResult> }
  readonly log: { has (hash: EntryHash): boolean }
}

/**
 * History sync as the UI shows it, over this room's session: `received` entries stored by sync,
 * out of `expected` entries that peers sent or still owe. A request cut short (its peer dropped)
 * no longer counts what never came, so after a resume `expected` ends at `received` unless a peer
 * sent entries we already held.
 */
export interface SyncProgress { readonly active: boolean, readonly received: number, readonly expected: number }

/** How long one request may take before the peer is given up on (and its ranges go elsewhere). */
const REQUEST_TIMEOUT_MS = 60_000
const HELLO_TIMEOUT_MS = 15_000
/** A peer's Hello did not come in time. */
const NO_ANSWER = Symbol('no answer')
/** Least time between two re-syncs with one peer (a gossip gap, or anti-entropy). */
const RESYNC_INTERVAL_MS = 5_000

type Reader = AsyncIterator<{ subarray (): Uint8Array }>

/** One request's entries as they arrive: how many the peer sent, and their ingests (not awaited while reading). */
interface Answer { delivered: number, readonly ingests: Array<Promise<void>> }

/** An ingest found an entry no honest peer sends. */
class BadPeer extends Error {}

const readerOf = (stream: Stream): Reader => lp.decode(stream, { maxDataLength: SYNC_MESSAGE_MAX_BYTES })[Symbol.asyncIterator]()

/** Reads and decodes the next message; undefined at the end of the stream, a string on garbage. */
async function next (reader: Reader): Promise<SyncMessage | string | undefined> {
  const r = await reader.next()
  if (r.done === true) return undefined
  const decoded = decodeSyncMessage(r.value.subarray())
  return decoded.ok ? decoded.value : `${decoded.reason}: ${decoded.detail}`
}

const send = async (stream: Stream, message: SyncMessage, signal?: AbortSignal): Promise<void> => { await writeMessage(stream, encodeSyncMessage(message), signal) }

export interface RoomSyncServerComponents { readonly node: Pick<PeerNode, 'handle' | 'unhandle' | 'peerId'> }
export interface RoomSyncServerInit {
  /** Checks a requester's access proof against the room's ACL (src/core/access). */
  readonly access: Pick<RoomAccess, 'check'>
  /** A requester that did not prove standing was refused (nothing of the room was sent). */
  readonly onRefused?: (room: RoomId, peer: string, detail: string) => void
  /** The responder for a room we are in, or undefined. */
  readonly responder: (room: RoomId) => { responder: SyncResponder, channels: () => ChannelId[] } | undefined
  /** A peer told us what it holds in a room: we may want to sync back. */
  readonly onHello: (room: RoomId, peer: string, hello: Hello) => void
  /**
   * We sent `peer` `author`'s feed in `channel` up to `seq`. Entries are served in seq order from the
   * request's first, so for a feed without gaps (ours has none) the last one sent is first + count - 1.
   */
  readonly onServed?: (room: RoomId, peer: string, channel: ChannelId, author: AuthorId, seq: number) => void
  /** A peer sent bytes that are not a sync message. */
  readonly onGarbage: (peer: string, detail: string) => void
}

/** Resolves with `value` after the Hello timeout: a requester that says nothing is not waited for. */
const helloDeadline = <T>(value: T): Promise<T> => new Promise<T>((resolve) => setTimeout(() => { resolve(value) }, HELLO_TIMEOUT_MS))

/**
 * Serves {@link ROOM_SYNC_PROTOCOL} for every room this peer is in: we send a challenge, the
 * requester answers with its access proof and its Hello (room, authority heads, channel clocks);
 * a requester without standing in the room gets a `refused` error and nothing else; otherwise we
 * answer with our Hello, then its requests one at a time from storage in bounded batches, until it
 * closes the stream.
 */
export function createRoomSyncServer (components: RoomSyncServerComponents, init: RoomSyncServerInit): { start (): Promise<void>, stop (): Promise<void> } {
  let started = false
  const garbage = (stream: Stream, peer: string, detail: string): void => {
    init.onGarbage(peer, detail)
    stream.abort(new Error('sync protocol violation'))
  }
  const serve = async (stream: Stream, peer: string): Promise<void> => {
    const reader = readerOf(stream)
    const nonce = await sendChallenge(stream)
    const proof = await Promise.race([readProof(reader), helloDeadline(undefined)])
    if (proof == null) { stream.abort(new Error('no access proof in time')); return }
    if (!proof.ok) { garbage(stream, peer, refusalText(proof)); return }
    const first = await Promise.race([next(reader), helloDeadline('no hello in time')])
    if (first == null) return
    if (typeof first === 'string' || first.t !== 'hello') { garbage(stream, peer, typeof first === 'string' ? first : `expected hello, got ${first.t}`); return }
    const room = init.responder(first.room)
    const verdict = room == null ? undefined : await init.access.check(proof.value, { room: first.room, prover: peer, verifier: components.node.peerId, nonce })
    if (room == null || verdict == null) {
      await send(stream, { t: 'error', id: 0, code: 'wrong-room', message: 'not in this room' })
      await stream.close()
      return
    }
    if (!verdict.ok) {
      if (refusalIsGarbage(verdict.reason)) { garbage(stream, peer, `access proof: ${refusalText(verdict)}`); return }
      init.onRefused?.(first.room, peer, refusalText(verdict))
      await send(stream, { t: 'error', id: 0, code: 'refused', message: refusalText(verdict) })
      await stream.close()
      return
    }
    await send(stream, await room.responder.hello(room.channels()))
    init.onHello(first.room, peer, first)
    for (;;) {
      const msg = await next(reader)
      if (msg == null) break
      if (typeof msg === 'string' || !isRequest(msg)) {
        init.onGarbage(peer, typeof msg === 'string' ? msg : `unexpected ${msg.t}`)
        stream.abort(new Error('sync protocol violation'))
        return
      }
      let served = 0
      for await (const answer of room.responder.respond(msg)) {
        await send(stream, answer)
        if (answer.t === 'entries') served += answer.entries.length
        else if (answer.t === 'done' && msg.t === 'range' && served > 0) init.onServed?.(first.room, peer, msg.channel, msg.author, msg.fromSeq + served - 1)
      }
    }
    await stream.close()
  }
  return {
    async start () {
      if (started) return
      started = true
      await components.node.handle(ROOM_SYNC_PROTOCOL, serve)
    },
    async stop () {
      if (!started) return
      started = false
      await components.node.unhandle(ROOM_SYNC_PROTOCOL)
    }
  }
}

const isRequest = (m: SyncMessage): m is SyncRequest => m.t === 'range' || m.t === 'auth-after' || m.t === 'auth-by-hash'

export interface RoomSyncComponents {
  readonly node: Pick<PeerNode, 'newStream' | 'peerId'>
  /** Signs our access proof for each stream we open. */
  readonly access: Pick<RoomAccess, 'prove'>
  readonly storage: Pick<Storage, 'feeds' | 'authority'>
  readonly room: SyncRoom
}

export interface RoomSyncInit {
  readonly onProgress: (progress: SyncProgress) => void
  /** A peer sent garbage or entries no honest peer sends: it is dropped from sync and counted. */
  readonly onBadPeer: (peer: string, detail: string) => void
  /** Entries per range request; default 1,000 (smaller ranges spread a feed over more peers, larger ones cost fewer round trips). */
  readonly batchSize?: number
  /** Requests outstanding on one peer's stream; default 3, so the peer answers the next while we validate the last. */
  readonly inFlightPerPeer?: number
  /** `peer` holds `author`'s feed in `channel` up to `seq`: its Hello says so, or we served it that far. */
  readonly onPeerHolds?: (peer: string, channel: ChannelId, author: AuthorId, seq: number) => void
  /** `peer` refused to serve us the room: it does not see us as a member (yet). */
  readonly onRefused?: (peer: string, detail: string) => void
}

/**
 * One peer's sync stream: requests are sent as soon as they are planned (the peer answers them in
 * order), and answers are read in the same order, each to its Done; `sending` and `reading` keep
 * those two orders.
 */
interface Session { readonly stream: Stream, readonly reader: Reader, sending: Promise<unknown>, reading: Promise<unknown>, nextId: number }

export interface RoomSync {
  /**
   * Exchanges Hellos with `peer` and fetches what it has that we lack (authority first); resolves
   * when the room's sync settles, with false when no sync stream could be opened with the peer.
   */
  syncWith (peer: string, signal?: AbortSignal): Promise<boolean>
  /**
   * Opens streams to several peers first and only then plans, so the first plan already spreads
   * the missing ranges over all of them (a joiner's swarm); resolves with the peers synced with.
   */
  syncWithAll (peers: readonly string[], signal?: AbortSignal): Promise<string[]>
  /**
   * Something from `peer` needs entries we lack (a gap under gossip): reopen its stream so its
   * fresh Hello (its current clocks) is planned against; at most once per interval per peer.
   */
  resync (peer: string): void
  /**
   * Anti-entropy: compares clocks with `peer` afresh, so each side fetches what the other has (our
   * Hello reaches its server, which syncs back). Catches what gossip lost with no later message to
   * show the gap. Like {@link resync}, at most once per interval per peer; the peer's fresh Hello
   * comes on a stream of its own, so a session already open, and any sync under way, go on undisturbed.
   */
  compare (peer: string): void
  /** The peer's Hello arrived on its own stream (it synced from us): fetch back what it has. */
  noteHello (peer: string, hello: Hello): void
  /** We answered `peer`'s request for `author`'s feed in `channel` up to `seq`. */
  noteServed (peer: string, channel: ChannelId, author: AuthorId, seq: number): void
  responder: SyncResponder
  progress (): SyncProgress
  /** Entries stored from each peer by sync this session: shows the swarm at work. */
  sources (): ReadonlyMap<string, number>
  /** The peer misbehaved elsewhere (gossip, another stream): stop syncing with it. */
  distrust (peer: string): void
  stop (): void
}

/**
 * Pulls a room's history from every peer that has it: the planner (helper 2) splits what we lack
 * into ranges spread over peers, each peer serves one request at a time on its stream, so memory
 * stays at one batch per peer. A dropped peer's ranges are planned again elsewhere, and planning
 * reads our clocks from storage each time, so a restarted sync resumes where the last one stopped.
 */
export function createRoomSync (components: RoomSyncComponents, init: RoomSyncInit): RoomSync {
  const { node, storage, room } = components
  const responder = createSyncResponder({ storage }, { room: room.room })
  const planner = createSyncPlanner({ batchSize: init.batchSize ?? 1_000, maxInFlightPerPeer: init.inFlightPerPeer ?? 3 })
  const sessions = new Map<string, Session>()
  const opening = new Map<string, Promise<Session | undefined>>()
  /** Requests under way, each with the session it was sent on. */
  const running = new Map<Promise<void>, { readonly peer: string, readonly session: Session }>()
  const fromPeer = new Map<string, number>()
  const lastResync = new Map<string, number>()
  let received = 0
  let expected = 0
  let driving: Promise<void> | undefined
  let wake: (() => void) | undefined
  let stopped = false

  const report = (): void => { init.onProgress({ active: driving != null, received, expected }) }
  const holds = (peer: string, hello: Hello): void => {
    if (init.onPeerHolds == null) return
    for (const [channel, clock] of hello.clocks) for (const [author, seq] of clock) init.onPeerHolds(peer, channel, author, seq)
  }

  /** Never plans with the peer again; resets its session. */
  const distrust = (peer: string): void => {
    planner.reportInvalid(peer)
    const s = sessions.get(peer)
    sessions.delete(peer)
    s?.stream.abort(new Error('sync: peer distrusted'))
  }

  /**
   * Ends the peer's session `s` (its current one unless given): reset, not closed, so requests
   * still reading on it end now. A session no longer current (dropped already, or replaced by a
   * newer one) leaves the peer's planning alone; a bad peer is distrusted whatever the session.
   */
  const drop = (peer: string, bad?: string, s = sessions.get(peer)): void => {
    s?.stream.abort(new Error(`sync: ${bad ?? 'session ended'}`))
    if (bad != null) {
      distrust(peer)
      init.onBadPeer(peer, bad)
    } else if (sessions.get(peer) === s) {
      sessions.delete(peer)
      planner.removePeer(peer)
    }
  }

  const localState = async (): Promise<{ clocks: Map<ChannelId, ChannelClock>, authorityHeads: EntryHash[], hasAuthority: (h: EntryHash) => boolean }> => {
    const hello = await responder.hello([])
    const clocks = new Map<ChannelId, ChannelClock>()
    for (const channel of room.channelIds()) clocks.set(channel, await channelClock(storage.feeds, channel))
    return { clocks, authorityHeads: [...hello.authorityHeads], hasAuthority: (h) => room.log.has(h) }
  }

  /**
   * Reads one request's answers up to its Done, handing entry batches to the ingest without waiting
   * for them (the reader moves on to the next answer while they verify) and noting them in
   * `answer`; returns a reason to drop the peer, or nothing when Done came.
   */
  const readAnswers = async (a: Assignment, s: Session, id: number, answer: Answer): Promise<{ drop: string | undefined } | undefined> => {
    for (;;) {
      const msg = await next(s.reader)
      if (msg == null) return { drop: undefined }
      if (typeof msg === 'string') return { drop: msg }
      if (msg.t === 'done' && msg.id === id) return undefined
      if (msg.t === 'error') return { drop: undefined }
      if (msg.t === 'auth-entries' && a.kind === 'authority') {
        const result = await room.addAuthority(msg.entries)
        if (result.rejected.some((r) => r.senderFault)) return { drop: 'sent invalid authority entries' }
      } else if (msg.t === 'entries' && a.kind === 'range') {
        answer.delivered += msg.entries.length
        answer.ingests.push(room.feed.ingest(msg.entries).then((result) => {
          received += result.accepted.length
          fromPeer.set(a.peer, (fromPeer.get(a.peer) ?? 0) + result.accepted.length)
          report()
          const fault = result.rejected.find((r) => r.senderFault)
          if (fault != null) throw new BadPeer(`sent an invalid entry: ${fault.detail}`)
        }))
      } else {
        return { drop: `unexpected ${msg.t} for request ${id}` }
      }
    }
  }

  /**
   * Runs one assignment on its peer's stream (sent at once, read in turn); a protocol breach drops
   * the peer as bad. Entries that arrived are stored even when the stream dies after them, before
   * the request settles, so a resumed plan never asks for them again. A range counts in `expected`
   * while the peer owes it; what the peer never sent (a drop, a timeout, a short answer) is taken
   * back out, since the planner asks for it again, and counts it again, elsewhere or later.
   */
  const execute = async (a: Assignment): Promise<void> => {
    const s = sessions.get(a.peer)
    if (s == null) { planner.settle(a); return }
    const asked = a.kind === 'range' ? a.toSeq - a.fromSeq + 1 : 0
    const answer: Answer = { delivered: 0, ingests: [] }
    expected += asked
    const id = s.nextId++
    const request: SyncRequest = a.kind === 'authority'
      ? { t: 'auth-after', id, heads: a.heads }
      : { t: 'range', id, channel: a.channel, author: a.author, fromSeq: a.fromSeq, toSeq: a.toSeq }
    // A peer that stops answering is given up on: ending its stream ends every read waiting on it,
    // and the sync settles (and plans its ranges elsewhere) instead of waiting for it forever.
    const timeout = setTimeout(() => { s.stream.abort(new Error('sync: request timed out')) }, REQUEST_TIMEOUT_MS)
    const sent = s.sending.then(() => send(s.stream, request))
    s.sending = sent.catch(() => undefined)
    const read = s.reading.then(async () => { await sent; return await readAnswers(a, s, id, answer) })
    s.reading = read.catch(() => undefined)
    const outcome = await read.catch(() => ({ drop: undefined }))
    clearTimeout(timeout)
    const bad = (await Promise.allSettled(answer.ingests)).find((r) => r.status === 'rejected')
    if (bad != null) drop(a.peer, bad.reason instanceof BadPeer ? bad.reason.message : outcome?.drop, s)
    else if (outcome != null) drop(a.peer, outcome.drop, s)
    // a dropped session's requests left the planner with it
    if (sessions.get(a.peer) === s) planner.settle(a)
    expected -= Math.max(0, asked - answer.delivered)
    report()
  }

  const drive = async (): Promise<void> => {
    for (;;) {
      if (stopped) return
      // The planner forgets a dropped session's requests at once, but what they received may still
      // be storing: plan only once it is stored, so it is not asked for again.
      await Promise.allSettled([...running].filter(([, r]) => sessions.get(r.peer) !== r.session).map(([p]) => p))
      const plan = planner.plan(await localState())
      // 'done' with requests still running (a dropped session's): the sync settles once they have.
      const assignments: Assignment[] = plan.phase === 'authority' ? [...plan.requests] : plan.phase === 'feeds' ? [...plan.ranges] : []
      for (const a of assignments) {
        const session = sessions.get(a.peer)
        if (session == null) { planner.settle(a); continue }
        const tracked: Promise<void> = execute(a).finally(() => { running.delete(tracked) })
        running.set(tracked, { peer: a.peer, session })
      }
      report()
      if (running.size === 0) return
      // Plan again when a request settles, or at once when a new peer's session opens, so a peer
      // found after the plan started gets ranges without waiting for another peer's answer.
      await Promise.race([...running.keys(), new Promise<void>((resolve) => { wake = resolve })])
      wake = undefined
    }
  }

  const kick = (): Promise<void> => {
    driving ??= drive().finally(() => {
      driving = undefined
      report()
    })
    report()
    return driving
  }

  /** Opens a stream to `peer` and exchanges Hellos: the stream and the peer's Hello, or undefined. */
  const greet = async (peer: string, signal?: AbortSignal): Promise<{ stream: Stream, reader: Reader, hello: Hello } | undefined> => {
    // our Hello is read from storage while the stream opens
    const ours = responder.hello(room.channelIds())
    ours.catch(() => undefined)
    const stream = await node.newStream(peer, ROOM_SYNC_PROTOCOL, signal != null ? { signal } : {})
    const reader = readerOf(stream)
    const nonce = await Promise.race([readChallenge(reader), helloDeadline(undefined)])
    if (nonce == null) { stream.abort(new Error('no access challenge')); return undefined }
    await sendProof(stream, components.access, { room: room.room, prover: node.peerId, verifier: peer, nonce }, signal)
    await send(stream, await ours, signal)
    const hello = await Promise.race([next(reader), helloDeadline(NO_ANSWER)])
    // Silence is no proof of misbehaviour: the stream may run over a connection the peer has left
    // (a reload), which WebRTC reports failed only after ~18 s. Only what it says can be garbage.
    if (hello === NO_ANSWER) { stream.abort(new Error('no hello in time')); return undefined }
    if (hello != null && typeof hello !== 'string' && hello.t === 'error' && hello.code === 'refused') init.onRefused?.(peer, hello.message)
    if (hello == null || (typeof hello !== 'string' && hello.t === 'error')) { stream.abort(new Error('peer is not in the room')); return undefined }
    if (typeof hello === 'string' || hello.t !== 'hello' || hello.room !== room.room) {
      stream.abort(new Error('sync protocol violation'))
      init.onBadPeer(peer, typeof hello === 'string' ? hello : 'answered without a hello for this room')
      return undefined
    }
    holds(peer, hello)
    return { stream, reader, hello }
  }

  const open = async (peer: string, signal?: AbortSignal): Promise<Session | undefined> => {
    const greeted = await greet(peer, signal)
    if (greeted == null) return undefined
    const session: Session = { stream: greeted.stream, reader: greeted.reader, sending: Promise.resolve(), reading: Promise.resolve(), nextId: 1 }
    sessions.set(peer, session)
    planner.addPeer(peer, greeted.hello)
    wake?.()
    return session
  }

  const syncWith = async (peer: string, signal?: AbortSignal): Promise<boolean> => {
    if (stopped || !await ensureSession(peer, signal)) return false
    await kick()
    return true
  }

  /** Whether a re-sync with `peer` may run now (at most one per interval per peer); if so, it counts as run. */
  const resyncDue = (peer: string): boolean => {
    const now = Date.now()
    if (stopped || now - (lastResync.get(peer) ?? 0) < RESYNC_INTERVAL_MS) return false
    lastResync.set(peer, now)
    return true
  }

  /**
   * Plans against `peer`'s current Hello, fetched on a stream of its own so that a session already
   * open (and any sync under way) goes on undisturbed; without a session, opens one.
   */
  const refreshHello = async (peer: string): Promise<void> => {
    if (!sessions.has(peer)) { await syncWith(peer); return }
    const greeted = await greet(peer)
    if (greeted == null) return
    await greeted.stream.close()
    if (!sessions.has(peer)) return
    planner.addPeer(peer, greeted.hello)
    if (driving != null) wake?.()
    else await kick()
  }

  /** A stream to `peer` with its Hello read, opened once however many callers ask at the same time. */
  const ensureSession = async (peer: string, signal?: AbortSignal): Promise<boolean> => {
    if (stopped) return false
    if (sessions.has(peer)) return true
    let pending = opening.get(peer)
    if (pending == null) {
      pending = open(peer, signal).catch(() => undefined).finally(() => { opening.delete(peer) })
      opening.set(peer, pending)
    }
    return (await pending) != null
  }

  return {
    responder,
    syncWith,
    async syncWithAll (peers, signal) {
      const opened = await Promise.all(peers.map(async (peer) => (await ensureSession(peer, signal)) ? [peer] : []))
      const ready = opened.flat()
      if (ready.length > 0 && !stopped) await kick()
      return ready
    },
    noteHello (peer, hello) {
      holds(peer, hello)
      // Plan against what it holds now, not what it held when our own stream to it opened.
      if (sessions.has(peer)) planner.addPeer(peer, hello)
      void (async () => {
        const local = await localState()
        const lacking = hello.authorityHeads.some((h) => !local.hasAuthority(h)) ||
          [...hello.clocks].some(([channel, clock]) => [...clock].some(([author, seq]) => seq > (local.clocks.get(channel)?.get(author) ?? 0)))
        if (lacking) await syncWith(peer)
      })().catch(() => undefined)
    },
    noteServed (peer, channel, author, seq) { init.onPeerHolds?.(peer, channel, author, seq) },
    progress: () => ({ active: driving != null, received, expected }),
    sources: () => fromPeer,
    resync (peer) {
      if (!resyncDue(peer)) return
      if (sessions.has(peer)) drop(peer)
      void syncWith(peer).catch(() => false)
    },
    compare (peer) {
      if (resyncDue(peer)) void refreshHello(peer).catch(() => undefined)
    },
    distrust,
    stop () {
      stopped = true
      for (const peer of [...sessions.keys()]) drop(peer)
    }
  }
}
