import { useEffect, type ReactNode } from 'react'
import { Icon } from './icons.tsx'

/** How long a toast stays unless closed sooner: long enough to read two sentences twice. */
export const TOAST_MS = 12_000

/**
 * A notice at the top of the screen that closes by itself after {@link TOAST_MS} and by its close
 * button; errors are announced as alerts, the rest as status.
 */
export function Toast ({ kind, children, onClose }: { kind: 'error' | 'info', children: ReactNode, onClose: () => void }) {
  useEffect(() => {
    const timer = setTimeout(onClose, TOAST_MS)
    return () => clearTimeout(timer)
  }, [onClose])
  return (
    <div className={`banner toast ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div>{children}</div>
      <button type='button' className='icon-button' aria-label='Dismiss' onClick={onClose}><Icon name='close' size={16} /></button>
    </div>
  )
}
