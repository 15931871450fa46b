import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createIdleWork } from '../../src/storage/idle-work.ts'

/** A promise and the function that settles it, to hold a write or a work step open. */
const gate = (): { promise: Promise<void>, open: () => void } => {
  let open = (): void => {}
  const promise = new Promise<void>((resolve) => { open = resolve })
  return { promise, open }
}

describe('idle work', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('runs once writes have paused for idleMs, and not before', async () => {
    const work = vi.fn(async () => {})
    const idle = createIdleWork(100, work)
    await idle.write(async () => {})
    await vi.advanceTimersByTimeAsync(60)
    await idle.write(async () => {})
    await vi.advanceTimersByTimeAsync(60)
    expect(work).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(40)
    expect(work).toHaveBeenCalledTimes(1)
  })

  it('never runs while a write runs, and asks the work to yield to a write that comes', async () => {
    const step = gate()
    const events: string[] = []
    const idle = createIdleWork(false, async (shouldYield) => {
      for (let i = 0; i < 3; i++) {
        if (shouldYield()) { events.push('yielded'); return }
        events.push(`step ${i}`)
        await step.promise
      }
    })
    const held = gate()
    const writing = idle.write(async () => { events.push('write'); await held.promise })
    await idle.runNow()
    expect(events).toEqual(['write'])
    held.open()
    await writing

    const running = idle.runNow()
    const waiting = idle.write(() => { events.push('write after work'); return Promise.resolve() })
    step.open()
    await Promise.all([running, waiting])
    expect(events).toEqual(['write', 'step 0', 'yielded', 'write after work'])
  })

  it('pause stops timed runs until the next write', async () => {
    const work = vi.fn(async () => {})
    const idle = createIdleWork(10, work)
    await idle.write(async () => {})
    idle.pause()
    await vi.advanceTimersByTimeAsync(50)
    expect(work).not.toHaveBeenCalled()
    await idle.write(async () => {})
    await vi.advanceTimersByTimeAsync(50)
    expect(work).toHaveBeenCalledTimes(1)
  })

  it('a failing run is the work\'s own: writes and later runs go on', async () => {
    let fail = true
    const work = vi.fn(() => (fail ? Promise.reject(new Error('disk full')) : Promise.resolve()))
    const idle = createIdleWork(10, work)
    await idle.write(async () => {})
    await vi.advanceTimersByTimeAsync(10)
    fail = false
    expect(await idle.write(() => Promise.resolve('written'))).toBe('written')
    await vi.advanceTimersByTimeAsync(10)
    expect(work).toHaveBeenCalledTimes(2)
  })
})
