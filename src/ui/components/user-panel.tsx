import { lazy, Suspense, useState } from 'react'
import { useIdentity } from '../hooks.ts'
import { applyTheme, initialTheme, Theme } from '../theme.ts'
import { Avatar } from './avatar.tsx'
import { Icon } from './icons.tsx'

const ProfileDialog = lazy(async () => ({ default: (await import('./profile-dialog.tsx')).ProfileDialog }))

/** The bottom-left corner: who you are, your key's fingerprint, theme, and your settings. */
export function UserPanel () {
  const me = useIdentity()
  const [theme, setTheme] = useState<Theme>(initialTheme)
  const [open, setOpen] = useState(false)
  if (me == null) return null
  const next = theme === Theme.Dark ? Theme.Light : Theme.Dark
  return (
    <div className='user-panel'>
      <Avatar author={me.id} name={me.name} size={32} url={me.avatarUrl} />
      <div className='who'>
        <span className='me-name'>{me.name}</span>
        <span className='fingerprint' title='Your key fingerprint: compare it to prove who you are'>{me.fingerprint}</span>
      </div>
      <button type='button' className='icon-button' aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`} onClick={() => { applyTheme(next); setTheme(next) }}>
        <Icon name={theme === Theme.Dark ? 'sun' : 'moon'} />
      </button>
      <button type='button' className='icon-button' aria-label='Your profile and backup' title='Your profile and backup' onClick={() => setOpen(true)}><Icon name='settings' /></button>
      <Suspense fallback={null}>{open && <ProfileDialog onClose={() => setOpen(false)} />}</Suspense>
    </div>
  )
}
