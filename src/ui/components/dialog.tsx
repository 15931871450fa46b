import { useEffect, useId, useRef, type ReactNode } from 'react'
import { Icon } from './icons.tsx'

/**
 * A modal on the native <dialog>: the browser traps focus, Escape closes it and the rest of the
 * page is inert, which a hand-made overlay would have to imitate.
 */
export function Dialog ({ title, onClose, children, wide = false }: { title: string, onClose: () => void, children: ReactNode, wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (dialog != null && !dialog.open) dialog.showModal()
  }, [])
  return (
    <dialog ref={ref} className={wide ? 'dialog wide' : 'dialog'} aria-labelledby={titleId} onClose={onClose}>
      <header className='dialog-head'>
        <h2 id={titleId}>{title}</h2>
        <button type='button' className='icon-button' aria-label='Close' onClick={onClose}><Icon name='close' /></button>
      </header>
      <div className='dialog-body'>{children}</div>
    </dialog>
  )
}

/** An error line announced to screen readers as it appears. */
export function ErrorText ({ error }: { error: string | undefined }) {
  return error == null ? null : <p className='error' role='alert'>{error}</p>
}

/** The message of whatever a failed action threw, for showing next to the control. */
export const messageOf = (err: unknown): string => err instanceof Error ? err.message : String(err)
