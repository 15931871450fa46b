import type { Connection } from '@libp2p/interface'
import type { LinkPath } from './status.ts'

/** The RTCPeerConnection under a libp2p WebRTC connection (its muxer holds it; not in the typings). */
function peerConnectionOf (connection: Connection): RTCPeerConnection | undefined {
  const pc = (connection as unknown as { muxer?: { peerConnection?: unknown } }).muxer?.peerConnection
  return typeof RTCPeerConnection !== 'undefined' && pc instanceof RTCPeerConnection ? pc : undefined
}

/**
 * Whether a WebRTC connection runs through a TURN server: the selected ICE candidate pair has a
 * relay candidate on either side. Undefined when that cannot be read (yet).
 */
export async function webrtcPath (connection: Connection): Promise<LinkPath | undefined> {
  const pc = peerConnectionOf(connection)
  if (pc == null) return undefined
  const stats = await pc.getStats()
  let pairId: string | undefined
  stats.forEach((s: { type: string, selectedCandidatePairId?: string }) => { if (s.type === 'transport' && s.selectedCandidatePairId != null) pairId = s.selectedCandidatePairId })
  const pair = pairId == null ? undefined : stats.get(pairId) as { localCandidateId?: string, remoteCandidateId?: string } | undefined
  if (pair == null) return undefined
  const typeOf = (id: string | undefined): string | undefined => id == null ? undefined : (stats.get(id) as { candidateType?: string } | undefined)?.candidateType
  return typeOf(pair.localCandidateId) === 'relay' || typeOf(pair.remoteCandidateId) === 'relay' ? 'turn' : 'direct'
}

/** Calls `listener` when the connection's selected candidate pair changes (ICE may move to another path). */
export function onPathChange (connection: Connection, listener: () => void): void {
  const transport = peerConnectionOf(connection)?.sctp?.transport.iceTransport
  transport?.addEventListener('selectedcandidatepairchange', listener)
}

/** The relay a circuit address goes through: the peer id before /p2p-circuit. */
export function relayOfCircuit (addr: string): string | undefined {
  const parts = addr.split('/')
  const circuit = parts.indexOf('p2p-circuit')
  return circuit >= 2 && parts[circuit - 2] === 'p2p' ? parts[circuit - 1] : undefined
}
