import { lazy, Suspense, useEffect, useState } from 'react'
import type { PeerClient } from '../client/api.ts'
import { startClient } from './boot.ts'
import { ClientContext } from './client-context.ts'
import { useIdentity } from './hooks.ts'

const Onboarding = lazy(async () => ({ default: (await import('./components/onboarding.tsx')).Onboarding }))
const Workspace = lazy(async () => ({ default: (await import('./components/workspace.tsx')).Workspace }))

type Boot = { state: 'loading' } | { state: 'ready', client: PeerClient } | { state: 'failed', error: string }

/** Paints at once, then loads the client lazily; identity decides between onboarding and the workspace. */
export function App () {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' })
  useEffect(() => {
    let cancelled = false
    startClient().then((client) => {
      if (cancelled) void client.stop()
      else setBoot({ state: 'ready', client })
    }, (err: unknown) => {
      if (!cancelled) setBoot({ state: 'failed', error: err instanceof Error ? err.message : String(err) })
    })
    return () => { cancelled = true }
  }, [])

  if (boot.state === 'loading') return <Splash text='Starting your peer…' />
  if (boot.state === 'failed') return <Splash text={`Could not start: ${boot.error}`} />
  return (
    <ClientContext.Provider value={boot.client}>
      <Suspense fallback={<Splash text='Loading…' />}>
        <Gate />
      </Suspense>
    </ClientContext.Provider>
  )
}

function Gate () {
  const identity = useIdentity()
  return identity == null ? <Onboarding /> : <Workspace />
}

function Splash ({ text }: { text: string }) {
  return (
    <main className='splash'>
      <h1 className='brand'>Peer Rooms</h1>
      <p role='status'>{text}</p>
    </main>
  )
}
