import { useState, type FormEvent } from 'react'
import { Capability, type MemberSnapshot, type RoomClient, type RoomSnapshot } from '../../client/api.ts'
import { useIdentity } from '../hooks.ts'
import { fingerprintOfAuthor, formatFull } from '../format.ts'
import { usePendingAction } from '../use-pending-action.ts'
import { Dialog, ErrorText } from './dialog.tsx'

/** Roles only a ban gives: never offered in the role picker. */
const BANNED_ROLE = 'banned'

const Confirm = { None: 'none', Kick: 'kick', Ban: 'ban' } as const
type Confirm = typeof Confirm[keyof typeof Confirm]

/**
 * One member: name, role, and the key fingerprint in the same form as one's own, so two people can
 * compare them. Moderators of a higher rank also get role changes, kick and ban, each confirmed
 * first; actions the viewer may not take are not shown at all.
 */
export function MemberDialog ({ room, snapshot, member, online, onClose }: {
  room: RoomClient
  snapshot: RoomSnapshot
  member: MemberSnapshot
  online: boolean
  onClose: () => void
}) {
  const me = useIdentity()
  const caps = snapshot.myCapabilities
  const myRank = snapshot.members.find((m) => m.id === me?.id)?.rank ?? 0
  const outranks = member.id !== me?.id && myRank > member.rank
  const [role, setRole] = useState(member.role)
  const [reason, setReason] = useState('')
  const [confirm, setConfirm] = useState<Confirm>(Confirm.None)
  const { busy, error, run: runAction } = usePendingAction()
  const run = (action: () => Promise<void>) => { runAction(action, onClose) }
  const ban = snapshot.bans.find((b) => b.target === member.id)
  const nameOf = (id: string): string => snapshot.members.find((m) => m.id === id)?.name ?? 'a moderator'
  const roles = snapshot.roles.filter((r) => r.name !== BANNED_ROLE && r.rank < myRank)
  const submitBan = (e: FormEvent) => {
    e.preventDefault()
    run(async () => await room.ban(member.id, reason.trim()))
  }

  return (
    <Dialog title={member.name} onClose={onClose}>
      <p className='hint'>{member.banned ? 'Banned' : `Role: ${member.role} · ${online ? 'online' : 'offline'}`}</p>
      <p>Key fingerprint <strong className='fingerprint'>{fingerprintOfAuthor(member.id)}</strong></p>
      {ban != null && <p>Banned by {nameOf(ban.by)}, {formatFull(ban.at)}{ban.reason !== '' ? `: “${ban.reason}”` : ' (no reason given)'}.</p>}
      {outranks && caps.has(Capability.ManageRoles) && !member.banned && roles.length > 0 && (
        <div className='stack'>
          <div className='field'>
            <label htmlFor='member-role'>Role</label>
            <select id='member-role' value={role} onChange={(e) => setRole(e.target.value)}>
              {roles.some((r) => r.name === member.role) ? null : <option value={member.role}>{member.role}</option>}
              {roles.map((r) => <option key={r.name} value={r.name}>{r.name}</option>)}
            </select>
          </div>
          <button type='button' className='primary' disabled={busy || role === member.role} onClick={() => run(async () => await room.grant(member.id, role))}>Change role</button>
        </div>
      )}
      {outranks && !member.banned && confirm === Confirm.None && (
        <div className='row'>
          {(caps.has(Capability.ManageRoles) || caps.has(Capability.Ban)) && <button type='button' disabled={busy} onClick={() => setConfirm(Confirm.Kick)}>Kick…</button>}
          {caps.has(Capability.Ban) && <button type='button' className='danger' disabled={busy} onClick={() => setConfirm(Confirm.Ban)}>Ban…</button>}
        </div>
      )}
      {confirm === Confirm.Kick && (
        <div className='stack confirm' role='group' aria-label={`Kick ${member.name}?`}>
          <p>
            Kick {member.name}? They lose their role{snapshot.policy === 'open'
              ? '. This room is open, so they can still read and post as a visitor: ban them to stop that.'
              : ' and can no longer post here until someone sends them a new invite.'} Their messages stay.
          </p>
          <div className='row end'>
            <button type='button' onClick={() => setConfirm(Confirm.None)}>Cancel</button>
            <button type='button' className='danger' disabled={busy} onClick={() => run(async () => await room.revoke(member.id))}>Kick {member.name}</button>
          </div>
        </div>
      )}
      {confirm === Confirm.Ban && (
        <form className='stack confirm' onSubmit={submitBan} aria-label={`Ban ${member.name}?`}>
          <p>Ban {member.name}? Every peer refuses what they send from now on; messages they sent before stay. You can unban them later.</p>
          <div className='field'>
            <label htmlFor='ban-reason'>Reason (optional, shown to them)</label>
            <input id='ban-reason' value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
          </div>
          <div className='row end'>
            <button type='button' onClick={() => setConfirm(Confirm.None)}>Cancel</button>
            <button type='submit' className='danger' disabled={busy}>Ban {member.name}</button>
          </div>
        </form>
      )}
      {outranks && caps.has(Capability.Ban) && member.banned && (
        <button type='button' disabled={busy} onClick={() => run(async () => await room.unban(member.id))}>Unban {member.name}</button>
      )}
      <ErrorText error={error} />
    </Dialog>
  )
}
