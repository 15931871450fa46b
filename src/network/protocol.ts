/**
 * Names on the wire that every peer of this network must agree on. Our own Kademlia protocol id
 * keeps our DHT apart from the public IPFS one: our relays do not serve IPFS queries, and our
 * record namespace is unknown there.
 */
export const DHT_PROTOCOL = '/peer-rooms/kad/1.0.0'

/** DHT key namespace of users' routing hints: `/peer-rooms-user/<author hex>`. */
export const USER_RECORD_NAMESPACE = 'peer-rooms-user'

/** Largest user record accepted (canonical bytes). */
export const USER_RECORD_MAX_BYTES = 4096
