/**
 * One tab at a time runs the client for this browser profile. Two tabs would be two peers writing
 * the same identity's feeds from two memories: a message sent in each at once, or from a tab that
 * missed the other's last send, takes the same seq twice, a fork every peer would hold against the
 * user. So, as chat web apps do, a second tab waits and offers "Use here", which hands the profile
 * over: the running tab stops its client and lets go.
 *
 * Web Locks decide who holds the profile (released by the browser when a tab closes or crashes); a
 * BroadcastChannel carries the request to hand over. Where either is missing, every tab runs.
 */
const LOCK = 'peer-rooms/active-tab'
const CHANNEL = 'peer-rooms/active-tab'
/**
 * How long a tab waits for the profile before saying another tab has it: across a reload the old
 * document may let go of the lock a moment after the new one asks.
 */
const GRACE_MS = 2_000

export interface ActiveTab {
  /** Lets go of the profile (the client must be stopped first). */
  release (): void
  /** Whether the browser's lock stands behind this tab (false where Web Locks are missing: every tab runs). */
  readonly exclusive: boolean
}

export interface ActiveTabInit {
  /** Another tab asked for the profile: stop the client, then call release(). */
  readonly onHandOver: (tab: ActiveTab) => void
}

const supported = (): boolean => typeof navigator !== 'undefined' && navigator.locks != null && typeof BroadcastChannel !== 'undefined'

/**
 * Takes the profile for this tab. With `wait` false, resolves undefined when another tab holds it
 * (after a short grace); with `wait` true, first asks the holder to hand over, then resolves once it has.
 */
export async function takeActiveTab (init: ActiveTabInit, wait: boolean): Promise<ActiveTab | undefined> {
  if (!supported()) return { release () {}, exclusive: false }
  const channel = new BroadcastChannel(CHANNEL)
  if (wait) channel.postMessage('hand-over')
  return await new Promise<ActiveTab | undefined>((resolve) => {
    const options: LockOptions = wait ? {} : { signal: AbortSignal.timeout(GRACE_MS) }
    navigator.locks.request(LOCK, options, async (lock) => {
      if (lock == null) return
      // Held until release(): the lock is the promise this callback returns.
      await new Promise<void>((done) => {
        const tab: ActiveTab = { release () { channel.close(); done() }, exclusive: true }
        channel.onmessage = (event) => { if (event.data === 'hand-over') init.onHandOver(tab) }
        resolve(tab)
      })
    }).catch(() => {
      // The grace ran out: another tab holds the profile.
      channel.close()
      resolve(undefined)
    })
  })
}
