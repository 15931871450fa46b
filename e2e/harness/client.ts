// Test-only page: one real PeerClient per page (IndexedDB storage, libp2p in the loopback
// profile), exposed to Playwright specs and benchmarks as window.peer.
import { SENT_JOURNAL_PREFIX, createPeerClient } from '../../src/client/peer-client.ts'
import type { RoomPolicy } from '../../src/client/api.ts'
import { CID } from 'multiformats/cid'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { appendEntry } from '../../src/core/feed/append.ts'
import { createSentJournal } from '../../src/core/feed/sent-journal.ts'
import { type Identity, loadIdentity } from '../../src/core/identity/identity.ts'
import { ChatType, decodeChatPayload, encodeChatPayload } from '../../src/core/messages/payloads.ts'
import { type AuthorId, type ChannelId, type EntryHash, asChannelId, asRoomId } from '../../src/core/types.ts'
import { NetworkProfile } from '../../src/network/index.ts'
import { ROOM_SYNC_PROTOCOL, type RoomTopics, roomTopics } from '../../src/network/room-topics.ts'
import { topicKeyOfLog } from '../../src/core/access/topic-key.ts'
import { loadAuthorityLog } from '../../src/core/authority/log.ts'
import { writeMessage } from '../../src/network/length-prefixed.ts'
import { createIndexedDbStorage } from '../../src/storage/indexeddb.ts'
import { steadySchedule } from './load-schedule.ts'
import { askHistory, askProfiles, eavesdrop, nameableTopics } from './outsider.ts'

const DB = 'peer-rooms-harness'
let client: ReturnType<typeof createPeerClient> | undefined
/** Payloads of others' messages as they were stored here, decoded only when read: the load measured should not include its own bookkeeping. */
const arrivals: Array<{ payload: Uint8Array, at: number }> = []
// Each harness page is its own browser context running one client: the database's only writer.
const storage = createIndexedDbStorage({ name: DB, singleWriter: true })
let injectedFailures = 0

function started (): ReturnType<typeof createPeerClient> {
  if (client == null) throw new Error('call peer.start first')
  return client
}
const roomOf = (room: string) => {
  const r = started().room(asRoomId(room))
  if (r == null) throw new Error(`not in room ${room}`)
  return r
}
const channelNamed = (room: string, name: string): ChannelId => {
  const c = roomOf(room).snapshot().channels.find((ch) => ch.name === name)
  if (c == null) throw new Error(`no channel ${name}`)
  return c.id
}

let heard = (): number => 0
const me = async (): Promise<Identity> => {
  const identity = await loadIdentity({ meta: storage.meta })
  if (identity == null) throw new Error('no identity')
  return identity
}

/** The room's gossip topics as a member names them: from the genesis in our storage (topic-key.ts). */
async function topicsOf (room: string): Promise<RoomTopics> {
  const { log } = await loadAuthorityLog(asRoomId(room), (await storage.authority.list(asRoomId(room))).map((e) => e.bytes))
  const key = topicKeyOfLog(log)
  if (key == null) throw new Error('no genesis held for this room')
  return roomTopics(key)
}

