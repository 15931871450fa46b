import { useState, type FormEvent } from 'react'
import { Capability, type MemberSnapshot, type RoomClient, type RoomSnapshot } from '../../client/api.ts'
import { usePendingAction } from '../use-pending-action.ts'
import { Dialog, ErrorText } from './dialog.tsx'

/** What a moderator may do to one member: change role, revoke it, ban with a reason or unban. */
export function MemberDialog ({ room, snapshot, member, onClose }: { room: RoomClient, snapshot: RoomSnapshot, member: MemberSnapshot, onClose: () => void }) {
  const caps = snapshot.myCapabilities
  const current = snapshot.members.find((m) => m.id === member.id) ?? member
  const [role, setRole] = useState(current.role)
  const [reason, setReason] = useState('')
  const { busy, error, run: runAction } = usePendingAction()
  const run = (action: () => Promise<void>) => { runAction(action, onClose) }
  const ban = (e: FormEvent) => {
    e.preventDefault()
    run(async () => await room.ban(current.id, reason.trim()))
  }
  return (
    <Dialog title={current.name} onClose={onClose}>
      <p className='hint'>Role: {current.role} · {current.banned ? 'banned' : current.online ? 'online' : 'offline'}</p>
      <p className='fingerprint'>Key {current.id.slice(0, 16)}…</p>
      {caps.has(Capability.ManageRoles) && !current.banned && (
        <div className='stack'>
          <div className='field'>
            <label htmlFor='member-role'>Role</label>
            <select id='member-role' value={role} onChange={(e) => setRole(e.target.value)}>
              {snapshot.roles.map((r) => <option key={r.name} value={r.name}>{r.name}</option>)}
            </select>
          </div>
          <div className='row'>
            <button type='button' className='primary' disabled={busy || role === current.role} onClick={() => run(async () => await room.grant(current.id, role))}>Grant role</button>
            <button type='button' disabled={busy} onClick={() => run(async () => await room.revoke(current.id))}>Revoke role</button>
          </div>
        </div>
      )}
      {caps.has(Capability.Ban) && !current.banned && (
        <form className='stack' onSubmit={ban}>
          <div className='field'>
            <label htmlFor='ban-reason'>Reason for the ban</label>
            <input id='ban-reason' required value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
          </div>
          <p className='hint'>Messages they sent before now stay; later ones are refused by every peer.</p>
          <button type='submit' className='danger' disabled={busy || reason.trim() === ''}>Ban {current.name}</button>
        </form>
      )}
      {caps.has(Capability.Ban) && current.banned && (
        <button type='button' disabled={busy} onClick={() => run(async () => await room.unban(current.id))}>Unban {current.name}</button>
      )}
      <ErrorText error={error} />
    </Dialog>
  )
}
