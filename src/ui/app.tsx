import { lazy, type ReactNode, Suspense, useEffect, useState } from 'react'
import type { PeerClient } from '../client/api.ts'
import { startClient } from './boot.ts'
import { ClientContext } from './client-context.ts'
import { useIdentity } from './hooks.ts'
import { takeActiveTab } from './tab-lock.ts'
import { ConfigProblems } from './components/config-problems.tsx'

const Onboarding = lazy(async () => ({ default: (await import('./components/onboarding.tsx')).Onboarding }))
const Workspace = lazy(async () => ({ default: (await import('./components/workspace.tsx')).Workspace }))

type Boot = { state: 'loading' } | { state: 'elsewhere' } | { state: 'ready', client: PeerClient, configProblems: readonly string[] } | { state: 'failed', error: string }

/**
 * Paints at once, then loads the client lazily; identity decides between onboarding and the
 * workspace. One tab runs the client (tab-lock.ts): another shows where it is and can take over.
 */
export function App () {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' })
  /** 0: take the profile if free; each "Use here" asks the tab holding it to hand over. */
  const [takeOvers, setTakeOvers] = useState(0)
  useEffect(() => {
    let starting: ReturnType<typeof startClient> | undefined
    let handedOver = false
    setBoot({ state: 'loading' })
    const run = async (): Promise<void> => {
      const tab = await takeActiveTab({
        onHandOver: (held) => {
          handedOver = true
          // The client stops (even one still starting) before the other tab may open the database.
          void (async () => {
            const started = await starting?.catch(() => undefined)
            await started?.client.stop().catch(() => undefined)
            held.release()
            setBoot({ state: 'elsewhere' })
          })()
        }
      }, takeOvers > 0)
      if (tab == null) { setBoot({ state: 'elsewhere' }); return }
      starting = startClient(tab.exclusive)
      const { client, configProblems } = await starting
      if (!handedOver) setBoot({ state: 'ready', client, configProblems })
    }
    run().catch((err: unknown) => { setBoot({ state: 'failed', error: err instanceof Error ? err.message : String(err) }) })
  }, [takeOvers])

  if (boot.state === 'loading') return <Splash text={takeOvers > 0 ? 'Taking over from the other tab…' : 'Starting your peer…'} />
  if (boot.state === 'elsewhere') {
    return (
      <Splash text='Peer Rooms is open in another tab. One tab at a time keeps your messages in order.'>
        <button type='button' className='primary' onClick={() => { setTakeOvers((n) => n + 1) }}>Use here</button>
      </Splash>
    )
  }
  if (boot.state === 'failed') return <Splash text={`Could not start: ${boot.error}`} />
  return (
    <ClientContext.Provider value={boot.client}>
      <ConfigProblems problems={boot.configProblems} />
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

function Splash ({ text, children }: { text: string, children?: ReactNode }) {
  return (
    <main className='splash'>
      <h1 className='brand'>Peer Rooms</h1>
      <p role='status'>{text}</p>
      {children}
    </main>
  )
}