const peer = {
  /**
   * Starts (or, after a reload, restarts) the client against the given relays. Tests repeat the
   * client's presence and lookup round every 5 s, so recoveries show within a test's patience;
   * `pace: 'product'` keeps the shipped period (benches measure what users run). A
   * `rtcConnectionBudget` makes the tab refuse WebRTC once it has opened that many connections.
   */
  async start (bootstrap: string[], pace: 'test' | 'product' = 'test', rtcConnectionBudget?: number): Promise<void> {
    const network = { bootstrap, profile: NetworkProfile.Loopback, ...(rtcConnectionBudget != null ? { rtcConnectionBudget } : {}) }
    client = createPeerClient({ storage, network, linkOrigin: location.origin, ...(pace === 'test' ? { refreshIntervalMs: 5_000 } : {}) })
    await client.start()
  },
  stop: async () => started().stop(),
  identity: () => started().identity(),
  createIdentity: async (name: string) => (await started().createIdentity({ name })).id,
  async createRoom (name: string, policy: RoomPolicy): Promise<string> {
    return started().createRoom({ name, policy })
  },
  shareLink: (room: string) => roomOf(room).shareLink().link,
  async invite (room: string): Promise<string> {
    return (await roomOf(room).createInvite({ expiresInMs: 3_600_000, maxUses: 10 })).link
  },
  join: async (link: string) => started().joinByLink(link, AbortSignal.timeout(30_000)),
  rooms: () => started().rooms().map((r) => r.id),
  /** Room name, member ids and whether the authority log is complete. */
  room (room: string) {
    const s = roomOf(room).snapshot()
    return { name: s.name, complete: s.complete, members: s.members.map((m) => ({ id: m.id, role: m.role, banned: m.banned, name: m.name, online: m.online })), channels: s.channels.map((c) => c.name), caps: [...s.myCapabilities], forkedAuthors: [...s.forkedAuthors] }
  },
  send: async (room: string, text: string, channel = 'general') => roomOf(room).send(channelNamed(room, channel), text),
  /** Sends `count` messages "prefix i", awaiting each (they must chain). */
  async sendMany (room: string, prefix: string, count: number, channel = 'general'): Promise<void> {
    const r = roomOf(room)
    const id = channelNamed(room, channel)
    for (let i = 0; i < count; i++) await r.send(id, `${prefix} ${i}`)
  },
  /** The channel's whole timeline, in display order: text and author of each message. */
  async messages (room: string, channel = 'general'): Promise<Array<{ text: string | undefined, author: AuthorId, reached?: number }>> {
    const r = roomOf(room)
    const id = channelNamed(room, channel)
    const first = await r.timeline(id, { offset: 0, limit: 0 })
    const all = await r.timeline(id, { offset: 0, limit: first.total })
    return all.messages.map((m) => ({ text: m.text, author: m.author, ...(m.reachedPeers != null ? { reached: m.reachedPeers } : {}) }))
  },
  /** Messages stored for the channel (the timeline's total). */
  async total (room: string, channel = 'general'): Promise<number> {
    return (await roomOf(room).timeline(channelNamed(room, channel), { offset: 0, limit: 0 })).total
  },
  /** Whether an entry is in this peer's storage. */
  stored: async (hash: string) => (await storage.feeds.getByHash(hash as EntryHash)) != null,
  /** Fault injection: the next write of received feed entries fails, as a transient IndexedDB error would. */
  failNextFeedWrite: () => {
    const feeds = storage.feeds
    const putEntries = feeds.putEntries.bind(feeds)
    feeds.putEntries = () => {
      feeds.putEntries = putEntries
      injectedFailures++
      return Promise.reject(new DOMException('injected by the test', 'UnknownError'))
    }
  },
  /** How many writes failNextFeedWrite has failed. */
  injectedFailures: () => injectedFailures,
  ban: async (room: string, target: string) => roomOf(room).ban(target as AuthorId, 'test ban'),
  /**
   * Writes a message the way a banned but misbehaving client would: signed and chained by the
   * core, but published straight to the room's feed topic, skipping our own ACL check.
   */
  async forcePublish (room: string, text: string, channel = 'general'): Promise<string> {
    const me = await loadIdentity({ meta: storage.meta })
    if (me == null) throw new Error('no identity')
    const id = channelNamed(room, channel)
    const head = (await storage.feeds.heads(id)).find((h) => h.author === me.id)
    const appended = await appendEntry(me, { room: asRoomId(room), channel: asChannelId(id), ...(head != null ? { head } : {}), roomLamport: head?.lamport ?? 0, type: 'chat/text', payload: encodeChatPayload({ type: 'chat/text', text, mentions: [] }) })
    await storage.feeds.putEntries([appended.stored])
    await started().node()!.publish((await topicsOf(room)).feed, encodeCanonical({ entry: appended.envelope.entry, payload: appended.envelope.payload }))
    return appended.stored.hash
  },
  /** Resolves with Date.now() once the channel holds at least `n` messages (woken by timeline events, no polling). */
  async waitForTotal (room: string, n: number, channel = 'general'): Promise<number> {
    const c = started()
    for (;;) {
      const r = c.room(asRoomId(room))
      const id = r?.snapshot().channels.find((ch) => ch.name === channel)?.id
      if (r != null && id != null && (await r.timeline(id, { offset: 0, limit: 0 })).total >= n) return Date.now()
      await new Promise<void>((resolve) => {
        const offs = [c.events.on('timeline', () => { done() }), c.events.on('room', () => { done() })]
        function done (): void { for (const off of offs) off(); resolve() }
      })
    }
  },
  /**
   * From now on, records when each message from someone else is committed to storage here, on the
   * clock `performance.timeOrigin + performance.now()` (shared by the pages of one machine, sub-ms).
   */
  recordArrivals (room: string): void {
    const c = started()
    const me = c.identity()?.id
    c.onStored(asRoomId(room), (entries) => {
      const at = performance.timeOrigin + performance.now()
      for (const e of entries) if (e.author !== me && e.payload != null) arrivals.push({ payload: e.payload, at })
    })
  },
  /** The recorded text messages: their text and when each was stored. */
  arrivals: () => arrivals.flatMap(({ payload, at }) => {
    const decoded = decodeChatPayload(ChatType.Text, payload)
    return decoded.ok && decoded.value.type === ChatType.Text ? [{ text: decoded.value.text, at }] : []
  }),
  /** How many messages from others were recorded (the bench sends text only). */
  arrivalCount: () => arrivals.length,
  /**
   * Sends `count` messages at `perSecond`, each at a random moment within its own period
   * (load-schedule.ts); each text is JSON `{ sent, tag, seq }` (sent on the arrivals' clock, taken as
   * send is called) padded to `bytes`. Resolves when every send has resolved.
   */
  async steadyLoad (room: string, tag: string, count: number, perSecond: number, bytes: number): Promise<void> {
    const r = roomOf(room)
    const channel = channelNamed(room, 'general')
    const sends: Array<Promise<unknown>> = []
    await steadySchedule(count, perSecond, (seq) => {
      const head = JSON.stringify({ sent: performance.timeOrigin + performance.now(), tag, seq })
      sends.push(r.send(channel, head + ' '.repeat(Math.max(0, bytes - head.length))))
    })
    await Promise.all(sends)
  },
  /**
   * Writes `n` signed messages of ours straight into storage in batches (no client, no network):
   * a large history for paging figures. Reload the page and start again before reading them.
   */
  async bulkWrite (room: string, n: number, channel = 'general'): Promise<void> {
    const me = await loadIdentity({ meta: storage.meta })
    if (me == null) throw new Error('no identity')
    const id = asChannelId(channelNamed(room, channel))
    let head = (await storage.feeds.heads(id)).find((h) => h.author === me.id)
    for (let done = 0; done < n;) {
      const batch = []
      for (; batch.length < 1_000 && done < n; done++) {
        const appended = await appendEntry(me, { room: asRoomId(room), channel: id, ...(head != null ? { head } : {}), roomLamport: head?.lamport ?? 0, type: 'chat/text', payload: encodeChatPayload({ type: 'chat/text', text: `bulk ${done}`, mentions: [] }) })
        batch.push(appended.stored)
        head = { author: me.id, seq: appended.stored.seq, hash: appended.stored.hash, lamport: appended.stored.lamport }
      }
      await storage.feeds.putEntries(batch)
    }
  },
  /**
   * Signs our next message and records it in the sent journal (localStorage), as a send does
   * before it publishes, but never stores it: a tab that died before its own write committed.
   * Reload the page and start again to see what the next start makes of it.
   */
  async journalWithoutStoring (room: string, text: string, channel = 'general'): Promise<void> {
    const me = await loadIdentity({ meta: storage.meta })
    if (me == null) throw new Error('no identity')
    const id = asChannelId(channelNamed(room, channel))
    const head = (await storage.feeds.heads(id)).find((h) => h.author === me.id)
    const appended = await appendEntry(me, { room: asRoomId(room), channel: id, ...(head != null ? { head } : {}), roomLamport: head?.lamport ?? 0, type: 'chat/text', payload: encodeChatPayload({ type: 'chat/text', text, mentions: [] }) })
    if (!createSentJournal(localStorage, SENT_JOURNAL_PREFIX).record(asRoomId(room), appended.stored.hash, appended.envelope)) throw new Error('the journal refused the entry')
  },
  /** Sent entries of ours still waiting in the journal for their commit. */
  journalCount: (room: string): number => createSentJournal(localStorage, SENT_JOURNAL_PREFIX).unsettled(asRoomId(room)).length,
  /** Milliseconds one timeline window takes to load. */
  async timeWindow (room: string, offset: number, limit: number, channel = 'general'): Promise<{ ms: number, first?: string, total: number }> {
    const r = roomOf(room)
    const t0 = performance.now()
    const w = await r.timeline(channelNamed(room, channel), { offset, limit })
    return { ms: performance.now() - t0, total: w.total, ...(w.messages[0]?.text != null ? { first: w.messages[0].text } : {}) }
  },
  /** Opens a history-sync stream to `peerId` and writes bytes that are not a sync message. */
  async sendGarbage (peerId: string): Promise<void> {
    const stream = await started().node()!.newStream(peerId, ROOM_SYNC_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
    await writeMessage(stream, new TextEncoder().encode('this is not a sync message'))
  },
  /** As an outsider knowing only the room id: ask `peerId` for the room's history (e2e/harness/outsider.ts). */
  askHistory: async (peerId: string, room: string) => askHistory(started().node()!, await me(), peerId, room),
  /** As an outsider: ask `peerId` for the profiles of these authors in the room. */
  askProfiles: async (peerId: string, room: string, authors: string[]) => askProfiles(started().node()!, await me(), peerId, room, authors),
  /** As an outsider: subscribe to every topic nameable from the room id; then `heard()` counts what came. */
  eavesdrop (room: string): void { heard = eavesdrop(started().node()!, room) },
  heard: () => heard(),
  /** Peers this tab knows to be subscribed to a topic. */
  topicPeers: (topic: string) => started().node()!.topicPeers(topic),
  nameableTopics,
  peerId: () => started().node()!.peerId,
  /** The GossipSub mesh degree this tab runs now (mesh-degree.ts). */
  meshDegree: () => started().node()!.meshDegree().D,
  /** Whether this tab holds an open connection to a peer. */
  connectedTo: (peer: string) => started().node()!.status().connections.some((c) => c.peerId === peer),
  /** This tab's connections: peer, direct or relayed, transport (diagnostics). */
  connections: () => started().node()!.status().connections.map(({ peerId, kind, transport }) => ({ peerId, kind, transport })),
  typing: (room: string, channel = 'general') => { roomOf(room).typing(channelNamed(room, channel)) },
  typers: (room: string, channel = 'general') => roomOf(room).typers(channelNamed(room, channel)),
  rejected: (room: string) => roomOf(room).snapshot().rejected.map((r) => ({ author: r.author, reason: r.reason })),
  peers: (room: string) => roomOf(room).peers(),
  sync: (room: string) => roomOf(room).sync(),
  connectivity: () => started().connectivity(),
  /** Who provides the room in the DHT (diagnostics). */
  providers: async (room: string) => (await started().node()!.findProviders(CID.parse(room), { signal: AbortSignal.timeout(10_000) })).map((p) => p.peerId),
  badPeers: () => [...started().badPeers()],
  syncSources: (room: string) => [...started().syncSources(asRoomId(room))],
  lookups: (room: string) => started().lookups(asRoomId(room))
}

declare global { interface Window { peer: typeof peer, peerReady: boolean } }
window.peer = peer
window.peerReady = true
