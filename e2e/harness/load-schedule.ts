/**
 * When a bench page sends message `seq` of a steady load: at a random moment within the seq-th
 * period after `start`, so each page keeps its rate while pages meet at random, message by message.
 * With one random phase per page for a whole run instead, the pages whose phases fell within a few
 * milliseconds of each other met on every message and waited for each other's work on the shared
 * cores each time: a run measured its one draw of phases, and the same code's median moved from 28
 * to 63 ms between runs (per-sender medians 25 to 94 ms within one run, each the same at every
 * receiver).
 */
const sendDue = (start: number, seq: number, period: number): number => start + (seq + Math.random()) * period

/** Sends `count` messages at `perSecond` on {@link sendDue}'s schedule; `send` gets the sequence number. */
export async function steadySchedule (count: number, perSecond: number, send: (seq: number) => void): Promise<void> {
  const period = 1000 / perSecond
  const start = performance.now()
  for (let seq = 0; seq < count; seq++) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, sendDue(start, seq, period) - performance.now())))
    send(seq)
  }
}
