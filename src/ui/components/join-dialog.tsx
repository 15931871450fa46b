import { lazy, Suspense, useCallback, useState, type FormEvent } from 'react'
import { useClient } from '../client-context.ts'
import { badLinkText } from '../join-text.ts'
import { Dialog, ErrorText } from './dialog.tsx'

const QrScanner = lazy(async () => ({ default: (await import('./qr-scanner.tsx')).QrScanner }))

/**
 * Join by pasting an invite link or by scanning its QR code. A link that is not an invite is
 * explained here in plain words; a good one is handed on, and the room shows while it is looked for.
 */
export function JoinDialog ({ onClose, onJoin }: { onClose: () => void, onJoin: (link: string) => void }) {
  const client = useClient()
  const [link, setLink] = useState('')
  const [scan, setScan] = useState(false)
  const [error, setError] = useState<string>()
  const join = useCallback((value: string) => {
    const described = client.describeLink(value.trim())
    if (!described.ok) { setError(badLinkText(described.problem)); return }
    onJoin(value.trim())
  }, [client, onJoin])
  const onScanned = useCallback((text: string) => {
    setScan(false)
    setLink(text)
    join(text)
  }, [join])
  const submit = (e: FormEvent) => {
    e.preventDefault()
    join(link)
  }
  return (
    <Dialog title='Join a room' onClose={onClose}>
      <form className='stack' onSubmit={submit}>
        <div className='field'>
          <label htmlFor='join-link'>Invite link</label>
          <input id='join-link' required value={link} onChange={(e) => { setLink(e.target.value); setError(undefined) }} placeholder='https://…#/join/…' spellCheck={false} />
        </div>
        <div className='row'>
          <button type='submit' className='primary' disabled={link.trim() === ''}>Join</button>
          <button type='button' aria-pressed={scan} onClick={() => setScan((s) => !s)}>{scan ? 'Stop scanning' : 'Scan a QR code'}</button>
        </div>
      </form>
      <ErrorText error={error} />
      {scan && <Suspense fallback={<p role='status'>Loading the scanner…</p>}><QrScanner onResult={onScanned} /></Suspense>}
    </Dialog>
  )
}
