import type { ChannelSnapshot, RoomSnapshot } from '../../client/api.ts'
import type { AuthorId } from '../../core/types.ts'
import { formatFull } from '../format.ts'

/**
 * Shown in place of the composer when the user may not write here, saying plainly why, by whom and
 * when, and what still works, instead of a disabled box and actions that fail when tried.
 */
export function BlockedNotice ({ snapshot, channel, me, nameOf }: {
  snapshot: RoomSnapshot
  channel: ChannelSnapshot
  me: AuthorId | undefined
  nameOf: (id: AuthorId) => string
}) {
  const ban = snapshot.bans.find((b) => b.target === me)
  if (ban != null) {
    return (
      <section className='blocked-notice banned' role='status' aria-label='You are banned from this room'>
        <h2>You are banned from {snapshot.name}</h2>
        <p>
          {nameOf(ban.by)} banned you on {formatFull(ban.at)}{ban.reason !== '' ? <>, with the reason “{ban.reason}”</> : ', without giving a reason'}.
        </p>
        <p>You can still read the history already here and leave the room from its settings. You cannot post, reply, react or edit, and peers refuse anything you send. Only a moderator can lift the ban.</p>
      </section>
    )
  }
  if (channel.archived) {
    return <p className='blocked-notice' role='status'>#{channel.name} is archived: its history stays readable, but nobody can post here any more.</p>
  }
  if (!snapshot.complete) {
    return <p className='blocked-notice' role='status'>Still fetching this room's member list from its peers: you can write once it has arrived.</p>
  }
  return (
    <p className='blocked-notice' role='status'>
      {snapshot.policy === 'invite-only'
        ? `You are not a member of ${snapshot.name}: ask a member for an invite link to post here. You can still read and leave the room.`
        : 'Your role here does not allow posting. You can still read and leave the room.'}
    </p>
  )
}
