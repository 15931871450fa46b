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
 * IDONTWANT per message it receives: such a tab grafts no one (D and Dlo 0, no outbound quota).
 * It still accepts up to two grafts (Dhi 2) from tabs that are wide because they do not reach
 * everyone, and forwards to them; a mesh of three or more, as a tab has when it thins, is pruned
 * to none. A member who joins and is not yet reached directly gets messages by lazy gossip (IHAVE
 * every heartbeat) meanwhile, and each tab that hears of it widens again. A message that reached a
 * thin tab just before a wide one grafted it went to no one, and the thin tab's IHAVEs skip mesh
 * peers: the room session compares clocks with every new mesh peer (RoomSync.compare), which brings
 * it. Without that, the e2e test of a member reached only through another tab failed 3 times in 4.
 *
 * Measured on the rooms bench (10 pages, all directly connected, session 10), against the thin mesh
 * this replaced (D 1 / Dlo 1 / Dhi 2), in three alternating pairs: datachannel sends per message
 * 19.4-23.5 against 32.8-34.6, send-to-stored p50 19.0/16.9/22.7 against 25.0/30.9/32.1 ms, p99
 * 67/102/107 against 123/112/163 ms, browser CPU 13.3-15.9 against 16.4-18.6 s. Five more pairs with
 * Dhi 1 gave the same picture (p50 18.6-23.5 against 23.5-34.9 ms); Dhi 2 is kept so that a tab
 * which thins with two mesh peers keeps them, one of which may be a wide tab that needs it. The
 * wide-only mesh before either gave 46-49 sends per message.
 */
export const THIN_MESH: MeshDegree = { D: 0, Dlo: 0, Dhi: 2, Dout: 0, Dscore: 0 }

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
