import { useEffect, useState, type FormEvent } from 'react'
import QRCode from 'qrcode'
import { Capability, RoomPolicy, type RoomClient, type RoomSnapshot } from '../../client/api.ts'
import { Dialog, ErrorText, messageOf } from './dialog.tsx'

const expiries = [
  { label: '1 hour', ms: 3_600_000 },
  { label: '1 day', ms: 86_400_000 },
  { label: '7 days', ms: 7 * 86_400_000 },
  { label: '30 days', ms: 30 * 86_400_000 }
] as const

/** A signed invite (role, expiry, uses) shown as a link to copy and a QR code to scan. */
export function InviteDialog ({ room, snapshot, onClose }: { room: RoomClient, snapshot: RoomSnapshot, onClose: () => void }) {
  const canInvite = snapshot.myCapabilities.has(Capability.Invite)
  const assignable = snapshot.roles.filter((r) => !r.builtin || r.name === 'member')
  const [role, setRole] = useState(assignable.find((r) => r.name === 'member')?.name ?? assignable[0]?.name ?? '')
  const [expiresInMs, setExpiresInMs] = useState<number>(expiries[1].ms)
  const [maxUses, setMaxUses] = useState(5)
  const [link, setLink] = useState<string | undefined>(() => !canInvite && snapshot.policy === RoomPolicy.Open ? room.shareLink().link : undefined)
  const [error, setError] = useState<string>()
  const create = (e: FormEvent) => {
    e.preventDefault()
    setError(undefined)
    room.createInvite({ ...(role !== '' ? { role } : {}), expiresInMs, maxUses }).then((r) => setLink(r.link), (err: unknown) => setError(messageOf(err)))
  }
  return (
    <Dialog title={`Invite people to ${snapshot.name}`} onClose={onClose}>
      {canInvite && (
        <form className='stack' onSubmit={create}>
          <div className='row wrap'>
            <div className='field'>
              <label htmlFor='invite-role'>Role</label>
              <select id='invite-role' value={role} onChange={(e) => setRole(e.target.value)}>
                {assignable.map((r) => <option key={r.name} value={r.name}>{r.name}</option>)}
              </select>
            </div>
            <div className='field'>
              <label htmlFor='invite-expiry'>Expires after</label>
              <select id='invite-expiry' value={expiresInMs} onChange={(e) => setExpiresInMs(Number(e.target.value))}>
                {expiries.map((x) => <option key={x.ms} value={x.ms}>{x.label}</option>)}
              </select>
            </div>
            <div className='field'>
              <label htmlFor='invite-uses'>Max uses</label>
              <input id='invite-uses' type='number' min={1} max={1000} value={maxUses} onChange={(e) => setMaxUses(Math.max(1, Number(e.target.value)))} />
            </div>
          </div>
          <button type='submit' className='primary'>Create invite</button>
        </form>
      )}
      <ErrorText error={error} />
      {link != null && <InviteLink link={link} />}
    </Dialog>
  )
}

function InviteLink ({ link }: { link: string }) {
  const [qr, setQr] = useState<string>()
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    let live = true
    QRCode.toDataURL(link, { errorCorrectionLevel: 'M', margin: 2, width: 320 }).then((url) => { if (live) setQr(url) }, () => {})
    return () => { live = false }
  }, [link])
  return (
    <div className='stack invite-result'>
      <label htmlFor='invite-link'>Invite link</label>
      <div className='row'>
        <input id='invite-link' readOnly value={link} onFocus={(e) => e.target.select()} />
        <button type='button' onClick={() => { navigator.clipboard.writeText(link).then(() => setCopied(true), () => {}) }}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
      {qr != null && <img className='qr' src={qr} alt='QR code of the invite link' width={240} height={240} />}
    </div>
  )
}
