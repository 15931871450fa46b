import type { GossipsubOpts } from '@libp2p/gossipsub'

/** How many peers GossipSub keeps in each topic's mesh: the peers a received message is forwarded to. */
export type MeshDegree = Readonly<Pick<GossipsubOpts, 'D' | 'Dlo' | 'Dhi' | 'Dout' | 'Dscore'>>

/**
 * For a tab that does not reach every online member directly: the mesh carries messages on to the
 * members the author's flood publish missed (see gossip-options.ts for each figure).
 */
export const WIDE_MESH: MeshDegree = { D: 3, Dlo: 2, Dhi: 4, Dout: 1, Dscore: 2 }

/**
 * For a tab that reaches every online member of every room it is in directly. Flood publishing
 * already brings each message to every member in one hop, so a mesh peer only adds a forward or an
 * IDONTWANT per message it receives. The mesh keeps at most two peers; after tabs thin at once it
 * may keep none for a minute (a pruned link backs off both ways). A member who joins and is not yet
 * reached directly gets messages by lazy gossip (IHAVE every heartbeat) meanwhile, and each tab
 * that hears of it widens again. Measured on the rooms bench (10 pages, all directly connected,
 * alternating pairs): this adaptive mesh took datachannel sends per message from 46-49 to 32-36 in
 * 8 of 8 pairs, and send-to-stored p50 lower in 7 of 8 (medians 34.1 -> 28.7 ms), browser CPU lower
 * in 6 of 8; p99 was lower in 4 of 8 (medians 141.6 and 142.3 ms), perhaps as fewer copies of a message
 * arrive by other paths when the direct one is slow.
 */
export const THIN_MESH: MeshDegree = { D: 1, Dlo: 1, Dhi: 2, Dout: 0, Dscore: 1 }

/** One room as this tab sees it: the peers of its online members, and the peers it exchanges gossip with directly. */
export interface RoomReach {
  readonly online: Iterable<string>
  readonly direct: ReadonlySet<string>
}

/**
 * The mesh degree for this tab: thin only while every online member's peer, in every room, is one
 * it gossips with directly. GossipSub has one degree for all topics, so one room that is not fully
 * connected keeps every room's mesh wide.
 */
export function meshDegreeFor (rooms: Iterable<RoomReach>): MeshDegree {
  for (const room of rooms) for (const peer of room.online) if (!room.direct.has(peer)) return WIDE_MESH
  return THIN_MESH
}
