import { useState, type FormEvent } from 'react'
import type { AvatarInit } from '../../client/api.ts'
import { useClient } from '../client-context.ts'
import { joinLinkFromLocation } from '../join-link.ts'
import { badLinkText } from '../join-text.ts'
import { AvatarPicker } from './avatar-picker.tsx'
import { usePendingAction } from '../use-pending-action.ts'
import { ErrorText, messageOf } from './dialog.tsx'

const Mode = { Create: 'create', Restore: 'restore' } as const
type Mode = typeof Mode[keyof typeof Mode]

/**
 * First run: a new identity (a key that never leaves this browser), or one restored from a backup.
 * Opened from an invite link, it says which room the user is about to join.
 */
export function Onboarding () {
  const client = useClient()
  const [mode, setMode] = useState<Mode>(Mode.Create)
  const [invite] = useState(() => {
    const link = joinLinkFromLocation(location)
    return link == null ? undefined : client.describeLink(link)
  })
  return (
    <main className='onboarding'>
      <div className='card'>
        <h1 className='brand'>Peer Rooms</h1>
        {invite?.ok === true
          ? (
            <section className='invite-intro' aria-label='Your invitation'>
              <h2>You are invited to join {invite.name ?? 'a room'}</h2>
              <p className='lead'>Pick the name the people there will see. Peer Rooms keeps your identity, a key made here, in this browser only: there is no account or password. Then you go straight into {invite.name ?? 'the room'}.</p>
            </section>)
          : <p className='lead'>Chat rooms that live in your browsers, not on a server. Your identity is a key made here and kept here.</p>}
        {invite?.ok === false && <p className='error' role='alert'>{badLinkText(invite.problem)} You can still create an identity and join later.</p>}
        <div className='segmented' role='group' aria-label='Get started'>
          <button type='button' aria-pressed={mode === Mode.Create} onClick={() => setMode(Mode.Create)}>New identity</button>
          <button type='button' aria-pressed={mode === Mode.Restore} onClick={() => setMode(Mode.Restore)}>Restore a backup</button>
        </div>
        {mode === Mode.Create ? <CreateIdentity roomName={invite?.ok === true ? invite.name : undefined} /> : <RestoreIdentity />}
      </div>
    </main>
  )
}

function CreateIdentity ({ roomName }: { roomName: string | undefined }) {
  const client = useClient()
  const [name, setName] = useState('')
  const [avatar, setAvatar] = useState<AvatarInit>()
  const { busy, error, run } = usePendingAction()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    run(async () => client.createIdentity({ name: name.trim(), ...(avatar != null ? { avatar } : {}) }))
  }
  return (
    <form onSubmit={submit} className='stack'>
      <div className='field'>
        <label htmlFor='onboarding-name'>Display name</label>
        <input id='onboarding-name' required maxLength={64} autoFocus value={name} onChange={(e) => setName(e.target.value)} autoComplete='nickname' />
      </div>
      <AvatarPicker value={avatar} onChange={setAvatar} />
      <ErrorText error={error} />
      <button type='submit' className='primary' disabled={busy || name.trim() === ''}>{busy ? 'Creating…' : roomName != null ? `Create identity and join ${roomName}` : 'Create identity'}</button>
    </form>
  )
}

function RestoreIdentity () {
  const client = useClient()
  const [backup, setBackup] = useState('')
  const [passphrase, setPassphrase] = useState('')
  const { busy, error, setError, run } = usePendingAction()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    run(async () => client.importBackup(backup.trim(), passphrase))
  }
  return (
    <form onSubmit={submit} className='stack'>
      <div className='field'>
        <label htmlFor='restore-file'>Backup file</label>
        <input
          id='restore-file' type='file' accept='.txt,text/plain' onChange={(e) => {
            const file = e.target.files?.[0]
            if (file != null) file.text().then(setBackup, (err: unknown) => setError(messageOf(err)))
          }}
        />
      </div>
      <div className='field'>
        <label htmlFor='restore-text'>…or paste the backup</label>
        <textarea id='restore-text' rows={4} value={backup} onChange={(e) => setBackup(e.target.value)} spellCheck={false} />
      </div>
      <div className='field'>
        <label htmlFor='restore-pass'>Passphrase</label>
        <input id='restore-pass' type='password' required value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete='current-password' />
      </div>
      <ErrorText error={error} />
      <button type='submit' className='primary' disabled={busy || backup.trim() === '' || passphrase === ''}>{busy ? 'Restoring…' : 'Restore identity'}</button>
    </form>
  )
}
