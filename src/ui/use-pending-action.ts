import { useCallback, useState } from 'react'
import { messageOf } from './components/dialog.tsx'

/**
 * A user action that may fail, as a form runs it: `busy` while it runs (buttons disable), and on
 * failure the error's message to show and the form usable again. On success `busy` stays set:
 * the caller moves on (closes the dialog, navigates), and a second submit must not slip in.
 */
export function usePendingAction (): {
  readonly busy: boolean
  readonly error: string | undefined
  readonly setError: (error: string | undefined) => void
  readonly run: <T>(action: () => Promise<T>, onDone?: (value: T) => void) => void
} {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const run = useCallback(<T,>(action: () => Promise<T>, onDone?: (value: T) => void): void => {
    setBusy(true)
    setError(undefined)
    action().then((value) => { onDone?.(value) }, (err: unknown) => {
      setError(messageOf(err))
      setBusy(false)
    })
  }, [])
  return { busy, error, setError, run }
}
