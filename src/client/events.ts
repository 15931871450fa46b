import type { ClientEventMap, ClientEvents } from './api.ts'

type Listener<K extends keyof ClientEventMap> = (detail: ClientEventMap[K]) => void

/** The client's event hub: one typed emitter that both the UI and the harness subscribe to. */
export interface ClientEventHub extends ClientEvents {
  emit<K extends keyof ClientEventMap> (type: K, detail: ClientEventMap[K]): void
}

/**
 * A listener that throws must not stop the others or reach the code that emitted (a peer's
 * message triggers most emits), so each call is isolated and the error reported to the console.
 */
export function createEventHub (): ClientEventHub {
  const listeners = new Map<keyof ClientEventMap, Set<Listener<never>>>()
  return {
    on (type, listener) {
      let set = listeners.get(type)
      if (set == null) { set = new Set(); listeners.set(type, set) }
      set.add(listener)
      return () => { set.delete(listener) }
    },
    emit (type, detail) {
      const set = listeners.get(type)
      if (set == null) return
      for (const listener of [...set]) {
        try {
          (listener as Listener<typeof type>)(detail)
        } catch (err) {
          console.error(`client event listener for ${type} threw`, err)
        }
      }
    }
  }
}
