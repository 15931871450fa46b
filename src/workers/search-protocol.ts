import type { ChannelId, EntryHash, RoomId } from '../core/types.ts'
import type { SearchHit } from './search-index.ts'

/** The rooms the user is in, each with its channels: what the worker indexes. */
export interface SearchScope { readonly rooms: ReadonlyArray<{ readonly room: RoomId, readonly channels: readonly ChannelId[] }> }

/** Page -> search worker. */
export type SearchRequest =
  | { readonly type: 'open', readonly database: string }
  | { readonly type: 'scope', readonly scope: SearchScope }
  /** New entries were stored in the channel: the worker reads what it has not indexed yet. */
  | { readonly type: 'changed', readonly channel: ChannelId }
  | { readonly type: 'search', readonly id: number, readonly query: string, readonly limit: number }
  | { readonly type: 'pins', readonly id: number, readonly channel: ChannelId }

/** Search worker -> page. */
export type SearchResponse =
  | { readonly type: 'search', readonly id: number, readonly hits: readonly SearchHit[] }
  | { readonly type: 'pins', readonly id: number, readonly hashes: readonly EntryHash[] }
  /** After each catch-up: how many messages are indexed, and whether channels still wait to be read. */
  | { readonly type: 'progress', readonly indexed: number, readonly busy: boolean }
  | { readonly type: 'failed', readonly error: string }
