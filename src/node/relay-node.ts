import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import { gossipsub } from '@libp2p/gossipsub'
import type { PrivateKey } from '@libp2p/interface'
import { gossipOptions } from '../network/gossip-options.ts'
import { DHT_PROTOCOL } from '../network/protocol.ts'
import { serverUserRecordDhtOptions } from '../network/user-record.ts'
import { NetworkProfile } from '../network/profile.ts'
import type { PeerServices } from '../network/browser-libp2p.ts'
import type { ServerOptions } from 'node:https'
import { DEFAULT_RELAY_LIMITS, relayGuard, type RelayLimits } from './relay-limits.ts'

export interface RelayNodeInit {
  readonly privateKey: PrivateKey
  readonly host: string
  readonly port: number
  /** Addresses to announce instead of the listen addresses (e.g. /dns4/relay.example.org/tcp/443/wss). */
  readonly announce?: readonly string[]
  /** 'loopback' keeps private addresses in DHT answers (tests, dev on one machine). */
  readonly profile: NetworkProfile
  readonly maxConnections?: number
  /** Caps on reservations and circuits (relay-limits.ts has the defaults). */
  readonly limits?: RelayLimits
  /** TLS server options (tls.ts): the listener serves wss instead of ws. */
  readonly tls?: ServerOptions
  /** How long a provider record is kept (s); browsers re-provide well within it. */
  readonly providerTtlSeconds?: number
}

export type RelayNode = Libp2p<PeerServices>

/**
 * The bootstrap/relay node: a WebSockets listener browsers can reach, a circuit-relay v2 server
 * over which they signal WebRTC, a Kademlia DHT server (our protocol id) that holds provider and
 * user records, and GossipSub (so it can carry room topics if asked to subscribe).
 * Started by the caller.
 */
export async function createRelayNode (init: RelayNodeInit): Promise<RelayNode> {
  const loopback = init.profile === NetworkProfile.Loopback
  const limits = init.limits ?? DEFAULT_RELAY_LIMITS
  const guard = relayGuard(limits)
  const node = await createLibp2p({
    privateKey: init.privateKey,
    start: false,
    addresses: {
      listen: [`/ip4/${init.host}/tcp/${init.port}/${init.tls != null ? 'tls/ws' : 'ws'}`],
      ...(init.announce != null && init.announce.length > 0 ? { announce: [...init.announce] } : {})
    },
    transports: [webSockets(init.tls != null ? { https: init.tls } : {})],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: init.maxConnections ?? 1024, inboundConnectionThreshold: limits.maxConnectionRatePerIp },
    connectionGater: { ...guard.gater, ...(loopback ? { denyDialMultiaddr: () => false } : {}) },
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: false,
        peerInfoMapper: loopback ? passthroughMapper : removePrivateAddressesMapper,
        providers: { provideValidity: init.providerTtlSeconds ?? 30 * 60 },
        ...serverUserRecordDhtOptions()
      }),
      pubsub: gossipsub(gossipOptions({ doPX: true })),
      relay: circuitRelayServer({
        maxInboundHopStreams: limits.maxCircuitsPerPeer,
        reservations: {
          maxReservations: limits.maxReservations,
          reservationTtl: limits.reservationTtlMs,
          applyDefaultLimit: true,
          defaultDurationLimit: limits.circuitDurationMs,
          defaultDataLimit: limits.circuitDataBytes
        }
      })
    }
  })
  guard.attach(node)
  return node
}
