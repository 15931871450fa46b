import type { Connection } from '@libp2p/interface'

/** The longest a retired circuit stays open for a request of ours still running on it. */
const RETIRE_GRACE_MS = 30_000

/**
 * Closes a relayed circuit that a direct link has replaced, once no stream of ours (sync, profiles,
 * files: `ours` says which protocols) still runs on it, so a history sync that began over the relay
 * finishes there instead of failing halfway; new streams already prefer the direct link.
 * Long-lived streams of GossipSub, identify and ping do not hold it open.
 */
export function retireCircuit (circuit: Connection, ours: (protocol: string) => boolean): void {
  let closed = false
  const close = (): void => {
    if (closed) return
    closed = true
    clearTimeout(timer)
    if (circuit.status === 'open') void circuit.close().catch(() => undefined)
  }
  const check = (): void => {
    const busy = circuit.streams.filter((s) => ours(s.protocol))
    if (busy.length === 0) { close(); return }
    for (const s of busy) s.addEventListener('close', check, { once: true })
  }
  const timer = setTimeout(close, RETIRE_GRACE_MS)
  check()
}
