/**
 * Housekeeping that waits for a pause in writes: `work` runs once no write has run for `idleMs`,
 * never alongside a write, and yields to writes. A write that comes while `work` runs waits for it
 * (so each write plans against what the work left) and `work` is asked, through `shouldYield`, to
 * stop at its next step; it runs again after the next pause.
 *
 * Why: merging a feed's loose chunks rewrites a dozen records where an append writes two. Done in
 * the write path, one append in every few stalled the appends queued behind it, the tail of a
 * message's send-to-stored time under a busy room. A chat pauses often; the merges wait for that.
 */
export interface IdleWork {
  /** Runs one write: waits for running work to stop, and counts as activity for the idle timer. */
  write<T> (run: () => Promise<T>): Promise<T>
  /** Runs the work now, unless a write runs (then nothing) or the work already runs (then waits for that run). */
  runNow (): Promise<void>
  /** No timed run until the next write (the database is closing); a run under way stops after its current step. */
  pause (): void
}

/** `idleMs` false: the work runs only through runNow. Errors of the work are its own to handle. */
export function createIdleWork (idleMs: number | false, work: (shouldYield: () => boolean) => Promise<void>): IdleWork {
  let writes = 0
  let running: Promise<void> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let paused = false

  const disarm = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
  }
  const arm = (): void => {
    disarm()
    if (paused || idleMs === false || writes > 0) return
    timer = setTimeout(() => { timer = undefined; void runNow().catch(() => undefined) }, idleMs)
  }

  function runNow (): Promise<void> {
    if (writes > 0) return Promise.resolve()
    running ??= work(() => paused || writes > 0).finally(() => { running = undefined })
    return running
  }

  return {
    async write (run) {
      writes++
      paused = false
      disarm()
      try {
        while (running !== undefined) await running.catch(() => undefined)
        return await run()
      } finally {
        writes--
        arm()
      }
    },
    runNow,
    pause () {
      paused = true
      disarm()
    }
  }
}
