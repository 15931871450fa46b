import { lazy, Suspense, useCallback, useState, type FormEvent } from 'react'
import type { RoomId } from '../../core/types.ts'
import { useClient } from '../client-context.ts'
import { usePendingAction } from '../use-pending-action.ts'
import { Dialog, ErrorText } from './dialog.tsx'

const QrScanner = lazy(async () => ({ default: (await import('./qr-scanner.tsx')).QrScanner }))

/** Join by pasting an invite link or by scanning its QR code with the camera. */
export function JoinDialog ({ onClose, onJoined }: { onClose: () => void, onJoined: (id: RoomId) => void }) {
  const client = useClient()
  const [link, setLink] = useState('')
  const [scan, setScan] = useState(false)
  const { busy, error, run } = usePendingAction()
  const join = useCallback((value: string) => {
    run(async () => client.joinByLink(value.trim()), onJoined)
  }, [client, onJoined, run])
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
          <input id='join-link' required value={link} onChange={(e) => setLink(e.target.value)} placeholder='https://…#/join/…' spellCheck={false} />
        </div>
        <div className='row'>
          <button type='submit' className='primary' disabled={busy || link.trim() === ''}>{busy ? 'Joining…' : 'Join'}</button>
          <button type='button' aria-pressed={scan} onClick={() => setScan((s) => !s)}>{scan ? 'Stop scanning' : 'Scan a QR code'}</button>
        </div>
      </form>
      {busy && <p role='status' className='hint'>Finding peers of this room and fetching its history…</p>}
      <ErrorText error={error} />
      {scan && <Suspense fallback={<p role='status'>Loading the scanner…</p>}><QrScanner onResult={onScanned} /></Suspense>}
    </Dialog>
  )
}
