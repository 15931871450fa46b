/**
 * Branded ids. Each is a plain string at run time; the brand stops a channel id being passed
 * where a room id is expected, which plain strings would let through silently.
 */
declare const brand: unique symbol
export type Brand<T, B extends string> = T & { readonly [brand]: B }

/** Lower-case hex of a 32-byte Ed25519 public key. Hex keeps byte order under string comparison. */
export type AuthorId = Brand<string, 'AuthorId'>
/** String form (base32 CIDv1, dag-cbor, sha2-256) of the hash of a record's canonical bytes. */
export type EntryHash = Brand<string, 'EntryHash'>
/** CID string of H(creator key || room name || nonce); also the room's DHT key. */
export type RoomId = Brand<string, 'RoomId'>
/** A channel's id inside a room: the hash of the authority entry that created it. */
export type ChannelId = Brand<string, 'ChannelId'>

export const asAuthorId = (s: string): AuthorId => s as AuthorId
export const asEntryHash = (s: string): EntryHash => s as EntryHash
export const asRoomId = (s: string): RoomId => s as RoomId
export const asChannelId = (s: string): ChannelId => s as ChannelId
