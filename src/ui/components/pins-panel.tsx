import { useEffect, useMemo, useState } from 'react'
import type { ChannelSnapshot, MessageSnapshot, RoomClient } from '../../client/api.ts'
import type { AuthorId } from '../../core/types.ts'
import { searchOf } from '../../workers/search-client.ts'
import { useClient } from '../client-context.ts'
import { useEventVersion } from '../hooks.ts'
import { formatFull } from '../format.ts'
import { markdownToText } from '../markdown.ts'
import { navigate } from '../navigation.ts'
import { Dialog } from './dialog.tsx'

/**
 * The channel's pinned messages, newest pin first. The search worker names every message a pin
 * entry touched; the room folds each one with the ACL, so only pins by holders of 'pin' that are
 * still on are listed.
 */
export function PinsPanel ({ room, channel, nameOf, onClose }: { room: RoomClient, channel: ChannelSnapshot, nameOf: (id: AuthorId) => string, onClose: () => void }) {
  const client = useClient()
  const search = useMemo(() => searchOf(client), [client])
  const [pins, setPins] = useState<readonly MessageSnapshot[]>()
  const changed = useEventVersion('timeline', (d) => d.room === room.id && d.channel === channel.id, `${room.id}/${channel.id}`)
  const [indexed, setIndexed] = useState(0)
  useEffect(() => search.onProgress(() => setIndexed((n) => n + 1)), [search])

  useEffect(() => {
    let live = true
    void (async () => {
      const candidates = await search.pinCandidates(channel.id)
      const messages = await Promise.all(candidates.map(async (hash) => room.message(channel.id, hash)))
      if (live) setPins(messages.filter((m): m is MessageSnapshot => m?.pinned === true && !m.deleted))
    })().catch(() => { if (live) setPins([]) })
    return () => { live = false }
  }, [search, room, channel.id, changed, indexed])

  return (
    <Dialog title={`Pinned messages in #${channel.name}`} onClose={onClose}>
      {pins == null
        ? <p className='hint' role='status'>Loading pins…</p>
        : pins.length === 0
          ? <p className='hint' role='status'>No pinned messages in this channel yet.</p>
          : (
            <ul className='pins' aria-label='Pinned messages'>
              {pins.map((m) => (
                <li key={m.hash} className='pin'>
                  <span className='search-place'><strong>{nameOf(m.author)}</strong> · <time dateTime={new Date(m.sentAt).toISOString()}>{formatFull(m.sentAt)}</time></span>
                  <span className='search-text'>{markdownToText(m.text ?? '').slice(0, 300)}</span>
                  <button type='button' onClick={() => { navigate({ room: room.id, channel: channel.id, message: m.hash }); onClose() }}>Jump</button>
                </li>
              ))}
            </ul>)}
    </Dialog>
  )
}

export default PinsPanel
