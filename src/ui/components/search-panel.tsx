import { useEffect, useId, useMemo, useState } from 'react'
import type { PeerClient } from '../../client/api.ts'
import type { SearchHit } from '../../workers/search-index.ts'
import { searchOf } from '../../workers/search-client.ts'
import { useClient } from '../client-context.ts'
import { formatFull } from '../format.ts'
import { shortId } from '../format.ts'
import { navigate } from '../navigation.ts'
import { Dialog } from './dialog.tsx'

const RESULT_LIMIT = 50

/** Room and channel names for a hit, from the client's snapshots. */
function placeOf (client: PeerClient, hit: SearchHit): { room: string, channel: string, author: string } {
  const room = client.room(hit.room)?.snapshot()
  return {
    room: room?.name ?? 'a room',
    channel: room?.channels.find((c) => c.id === hit.channel)?.name ?? 'a channel',
    author: room?.members.find((m) => m.id === hit.author)?.name ?? client.profile(hit.author)?.name ?? shortId(hit.author)
  }
}

/**
 * Message search across every room the user is in. The worker's index grows as messages arrive,
 * so the results are asked again after each catch-up; a result opens its channel at the message.
 */
export function SearchPanel ({ onClose }: { onClose: () => void }) {
  const client = useClient()
  const search = useMemo(() => searchOf(client), [client])
  const [query, setQuery] = useState('')
  const [hits, setHits] = useState<readonly SearchHit[]>([])
  const [tick, setTick] = useState(0)
  const [progress, setProgress] = useState(() => search.progress())
  const inputId = useId()

  useEffect(() => search.onProgress(() => { setProgress(search.progress()); setTick((t) => t + 1) }), [search])
  useEffect(() => {
    let live = true
    search.search(query, RESULT_LIMIT).then((h) => { if (live) setHits(h) }, () => {})
    return () => { live = false }
  }, [search, query, tick])

  const open = (hit: SearchHit) => {
    navigate({ room: hit.room, channel: hit.channel, message: hit.hash })
    onClose()
  }
  const asked = query.trim() !== ''

  return (
    <Dialog title='Search messages' onClose={onClose} wide>
      <label className='visually-hidden' htmlFor={inputId}>Search messages</label>
      <input
        id={inputId} type='search' autoFocus placeholder='Search every room you are in' value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => { if (e.key === 'Enter' && hits[0] != null) { e.preventDefault(); open(hits[0]) } }}
      />
      <p className='hint' role='status'>
        {progress.busy ? `Indexing… ${progress.indexed.toLocaleString('en')} messages so far` : `${progress.indexed.toLocaleString('en')} messages indexed`}
        {asked && ` · ${hits.length === RESULT_LIMIT ? `first ${RESULT_LIMIT}` : hits.length} ${hits.length === 1 ? 'result' : 'results'}`}
      </p>
      {asked && (
        <ul className='search-results' aria-label='Search results'>
          {hits.map((hit) => {
            const place = placeOf(client, hit)
            return (
              <li key={hit.hash}>
                <button type='button' className='search-result' onClick={() => open(hit)}>
                  <span className='search-place'>{place.room} · #{place.channel} · <strong>{place.author}</strong> · <time dateTime={new Date(hit.sentAt).toISOString()}>{formatFull(hit.sentAt)}</time></span>
                  <span className='search-text'>{hit.text.slice(0, 300)}</span>
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </Dialog>
  )
}

export default SearchPanel
