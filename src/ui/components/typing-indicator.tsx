import type { RoomClient } from '../../client/api.ts'
import type { AuthorId, ChannelId } from '../../core/types.ts'
import { useTypers } from '../hooks.ts'

/** "Ana is typing…", from ephemeral announcements that are never stored. */
export function TypingIndicator ({ room, channel, nameOf, me }: { room: RoomClient, channel: ChannelId, nameOf: (id: AuthorId) => string, me: AuthorId | undefined }) {
  const typers = useTypers(room, channel).filter((id) => id !== me)
  const names = typers.map(nameOf)
  const text = names.length === 0
    ? ''
    : names.length === 1
      ? `${names[0]} is typing…`
      : names.length <= 3 ? `${names.join(', ')} are typing…` : 'Several people are typing…'
  return <div className='typing' aria-live='polite'>{text}</div>
}
