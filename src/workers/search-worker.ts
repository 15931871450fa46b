// A Web Worker that keeps the message search index: it reads the client's IndexedDB itself (a
// second, read-only connection), so building the index over a large history never runs on the
// page's thread, and the page only says which channels changed.
import type { FeedStore } from '../core/storage.ts'
import { createIndexedDbStorage } from '../storage/indexeddb.ts'
import { createSearchFeeder, type SearchFeeder } from './search-feeder.ts'
import { createSearchIndex } from './search-index.ts'
import type { SearchRequest, SearchResponse } from './search-protocol.ts'

const scope = self as unknown as { onmessage: ((e: MessageEvent<SearchRequest>) => void) | null, postMessage (m: SearchResponse): void }

const index = createSearchIndex()
let feeder: SearchFeeder | undefined
const fail = (err: unknown): void => { scope.postMessage({ type: 'failed', error: err instanceof Error ? err.message : String(err) }) }

scope.onmessage = (event) => {
  const m = event.data
  switch (m.type) {
    case 'open': {
      const storage = createIndexedDbStorage({ name: m.database })
      const ready = storage.start().then(() => storage.feeds)
      ready.catch(fail)
      const feeds: Pick<FeedStore, 'heads' | 'getRange' | 'getByHash'> = {
        heads: async (channel) => (await ready).heads(channel),
        getRange: async (channel, author, from, to) => (await ready).getRange(channel, author, from, to),
        getByHash: async (hash) => (await ready).getByHash(hash)
      }
      feeder = createSearchFeeder(feeds, index, () => { scope.postMessage({ type: 'progress', indexed: index.size, busy: feeder?.busy() ?? false }) })
      break
    }
    case 'scope': feeder?.scope(m.scope.rooms); break
    case 'changed': feeder?.changed(m.channel).catch(fail); break
    case 'search': scope.postMessage({ type: 'search', id: m.id, hits: index.search(m.query, m.limit) }); break
    case 'pins': scope.postMessage({ type: 'pins', id: m.id, hashes: index.pinCandidates(m.channel) }); break
  }
}
