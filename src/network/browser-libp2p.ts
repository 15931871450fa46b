import { createLibp2p, type Libp2p } from 'libp2p'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { circuitRelayTransport, circuitRelayServer, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify, identifyPush, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, type KadDHT } from '@libp2p/kad-dht'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { ConnectionGater, PrivateKey } from '@libp2p/interface'
import type { ConnectionBudget } from './connection-budget.ts'
import { gossipOptions } from './gossip-options.ts'
import { gateSignalling } from './signalling-gate.ts'
import { DHT_PROTOCOL } from './protocol.ts'
import { userRecordDhtOptions } from './user-record.ts'
import { NetworkProfile } from './profile.ts'

/** Public STUN servers, used when the page is configured with none. */
export const DEFAULT_ICE_SERVERS: RTCIceServer[] = [
  { urls: ['stun:stun.l.google.com:19302', 'stun:global.stun.twilio.com:3478'] }
]

export interface BrowserLibp2pInit {
  readonly profile: NetworkProfile
  readonly iceServers?: readonly RTCIceServer[]
  readonly budget: ConnectionBudget
  /** Open connections of every kind the tab keeps at most. */
  readonly maxConnections: number
  /** Reservations this tab's relay server grants to other peers. */
  readonly relayReservations: number
  /** Relay reservations this tab asks for (one per bootstrap node, usually). */
  readonly circuitListeners: number
  readonly privateKey?: PrivateKey
}

/** The services every node of ours runs, browser tab and relay alike (the relay as DHT server). */
export type PeerServices = {
  identify: Identify
  identifyPush: unknown
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
  relay: CircuitRelayService
}

export type BrowserLibp2p = Libp2p<PeerServices>

/** Builds (without starting) the libp2p node a browser tab runs. */
export async function createBrowserLibp2p (init: BrowserLibp2pInit): Promise<BrowserLibp2p> {
  const loopback = init.profile === NetworkProfile.Loopback
  const iceServers = loopback ? [] : [...(init.iceServers ?? DEFAULT_ICE_SERVERS)]
  const { budget } = init
  const rtc = webRTC({
    // called once per RTCPeerConnection, dialled or accepted: the budget's one choke point
    rtcConfiguration: () => { budget.take(); return { iceServers } }
  })
  // loopback: allow what the browser's default gater refuses (private addresses, plain ws://);
  // default: leave the gater empty so libp2p fills in its browser rules
  const gater: ConnectionGater = loopback ? { denyDialMultiaddr: () => false } : {}
  return createLibp2p({
    privateKey: init.privateKey ?? await generateKeyPair('Ed25519'),
    start: false,
    addresses: { listen: [...Array.from({ length: init.circuitListeners }, () => '/p2p-circuit'), '/webrtc'] },
    transports: [
      // inbound offers are admitted (or refused) by the budget before a peer connection is made
      (components) => rtc(gateSignalling(components, budget)),
      webSockets(),
      circuitRelayTransport({ reservationCompletionTimeout: 10_000 })
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: gater,
    // The monitor pings every connection (RTT for the peer list, and a dead-link check) on a fresh
    // stream each time; over WebRTC that is a data channel opened and closed per ping, which costs
    // the page more than the chat it carries in a ten-peer room. WebRTC links are also checked by
    // ICE consent, and a closed socket is seen at once, so every 30 s instead of every 10 s is enough.
    connectionMonitor: { pingInterval: 30_000 },
    connectionManager: {
      maxConnections: init.maxConnections,
      maxParallelDials: 8,
      maxDialQueueLength: 64,
      dialTimeout: 15_000
    },
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: true,
        // Every DHT query first waits for the initial self-query, which kad-dht starts on a 1 s timer:
        // a page that joins a room by link right after starting lost most of that second. At 0 the
        // self-query starts at once and waits (on an event) only for the first routing-table peer.
        initialQuerySelfInterval: 0,
        peerInfoMapper: loopback ? passthroughMapper : removePrivateAddressesMapper,
        ...userRecordDhtOptions
      }),
      pubsub: gossipsub(gossipOptions()),
      relay: circuitRelayServer({
        reservations: { maxReservations: init.relayReservations, applyDefaultLimit: true }
      })
    }
  })
}
