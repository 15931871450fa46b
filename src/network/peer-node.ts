import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { Connection, PeerId, PrivateKey, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { MetaStore } from '../core/storage.ts'
import type { AuthorId } from '../core/types.ts'
import type { Signer } from '../core/identity/ed25519.ts'
import { AbortedError } from '../core/errors.ts'
import { createBrowserLibp2p, type BrowserLibp2p } from './browser-libp2p.ts'
import { NetworkProfile } from './profile.ts'
import { createConnectionBudget, DEFAULT_RTC_CONNECTION_BUDGET, type ConnectionBudget } from './connection-budget.ts'
import { WEBRTC_SIGNALING_PROTOCOL } from './signalling-gate.ts'
import { createPeerCache, type PeerCache } from './peer-cache.ts'
import { DEFAULT_BACKOFF, backoffDelay, pageHidden, type BackoffInit } from './backoff.ts'
import { DHT_PROTOCOL } from './protocol.ts'
import { NetworkError, NotStartedError } from './errors.ts'
import { signUserRecord, userRecordKey, validateUserRecord, dhtUserRecordSelector, type RoutingHint, type UserRecord } from './user-record.ts'
import { NetworkState, type NetworkStatus, type ConnectionInfo, type LinkPath, sameStatus } from './status.ts'
import { connectionForStream } from './stream-connection.ts'
import { createRelayedLinks, type RelayedLinks, type RelayedLinksInit } from './relayed-links.ts'
import { settledWithin } from './settled-within.ts'
import { onPathChange, relayOfCircuit, webrtcPath } from './link-path.ts'
import { retireCircuit } from './circuit-retire.ts'
import type { MeshDegree } from './mesh-degree.ts'
import { scoreTopic } from './gossip-options.ts'

export { NetworkProfile }

/** What a peer node needs from the rest of the app. */
export interface PeerNodeComponents {
  /** Where addresses of peers seen are cached across restarts. */
  readonly meta: MetaStore
}

export interface PeerNodeInit {
  /** Bootstrap/relay multiaddrs (with /p2p/<id>); any one reachable is enough. */
  readonly bootstrap: readonly string[]
  /** ICE servers for WebRTC; ignored (none used) in the loopback profile. */
  readonly iceServers?: readonly RTCIceServer[]
  /** See {@link NetworkProfile}; 'default' unless this is a test or a dev setup on 127.0.0.1. */
  readonly profile?: NetworkProfile
  /** RTCPeerConnections this tab may ever create (Chrome allows ~500 per tab lifetime). */
  readonly rtcConnectionBudget?: number
  /**
   * Whether a peer id is known to be a room member's (or a contact's): inbound WebRTC from any
   * other peer is rationed apart (connection-budget.ts). Default: every peer counts as a member.
   */
  readonly isMember?: (peer: string) => boolean
  /** Open connections the tab keeps at most (libp2p prunes beyond it). Default 48. */
  readonly maxConnections?: number
  /** Relay reservations this tab grants other peers (signalling only). Default 8. */
  readonly relayReservations?: number
  /** How often provided keys are re-announced (ms); must stay below the relays' provider TTL. Default 10 min. */
  readonly reprovideIntervalMs?: number
  readonly backoff?: BackoffInit
  /**
   * How long a dial waits for a direct WebRTC link before it answers with the relayed circuit that
   * the WebRTC signalling opened (ICE goes on trying, and the link moves over when it succeeds).
   */
  readonly relayedFallbackMs?: number
  /** When relayed-only peers are tried directly again, and how a cut circuit is dialled again. */
  readonly relayedLinks?: RelayedLinksInit
  /** A fixed libp2p key (tests); by default each tab gets a fresh one: one tab is one peer. */
  readonly privateKey?: PrivateKey
}

export type ValidationVerdict = 'accept' | 'reject' | 'ignore'

/** What a room (or any other) layer does with one gossip topic. */
export interface TopicHandlers {
  /**
   * Runs before a message is delivered or forwarded; 'reject' also scores the sender down. Throws
   * only for a failure of ours (storage), which counts as 'ignore'.
   */
  validate (bytes: Uint8Array, fromPeer: string): Promise<ValidationVerdict>
  /** Called for each accepted message (not for our own). */
  onMessage (bytes: Uint8Array, fromPeer: string): void
  /** `peer` joined our mesh for the topic, by its graft or ours: from now on we forward to it. */
  onMeshPeer? (peer: string): void
}

export interface ProviderInfo {
  readonly peerId: string
  readonly addrs: readonly string[]
}

export interface SignalOptions { readonly signal?: AbortSignal }

/**
 * The network as the rest of the app sees it: one libp2p node in this tab. Small on purpose; the
 * room layer (gossip validators, history sync) is built on top of it in src/network/room-*.ts.
 */
export interface PeerNode {
  /** This tab's libp2p peer id (fresh per tab unless a key is given). */
  readonly peerId: string
  /** Starts libp2p and begins dialling cached peers and bootstrap nodes; safe to call twice. */
  start (): Promise<void>
  /** Stops every timer and connection; safe to call twice. */
  stop (): Promise<void>
  status (): NetworkStatus
  /** Called with a new snapshot on every change; returns the unsubscribe function. */
  onStatus (listener: (status: NetworkStatus) => void): () => void

  /** Announces in the DHT that this peer provides `key`, and keeps re-announcing it until {@link unprovide}. */
  provide (key: CID, options?: SignalOptions): Promise<void>
  unprovide (key: CID): void
  /** Peers that announced `key`, with their addresses (this peer excluded), once the lookup is over. */
  findProviders (key: CID, options?: SignalOptions & { readonly limit?: number }): Promise<ProviderInfo[]>
  /**
   * The same lookup, yielding each provider the moment a response names it (once per peer), so a
   * caller can dial the first while the query is still walking the DHT. Never throws: a failed
   * or aborted lookup just ends (a failure shows in the status).
   */
  streamProviders (key: CID, options?: SignalOptions & { readonly limit?: number }): AsyncGenerator<ProviderInfo>
  /**
   * Connects to a peer, trying direct WebRTC (signalled through a relay) first, then any other
   * address. A relayed-only connection is not kept as the answer when WebRTC works.
   */
  dialPeer (target: string | readonly string[], options?: SignalOptions): Promise<ConnectionInfo>

  subscribe (topic: string, handlers: TopicHandlers): void
  unsubscribe (topic: string): void
  /** Gossips `bytes`; `recipients` is how many peers it was sent to (0 is not an error). */
  publish (topic: string, bytes: Uint8Array): Promise<{ recipients: number }>
  /** Peers known to be subscribed to `topic`. */
  topicPeers (topic: string): string[]
  /** How many peers each topic's mesh keeps from the next heartbeat on (mesh-degree.ts); the current one. */
  meshDegree (degree?: MeshDegree): MeshDegree

  /** Serves a stream protocol; the handler owns the stream (see length-prefixed.ts for request/response). */
  handle (protocol: string, handler: (stream: Stream, fromPeer: string) => void | Promise<void>): Promise<void>
  unhandle (protocol: string): Promise<void>
  /**
   * Opens a stream whose protocol is negotiated together with the first message written (one round
   * trip less than negotiating first): every protocol of ours has the opener write first. An
   * unsupported protocol then surfaces as an error on the first read.
   */
  newStream (peer: string, protocol: string, options?: SignalOptions): Promise<Stream>
  /** Closes every connection to a peer that misbehaved; never throws. */
  hangUp (peer: string): Promise<void>
  /**
   * Drops every connection now, synchronously, because the page is going away. A page torn down
   * with its WebRTC connections open tells its peers nothing (they find out ~16 s later, when ICE
   * consent fails); each connection closed here aborts its SCTP association, which they see at once.
   */
  dropAllNow (): void

  /**
   * Signs and stores this user's routing hints in the DHT (re-stored when a DHT server reconnects).
   * Throws InvalidUserRecordError if our own record is invalid; a remote refusal is not an error:
   * `stored` counts the DHT servers that accepted it.
   */
  putUserRecord (signer: Signer, options?: SignalOptions & { readonly hints?: readonly RoutingHint[] }): Promise<{ stored: number }>
  /** The newest valid routing hints of a user, or undefined if none is found. */
  getUserRecord (author: AuthorId, options?: SignalOptions): Promise<UserRecord | undefined>
}

const DIAL_TIMEOUT_MS = 15_000
const RELAYED_FALLBACK_MS = 2_000
const CACHED_PEERS_AT_START = 6

/** Builds a peer node; the libp2p key exists from here on, so `peerId` is known before start. */
export async function createPeerNode (components: PeerNodeComponents, init: PeerNodeInit): Promise<PeerNode> {
  let node: BrowserLibp2p | undefined
  const budget = createConnectionBudget({
    limit: init.rtcConnectionBudget ?? DEFAULT_RTC_CONNECTION_BUDGET,
    ...(init.isMember != null ? { isMember: init.isMember } : {}),
    // refuse further offers at protocol negotiation; the remote falls back to a relayed circuit at once
    onExhausted: () => { void node?.unhandle(WEBRTC_SIGNALING_PROTOCOL).catch(() => {}) }
  })
  const libp2p = node = await createBrowserLibp2p({
    profile: init.profile ?? NetworkProfile.Default,
    budget,
    maxConnections: init.maxConnections ?? 48,
    relayReservations: init.relayReservations ?? 8,
    circuitListeners: Math.max(2, Math.min(init.bootstrap.length, 3)),
    ...(init.iceServers != null ? { iceServers: init.iceServers } : {}),
    ...(init.privateKey != null ? { privateKey: init.privateKey } : {})
  })
  return new LibP2pPeerNode(libp2p, budget, createPeerCache(components.meta), init)
}

interface BootstrapTarget {
  readonly addr: Multiaddr
  readonly peerId: string | undefined
  attempt: number
  timer?: ReturnType<typeof setTimeout>
  dialing: boolean
}

class LibP2pPeerNode implements PeerNode {
  readonly peerId: string
  private started = false
  private settledFirstRound = false
  private stopController = new AbortController()
  private readonly bootstraps: BootstrapTarget[]
  private readonly listeners = new Set<(s: NetworkStatus) => void>()
  private lastStatus: NetworkStatus | undefined
  private lastError: string | undefined
  private readonly topics = new Map<string, TopicHandlers>()
  private readonly provided = new Map<string, CID>()
  private reprovideTimer: ReturnType<typeof setInterval> | undefined
  private userRecord: UserRecord | undefined
  /** Whether we had any address at the last self update. */
  private reachable = false
  /** Ids of bootstrap connections on which we already re-announced. */
  private readonly announcedOn = new Set<string>()
  private readonly backoff: BackoffInit
  private relayed: RelayedLinks
  /** What getStats said of each WebRTC connection's path (by connection id): direct or through TURN. */
  private readonly paths = new Map<string, LinkPath>()
  /** Stream protocols of ours (handled or opened here): a circuit they run on is not closed under them. */
  private readonly ownProtocols = new Set<string>()

  constructor (
    private readonly libp2p: BrowserLibp2p,
    private readonly budget: ConnectionBudget,
    private readonly cache: PeerCache,
    private readonly init: PeerNodeInit
  ) {
    this.peerId = libp2p.peerId.toString()
    this.backoff = init.backoff ?? DEFAULT_BACKOFF
    this.relayed = this.makeRelayedLinks()
    this.bootstraps = init.bootstrap.map((a) => {
      const addr = multiaddr(a)
      return { addr, peerId: addr.getComponents().findLast((c) => c.name === 'p2p')?.value, attempt: 0, dialing: false }
    })
  }

  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    this.settledFirstRound = false
    this.reachable = false
    this.stopController = new AbortController()
    this.relayed = this.makeRelayedLinks()
    const events = this.libp2p
    events.addEventListener('connection:open', this.onConnectionOpen)
    events.addEventListener('connection:close', this.onConnectionClose)
    events.addEventListener('peer:identify', this.onIdentify)
    events.addEventListener('self:peer:update', this.onSelfUpdate)
    this.libp2p.services.pubsub.addEventListener('gossipsub:message', this.onGossip)
    this.libp2p.services.pubsub.addEventListener('gossipsub:graft', this.onGraft)
    routingTableOf(this.libp2p)?.addEventListener('peer:add', this.emitStatus)
    routingTableOf(this.libp2p)?.addEventListener('peer:remove', this.emitStatus)
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.onOnline)
      window.addEventListener('offline', this.emitStatus)
      document.addEventListener('visibilitychange', this.onVisible)
    }
    await this.libp2p.start()
    for (const topic of this.topics.keys()) this.libp2p.services.pubsub.subscribe(topic)
    this.reprovideTimer = setInterval(() => { this.reannounce() }, this.init.reprovideIntervalMs ?? 10 * 60_000)
    this.emitStatus()
    // cached peers are dialled first; 'starting' lasts until this first round has settled
    void Promise.allSettled([this.dialCachedPeers(), ...this.bootstraps.map(async (b) => this.dialBootstrap(b))]).then(() => {
      this.settledFirstRound = true
      this.emitStatus()
    })
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    this.stopController.abort(new AbortedError('the peer node stopped'))
    this.relayed.stop()
    clearInterval(this.reprovideTimer)
    for (const b of this.bootstraps) { clearTimeout(b.timer); b.attempt = 0 }
    const events = this.libp2p
    events.removeEventListener('connection:open', this.onConnectionOpen)
    events.removeEventListener('connection:close', this.onConnectionClose)
    events.removeEventListener('peer:identify', this.onIdentify)
    events.removeEventListener('self:peer:update', this.onSelfUpdate)
    this.libp2p.services.pubsub.removeEventListener('gossipsub:message', this.onGossip)
    this.libp2p.services.pubsub.removeEventListener('gossipsub:graft', this.onGraft)
    routingTableOf(this.libp2p)?.removeEventListener('peer:add', this.emitStatus)
    routingTableOf(this.libp2p)?.removeEventListener('peer:remove', this.emitStatus)
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.onOnline)
      window.removeEventListener('offline', this.emitStatus)
      document.removeEventListener('visibilitychange', this.onVisible)
    }
    await this.libp2p.stop()
    this.emitStatus()
  }

  // ---- status ----

  status (): NetworkStatus {
    const connections: ConnectionInfo[] = this.libp2p.getConnections()
      .filter((c) => c.status === 'open')
      .map((c) => this.connectionInfo(c))
    const connectedPeers = new Set(connections.map((c) => c.peerId))
    const dht = this.libp2p.services.dht
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false
    const state = !this.started || (!this.settledFirstRound && connections.length === 0)
      ? NetworkState.Starting
      : offline ? NetworkState.Offline
        : connections.length > 0 ? NetworkState.Connected : NetworkState.BootstrapUnreachable
    return {
      state,
      peerId: this.peerId,
      addresses: this.started ? this.libp2p.getMultiaddrs().map((a) => a.toString()) : [],
      relays: this.bootstraps.map((b) => ({ address: b.addr.toString(), connected: b.peerId != null && connectedPeers.has(b.peerId) })),
      dht: { routingTableSize: routingTableOf(this.libp2p)?.size ?? 0, mode: dht.getMode() },
      connections,
      rtcConnectionsUsed: this.budget.used,
      ...(this.lastError != null ? { lastError: this.lastError } : {})
    }
  }

  onStatus (listener: (status: NetworkStatus) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  private readonly emitStatus = (): void => {
    const next = this.status()
    if (this.lastStatus != null && sameStatus(this.lastStatus, next)) return
    this.lastStatus = next
    for (const l of this.listeners) l(next)
  }

  // ---- connectivity ----

  /**
   * A WebRTC connection to a peer retires the relayed circuits to it: relays limit circuits, and in
   * an idle room they would carry every ping and identify through the relay, twice encrypted
   * (docs/protocol/network.md). A sync of ours still running on one finishes first.
   */
  private readonly onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    const opened = evt.detail
    if (transportOf(opened.remoteAddr.toString()) === 'webrtc') {
      this.relayed.direct(opened.remotePeer.toString())
      for (const c of this.libp2p.getConnections(opened.remotePeer)) {
        if (c !== opened && transportOf(c.remoteAddr.toString()) === 'circuit') retireCircuit(c, (p) => this.ownProtocols.has(p))
      }
      const learnPath = (): void => {
        void webrtcPath(opened).then((path) => {
          if (path == null || opened.status !== 'open') return
          this.paths.set(opened.id, path)
          this.emitStatus()
        }, () => undefined)
      }
      learnPath()
      onPathChange(opened, learnPath)
    }
    this.emitStatus()
  }

  private readonly onConnectionClose = (evt: CustomEvent<Connection>): void => {
    this.announcedOn.delete(evt.detail.id)
    this.paths.delete(evt.detail.id)
    const peer = evt.detail.remotePeer.toString()
    this.relayed.closed(peer)
    for (const b of this.bootstraps) {
      if (b.peerId === peer && this.libp2p.getConnections(evt.detail.remotePeer).length === 0) this.scheduleBootstrap(b)
    }
    this.emitStatus()
  }

  private readonly onIdentify = (evt: CustomEvent<{ peerId: PeerId, listenAddrs: Multiaddr[], protocols: string[], connection: Connection }>): void => {
    const { peerId, listenAddrs, protocols, connection } = evt.detail
    void this.cache.remember(peerId.toString(), listenAddrs.map((a) => a.toString())).catch((err: unknown) => { this.noteError('peer cache', err) })
    // a bootstrap DHT server (re)connected: our provider and user records may be missing there
    // (once per connection: identify-push repeats this event)
    if (protocols.includes(DHT_PROTOCOL) && this.bootstraps.some((b) => b.peerId === peerId.toString()) && !this.announcedOn.has(connection.id)) {
      this.announcedOn.add(connection.id)
      this.reannounce()
    }
    this.emitStatus()
  }

  /**
   * Relays drop a provider record that comes without addresses, and ours appear only once a relay
   * reservation is made: when we go from no address to some, announce again.
   */
  private readonly onSelfUpdate = (): void => {
    const reachable = this.libp2p.getMultiaddrs().length > 0
    if (reachable && !this.reachable) this.reannounce()
    this.reachable = reachable
    this.emitStatus()
  }

  private readonly onOnline = (): void => {
    for (const b of this.bootstraps) { b.attempt = 0; if (!this.connectedTo(b)) this.scheduleBootstrap(b, 0) }
    this.emitStatus()
  }

  private readonly onVisible = (): void => {
    if (pageHidden()) return
    // timers were stretched while hidden: retry soon now that the user looks at the page
    for (const b of this.bootstraps) if (!this.connectedTo(b) && !b.dialing) this.scheduleBootstrap(b, 0)
  }

  private connectedTo (b: BootstrapTarget): boolean {
    return b.peerId != null && this.libp2p.getConnections(peerIdFromString(b.peerId)).some((c) => c.status === 'open')
  }

  private scheduleBootstrap (b: BootstrapTarget, delay = backoffDelay(this.backoff, b.attempt, pageHidden())): void {
    if (!this.started) return
    clearTimeout(b.timer)
    b.timer = setTimeout(() => { void this.dialBootstrap(b) }, delay)
  }

  private async dialBootstrap (b: BootstrapTarget): Promise<void> {
    if (!this.started || b.dialing) return
    b.dialing = true
    try {
      await this.libp2p.dial(b.addr, { signal: this.dialSignal() })
      b.attempt = 0
    } catch (err) {
      this.noteError(`bootstrap ${b.addr.toString()}`, err)
      b.attempt++
      this.scheduleBootstrap(b)
    } finally {
      b.dialing = false
      this.emitStatus()
    }
  }

  private async dialCachedPeers (): Promise<void> {
    const bootstrapIds = new Set(this.bootstraps.map((b) => b.peerId))
    const cached = (await this.cache.recent(CACHED_PEERS_AT_START + bootstrapIds.size)).filter((p) => !bootstrapIds.has(p.peerId)).slice(0, CACHED_PEERS_AT_START)
    await Promise.allSettled(cached.map(async (p) => this.dialPeer(
      p.addrs.map((a) => (a.includes(`/p2p/${p.peerId}`) ? a : `${a}/p2p/${p.peerId}`)),
      { signal: this.dialSignal() }
    )))
  }

  private dialSignal (signal?: AbortSignal): AbortSignal {
    return AbortSignal.any([this.stopController.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS), ...(signal != null ? [signal] : [])])
  }

  private noteError (what: string, err: unknown): void {
    const detail = err instanceof Error ? err.message : typeof Event !== 'undefined' && err instanceof Event ? `${err.type} event` : String(err)
    this.lastError = `${what}: ${detail}`
  }

  async dialPeer (target: string | readonly string[], options: SignalOptions = {}): Promise<ConnectionInfo> {
    this.assertStarted()
    const addrs = typeof target === 'string' ? await this.knownAddrs(target) : target.map((a) => multiaddr(a))
    const peer = typeof target === 'string' ? target : addrs.map(peerOfAddr).find((p) => p != null)
    if (peer != null) {
      const direct = this.libp2p.getConnections(peerIdFromString(peer)).find((c) => c.status === 'open' && c.limits == null)
      if (direct != null) return this.connectionInfo(direct)
    }
    if (addrs.length === 0 && peer != null) {
      return this.connectionInfo(await this.libp2p.dial(peerIdFromString(peer), { signal: this.dialSignal(options.signal) }))
    }
    const webrtc = this.budget.exhausted ? [] : addrs.filter(isWebRTC)
    let firstError: Error | undefined
    if (webrtc.length > 0) {
      const attempt = this.libp2p.dial(webrtc, { signal: this.dialSignal(options.signal) })
      try {
        const settled = await settledWithin(attempt, this.init.relayedFallbackMs ?? RELAYED_FALLBACK_MS)
        if (settled != null) return this.connectionInfo(settled)
      } catch (err) {
        options.signal?.throwIfAborted()
        firstError = err instanceof Error ? err : new Error(String(err))
      }
      // No direct link yet: while ICE keeps trying, the circuit its signalling opened carries the room.
      const relayed = firstError == null && peer != null ? this.openRelayed(peer) : undefined
      if (relayed != null && peer != null) {
        this.relayed.add(peer)
        // a direct link that comes later is seen by onConnectionOpen, which retires the circuit
        attempt.catch((err: unknown) => { this.noteError(`direct link to ${peer.slice(-8)}`, err) })
        return this.connectionInfo(relayed)
      }
      if (firstError == null) {
        try {
          return this.connectionInfo(await attempt)
        } catch (err) {
          options.signal?.throwIfAborted()
          firstError = err instanceof Error ? err : new Error(String(err))
        }
      }
    }
    const others = addrs.filter((a) => !isWebRTC(a))
    if (others.length > 0) {
      try {
        const connection = await this.libp2p.dial(others, { signal: this.dialSignal(options.signal) })
        if (connection.limits != null && peer != null) this.relayed.add(peer)
        return this.connectionInfo(connection)
      } catch (err) {
        options.signal?.throwIfAborted()
        firstError ??= err instanceof Error ? err : new Error(String(err))
      }
    }
    throw firstError ?? new NetworkError('no address to dial')
  }

  private makeRelayedLinks (): RelayedLinks {
    const connected = (peer: string): boolean => this.libp2p.getConnections(peerIdFromString(peer)).some((c) => c.status === 'open')
    return createRelayedLinks({
      connected,
      tryDirect: async (peer) => {
        const webrtc = this.budget.exhausted ? [] : (await this.knownAddrs(peer)).filter(isWebRTC)
        if (webrtc.length === 0) return false
        try {
          return (await this.libp2p.dial(webrtc, { signal: this.dialSignal() })).limits == null
        } catch (err) {
          this.noteError(`direct link to ${peer.slice(-8)}`, err)
          return false
        }
      },
      redial: async (peer) => {
        try {
          await this.dialPeer(peer)
          return true
        } catch (err) {
          this.noteError(`relayed link to ${peer.slice(-8)}`, err)
          return connected(peer)
        }
      }
    }, this.init.relayedLinks)
  }

  private connectionInfo (c: Connection): ConnectionInfo {
    const addr = c.remoteAddr.toString()
    const relayed = c.limits != null || (addr.includes('/p2p-circuit') && !addr.includes('/webrtc'))
    const via = relayed ? relayOfCircuit(addr) : undefined
    return {
      peerId: c.remotePeer.toString(),
      kind: relayed ? 'relayed' : 'direct',
      path: relayed ? 'relayed' : this.paths.get(c.id) ?? 'direct',
      ...(via != null ? { via } : {}),
      transport: transportOf(addr),
      ...(c.rtt != null ? { rttMs: c.rtt } : {})
    }
  }

  /** An open relayed (limited) connection to `peer`, the newest. */
  private openRelayed (peer: string): Connection | undefined {
    return connectionForStream(this.libp2p.getConnections(peerIdFromString(peer)).filter((c) => c.limits != null))
  }

  /**
   * Addresses of a peer: what the peer store knows, plus WebRTC-over-circuit (and, as the fallback,
   * a plain relayed circuit) through every peer we hold an unlimited connection to: a relay, or a
   * mutual peer's relay server when the bootstrap node is gone. Peers without a relay server or
   * without a reservation for the target simply fail that address.
   */
  private async knownAddrs (peer: string): Promise<Multiaddr[]> {
    const id = peerIdFromString(peer)
    const known: Multiaddr[] = []
    try {
      known.push(...(await this.libp2p.peerStore.get(id)).addresses.map((a) => a.multiaddr))
    } catch { /* not in the peer store */ }
    for (const conn of this.libp2p.getConnections()) {
      if (conn.remotePeer.equals(id) || conn.limits != null) continue
      const via = `/p2p/${conn.remotePeer.toString()}/p2p-circuit`
      known.push(multiaddr(`${via}/webrtc/p2p/${peer}`), multiaddr(`${via}/p2p/${peer}`))
    }
    return known.map((a) => (peerOfAddr(a) === peer ? a : a.encapsulate(`/p2p/${peer}`)))
  }

  private assertStarted (): void {
    if (!this.started) throw new NotStartedError()
  }

  // ---- DHT ----

  async provide (key: CID, options: SignalOptions = {}): Promise<void> {
    this.assertStarted()
    this.provided.set(key.toString(), key)
    await this.provideOne(key, options.signal)
  }

  async hangUp (peer: string): Promise<void> {
    if (!this.started) return
    // a peer hung up on for misbehaving may not come straight back over WebRTC (growing ban)
    this.budget.offence(peer)
    try {
      await this.libp2p.hangUp(peerIdFromString(peer))
    } catch (err) {
      this.noteError('hang up', err)
    }
  }

  dropAllNow (): void {
    if (!this.started) return
    for (const connection of this.libp2p.getConnections()) {
      try {
        connection.abort(new Error('this page is closing'))
      } catch (err) {
        this.noteError('drop connection', err)
      }
    }
  }

  unprovide (key: CID): void {
    this.provided.delete(key.toString())
    // kad-dht also re-provides what it provided, on its own (slower) schedule
    void this.libp2p.services.dht.cancelReprovide(key).catch((err: unknown) => { this.noteError('unprovide', err) })
  }

  private async provideOne (key: CID, signal?: AbortSignal): Promise<void> {
    try {
      await this.libp2p.contentRouting.provide(key, { signal: this.dialSignal(signal) })
    } catch (err) {
      signal?.throwIfAborted()
      this.noteError('provide', err)
    }
  }

  /** Re-announces provided keys and the user record (timer, or a DHT server reconnected). */
  private reannounce (): void {
    if (!this.started) return
    for (const key of this.provided.values()) void this.provideOne(key)
    if (this.userRecord != null) void this.storeUserRecord(this.userRecord)
  }

  async findProviders (key: CID, options: SignalOptions & { readonly limit?: number } = {}): Promise<ProviderInfo[]> {
    const found = new Map<string, ProviderInfo>()
    for await (const p of this.streamProviders(key, options)) found.set(p.peerId, p)
    options.signal?.throwIfAborted()
    return [...found.values()]
  }

  async * streamProviders (key: CID, options: SignalOptions & { readonly limit?: number } = {}): AsyncGenerator<ProviderInfo> {
    this.assertStarted()
    const seen = new Set<string>()
    try {
      for await (const p of this.libp2p.contentRouting.findProviders(key, { signal: this.dialSignal(options.signal) })) {
        const peerId = p.id.toString()
        if (p.id.equals(this.libp2p.peerId) || seen.has(peerId)) continue
        seen.add(peerId)
        yield { peerId, addrs: [...new Set(p.multiaddrs.map((a) => a.toString()))] }
        if (options.limit != null && seen.size >= options.limit) return
      }
    } catch (err) {
      if (seen.size === 0 && options.signal?.aborted !== true) this.noteError('findProviders', err)
    }
  }

  async putUserRecord (signer: Signer, options: SignalOptions & { readonly hints?: readonly RoutingHint[] } = {}): Promise<{ stored: number }> {
    this.assertStarted()
    const hints = options.hints ?? [{ peerId: this.peerId, addrs: this.libp2p.getMultiaddrs().map((a) => a.toString()).slice(0, 16) }]
    const record = await signUserRecord(signer, hints)
    this.userRecord = record
    return { stored: await this.storeUserRecord(record, options.signal) }
  }

  private async storeUserRecord (record: UserRecord, signal?: AbortSignal): Promise<number> {
    let stored = 0
    try {
      for await (const ev of this.libp2p.services.dht.put(userRecordKey(record.author), record.bytes, { signal: this.dialSignal(signal) })) {
        if (ev.name === 'PEER_RESPONSE' && ev.messageName === 'PUT_VALUE') stored++
      }
    } catch (err) {
      signal?.throwIfAborted()
      this.noteError('putUserRecord', err)
    }
    return stored
  }

  async getUserRecord (author: AuthorId, options: SignalOptions = {}): Promise<UserRecord | undefined> {
    this.assertStarted()
    const key = userRecordKey(author)
    const values: Uint8Array[] = []
    try {
      for await (const ev of this.libp2p.services.dht.get(key, { signal: this.dialSignal(options.signal) })) {
        if (ev.name === 'VALUE') values.push(ev.value)
      }
    } catch (err) {
      options.signal?.throwIfAborted()
      if (values.length === 0) return undefined
      this.noteError('getUserRecord', err)
    }
    if (values.length === 0) return undefined
    const best = values[await dhtUserRecordSelector(key, values)]!
    const checked = await validateUserRecord(key, best)
    return checked.ok ? checked.value : undefined
  }

  // ---- gossip ----

  subscribe (topic: string, handlers: TopicHandlers): void {
    this.topics.set(topic, handlers)
    // every Reject of this topic's validator scores the sender down (gossip-options.ts)
    scoreTopic(this.libp2p.services.pubsub, topic)
    this.libp2p.services.pubsub.topicValidators.set(topic, async (peer, message) => {
      try {
        return VERDICTS[await handlers.validate(message.data, peer.toString())] ?? TopicValidatorResult.Reject
      } catch (err) {
        // Validators judge the bytes and do not throw for bad input: what throws is ours (a failed
        // IndexedDB write), so the message is neither kept nor relayed, and its sender not blamed.
        this.noteError(`validating ${topic}`, err)
        return TopicValidatorResult.Ignore
      }
    })
    if (this.started) this.libp2p.services.pubsub.subscribe(topic)
  }

  unsubscribe (topic: string): void {
    this.topics.delete(topic)
    this.libp2p.services.pubsub.topicValidators.delete(topic)
    if (this.started) this.libp2p.services.pubsub.unsubscribe(topic)
  }

  private readonly onGossip = (evt: CustomEvent<{ propagationSource: PeerId, msg: { topic: string, data: Uint8Array } }>): void => {
    const { propagationSource, msg } = evt.detail
    const handlers = this.topics.get(msg.topic)
    if (handlers == null) return
    try {
      handlers.onMessage(msg.data, propagationSource.toString())
    } catch (err) {
      this.noteError(`onMessage ${msg.topic}`, err)
    }
  }

  private readonly onGraft = (evt: CustomEvent<{ peerId: string, topic: string }>): void => {
    const { peerId, topic } = evt.detail
    try {
      this.topics.get(topic)?.onMeshPeer?.(peerId)
    } catch (err) {
      this.noteError(`onMeshPeer ${topic}`, err)
    }
  }

  async publish (topic: string, bytes: Uint8Array): Promise<{ recipients: number }> {
    this.assertStarted()
    const result = await this.libp2p.services.pubsub.publish(topic, bytes)
    return { recipients: result.recipients.length }
  }

  topicPeers (topic: string): string[] {
    return this.libp2p.services.pubsub.getSubscribers(topic).map((p) => p.toString())
  }

  meshDegree (degree?: MeshDegree): MeshDegree {
    // GossipSub takes its degrees as options only, and its router reads them from its options object
    // (public on the class, not on the service interface) at each heartbeat and each join
    // (@libp2p/gossipsub 17.1): changing them there is how a running router changes degree.
    // tests/network/mesh-degree.test.ts fails if a version stops reading them there.
    const opts = (this.libp2p.services.pubsub as unknown as { readonly opts: Record<keyof MeshDegree, number> }).opts
    if (degree != null) Object.assign(opts, degree)
    return { D: opts.D, Dlo: opts.Dlo, Dhi: opts.Dhi, Dout: opts.Dout, Dscore: opts.Dscore }
  }

  // ---- streams ----

  async handle (protocol: string, handler: (stream: Stream, fromPeer: string) => void | Promise<void>): Promise<void> {
    this.ownProtocols.add(protocol)
    await this.libp2p.handle(protocol, async (stream, connection) => {
      try {
        await handler(stream, connection.remotePeer.toString())
      } catch (err) {
        this.noteError(`handler ${protocol}`, err)
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    }, { runOnLimitedConnection: true })
  }

  async unhandle (protocol: string): Promise<void> {
    await this.libp2p.unhandle(protocol)
  }

  async newStream (peer: string, protocol: string, options: SignalOptions = {}): Promise<Stream> {
    this.assertStarted()
    this.ownProtocols.add(protocol)
    const id = peerIdFromString(peer)
    const signal = this.dialSignal(options.signal)
    let connection = connectionForStream(this.libp2p.getConnections(id))
    if (connection === undefined) {
      await this.dialPeer(peer, { signal })
      connection = connectionForStream(this.libp2p.getConnections(id))
      if (connection === undefined) throw new NetworkError(`no open connection to ${peer}`)
    }
    // a relayed link carries the room's streams too when no direct one exists (a symmetric NAT without TURN)
    return await connection.newStream(protocol, { signal, negotiateFully: false, runOnLimitedConnection: true })
  }
}

const VERDICTS: Record<ValidationVerdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore
}

function transportOf (addr: string): ConnectionInfo['transport'] {
  return addr.includes('/webrtc') ? 'webrtc' : addr.includes('/p2p-circuit') ? 'circuit' : /\/wss?(\/|$)/.test(addr) ? 'websockets' : 'other'
}

/** kad-dht's routing table: not in its public typings, but its size is what the status shows. */
function routingTableOf (libp2p: BrowserLibp2p): (EventTarget & { readonly size: number }) | undefined {
  return (libp2p.services.dht as unknown as { routingTable?: EventTarget & { size: number } }).routingTable
}

function peerOfAddr (a: Multiaddr): string | undefined {
  return a.getComponents().findLast((c) => c.name === 'p2p')?.value
}

const isWebRTC = (a: Multiaddr): boolean => a.toString().includes('/webrtc')
