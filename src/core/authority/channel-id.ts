import { CID } from 'multiformats/cid'
import { encodeCanonical } from '../codec/canonical.ts'
import { hashOf } from '../codec/hash.ts'
import { type ChannelId, type EntryHash, asChannelId } from '../types.ts'

/**
 * Id of the channel listed at `index` in the genesis entry: hashOf(encodeCanonical({ genesis:
 * CID(genesisHash), index })). Channels made later by CHANNEL_CREATE take that entry's hash, so
 * every channel id is fixed by the log alone and no two rooms share one.
 */
export function genesisChannelId (genesis: EntryHash, index: number): ChannelId {
  return asChannelId(hashOf(encodeCanonical({ genesis: CID.parse(genesis), index })))
}
