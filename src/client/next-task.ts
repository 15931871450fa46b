/**
 * Resolves in a later task, once the current one and its microtasks are done. A MessageChannel
 * message rather than a timer: a hidden tab throttles timers to once a second or less, not messages.
 */
export function nextTask (): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(null)
  })
}
