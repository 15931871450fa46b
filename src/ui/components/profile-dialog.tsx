import { useEffect, useState, type FormEvent } from 'react'
import type { AvatarInit } from '../../client/api.ts'
import { useClient } from '../client-context.ts'
import { useIdentity } from '../hooks.ts'
import { enableDesktopNotifications } from '../notifications.ts'
import { AvatarPicker } from './avatar-picker.tsx'
import { Dialog, ErrorText, messageOf } from './dialog.tsx'

/** Profile edits, the key's fingerprint, a passphrase-encrypted backup, and notifications. */
export function ProfileDialog ({ onClose }: { onClose: () => void }) {
  const client = useClient()
  const me = useIdentity()
  const [name, setName] = useState(me?.name ?? '')
  const [avatar, setAvatar] = useState<AvatarInit>()
  const [error, setError] = useState<string>()
  const [saved, setSaved] = useState(false)
  const [permission, setPermission] = useState(() => 'Notification' in window ? Notification.permission : 'denied')
  if (me == null) return null
  const save = (e: FormEvent) => {
    e.preventDefault()
    setError(undefined)
    setSaved(false)
    client.updateProfile({ name: name.trim(), ...(avatar != null ? { avatar } : {}) }).then(() => setSaved(true), (err: unknown) => setError(messageOf(err)))
  }
  return (
    <Dialog title='Your identity' onClose={onClose}>
      <p>Fingerprint: <strong className='fingerprint big'>{me.fingerprint}</strong></p>
      <p className='hint'>Others can compare this to make sure it is really you.</p>
      <form className='stack' onSubmit={save}>
        <div className='field'>
          <label htmlFor='profile-name'>Display name</label>
          <input id='profile-name' required maxLength={64} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <AvatarPicker value={avatar} onChange={setAvatar} />
        <ErrorText error={error} />
        {saved && <p role='status' className='ok'>Saved.</p>}
        <button type='submit' className='primary'>Save profile</button>
      </form>
      <BackupExport />
      <h3>Desktop notifications</h3>
      {permission === 'granted'
        ? <p className='hint'>On: mentions and messages reach you while this tab is in the background.</p>
        : <button type='button' disabled={permission === 'denied'} onClick={() => { enableDesktopNotifications().then(setPermission, () => {}) }}>{permission === 'denied' ? 'Notifications are blocked by the browser' : 'Enable notifications'}</button>}
    </Dialog>
  )
}

function BackupExport () {
  const client = useClient()
  const [passphrase, setPassphrase] = useState('')
  const [backup, setBackup] = useState<string>()
  const [url, setUrl] = useState<string>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    if (backup == null) return
    const u = URL.createObjectURL(new Blob([backup], { type: 'text/plain' }))
    setUrl(u)
    return () => URL.revokeObjectURL(u)
  }, [backup])
  const create = (e: FormEvent) => {
    e.preventDefault()
    setError(undefined)
    client.exportBackup(passphrase).then(setBackup, (err: unknown) => setError(messageOf(err)))
  }
  return (
    <form className='stack' onSubmit={create}>
      <h3>Backup</h3>
      <p className='hint'>Your key exists only in this browser. Save an encrypted backup to restore it elsewhere.</p>
      <div className='field'>
        <label htmlFor='backup-pass'>Backup passphrase</label>
        <input id='backup-pass' type='password' minLength={8} required value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete='new-password' />
      </div>
      <ErrorText error={error} />
      <button type='submit'>Create backup</button>
      {backup != null && (
        <>
          <label htmlFor='backup-text'>Backup text</label>
          <textarea id='backup-text' readOnly rows={4} value={backup} spellCheck={false} />
          <div className='row'>
            {url != null && <a className='button' href={url} download='peer-rooms-identity.txt'>Download backup</a>}
            <button type='button' onClick={() => { void navigator.clipboard.writeText(backup) }}>Copy</button>
          </div>
        </>
      )}
    </form>
  )
}
