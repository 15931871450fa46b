/**
 * `promise`'s value if it settles within `ms`, undefined if it is still pending then (it keeps
 * running); rejects if it rejected within `ms`. For "wait a little for the better answer".
 */
export async function settledWithin<T> (promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => { resolve(undefined) }, ms) })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}
