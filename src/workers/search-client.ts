import { CLIENT_DATABASE, type PeerClient } from '../client/api.ts'
import type { ChannelId, EntryHash } from '../core/types.ts'
import type { SearchHit } from './search-index.ts'
import type { SearchRequest, SearchResponse, SearchScope } from './search-protocol.ts'

/** Where the index stands: messages indexed, and whether channels are still being read. */
export interface SearchProgress { readonly indexed: number, readonly busy: boolean }

/**
 * The page's side of message search: one worker per client that indexes the rooms the user is
 * in, told of every channel change as the client announces it, so results follow new messages.
 */
export interface SearchClient {
  search (query: string, limit?: number): Promise<readonly SearchHit[]>
  /** Messages pin entries of the channel named, newest first (unchecked: the room's ACL decides). */
  pinCandidates (channel: ChannelId): Promise<readonly EntryHash[]>
  progress (): SearchProgress
  /** Called after each catch-up of the index; returns the unsubscribe. */
  onProgress (listener: () => void): () => void
  stop (): void
}

const clients = new WeakMap<PeerClient, SearchClient>()

/** The search of this client, started on first use. */
export function searchOf (client: PeerClient): SearchClient {
  let s = clients.get(client)
  if (s == null) clients.set(client, s = createSearchClient(client))
  return s
}

function scopeOf (client: PeerClient): SearchScope {
  return {
    rooms: client.rooms().flatMap((r) => {
      const room = client.room(r.id)
      return room == null ? [] : [{ room: r.id, channels: room.snapshot().channels.map((c) => c.id) }]
    })
  }
}

export function createSearchClient (client: PeerClient): SearchClient {
  const worker = new Worker(new URL('./search-worker.ts', import.meta.url), { type: 'module', name: 'message-search' })
  const waiting = new Map<number, (m: SearchResponse) => void>()
  const listeners = new Set<() => void>()
  let progress: SearchProgress = { indexed: 0, busy: true }
  let nextId = 0
  let scopeQueued = false
  const post = (m: SearchRequest): void => { worker.postMessage(m) }

  worker.onmessage = (e: MessageEvent<SearchResponse>) => {
    const m = e.data
    if (m.type === 'progress') {
      progress = { indexed: m.indexed, busy: m.busy }
      for (const l of listeners) l()
    } else if (m.type === 'failed') {
      console.error('message search failed', m.error)
    } else {
      waiting.get(m.id)?.(m)
      waiting.delete(m.id)
    }
  }
  const ask = <T>(make: (id: number) => SearchRequest, take: (m: SearchResponse) => T): Promise<T> => new Promise((resolve) => {
    const id = nextId++
    waiting.set(id, (m) => resolve(take(m)))
    post(make(id))
  })
  // Rooms and channels come and go in bursts (a join replays the authority log): one scope per task.
  const rescope = (): void => {
    if (scopeQueued) return
    scopeQueued = true
    queueMicrotask(() => { scopeQueued = false; post({ type: 'scope', scope: scopeOf(client) }) })
  }

  post({ type: 'open', database: CLIENT_DATABASE })
  rescope()
  const offs = [
    client.events.on('rooms', rescope),
    client.events.on('room', rescope),
    client.events.on('timeline', (d) => post({ type: 'changed', channel: d.channel }))
  ]

  return {
    search: (query, limit = 50) => ask((id) => ({ type: 'search', id, query, limit }), (m) => m.type === 'search' ? m.hits : []),
    pinCandidates: (channel) => ask((id) => ({ type: 'pins', id, channel }), (m) => m.type === 'pins' ? m.hashes : []),
    progress: () => progress,
    onProgress (l) { listeners.add(l); return () => { listeners.delete(l) } },
    stop () {
      for (const off of offs) off()
      worker.terminate()
      for (const resolve of waiting.values()) resolve({ type: 'failed', error: 'search stopped' })
      waiting.clear()
    }
  }
}
