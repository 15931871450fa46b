// src/node/polyfills.ts (loaded by tests/setup.ts, as by every Node entry point) fills in what Node 20
// lacks and leaves Node 22's own globals alone; `npm run test:node22` runs this on Node 22.
import { describe, expect, it } from 'vitest'
import { WebSocket as WsWebSocket } from 'ws'

const major = Number(process.versions.node.split('.')[0])
/** ES2024, newer than this project's TypeScript lib. */
const withResolvers = (Promise as unknown as { withResolvers: <T>() => { promise: Promise<T>, resolve: (value: T) => void } }).withResolvers
const isNative = (f: unknown): boolean => typeof f === 'function' && Function.prototype.toString.call(f).includes('[native code]')

describe('Node polyfills', () => {
  it('Promise.withResolvers works, and is the runtime\'s own where it has one (Node 22+)', async () => {
    const { promise, resolve } = withResolvers.call(Promise) as { promise: Promise<number>, resolve: (value: number) => void }
    resolve(7)
    expect(await promise).toBe(7)
    expect(isNative(withResolvers)).toBe(major >= 22)
  })

  it('a global WebSocket exists: Node 22\'s own, or the ws package\'s on Node 20', () => {
    expect(typeof globalThis.WebSocket).toBe('function')
    expect(globalThis.WebSocket === (WsWebSocket as unknown)).toBe(major < 22)
  })
})
