// Regression test for patches/@libp2p+kad-dht+16.4.5.patch: routing-table refresh makes a key in a
// given bucket by searching for it (a few hashes for the buckets a small DHT has) instead of looking
// it up in a table of all 2^16 prefixes, which alone was ~46 KB gzipped of the app's bundle.
import { readFileSync } from 'node:fs'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { RoutingTableRefresh } from '../../node_modules/@libp2p/kad-dht/dist/src/routing-table/refresh.js'

/** Leading bits two ids share. */
function commonPrefixLength (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! ^ b[i]!
    if (x !== 0) return i * 8 + Math.clz32(x) - 24
  }
  return a.length * 8
}

const makeKey = (localKadId: Uint8Array, randomPrefix: number, cpl: number): Uint8Array =>
  (RoutingTableRefresh.prototype as unknown as { _makePeerId: (l: Uint8Array, r: number, c: number) => Uint8Array })._makePeerId(localKadId, randomPrefix, cpl)

describe('kad-dht routing-table refresh keys (patched)', () => {
  it('makes a sha2-256 multihash whose KadId shares exactly the asked-for prefix length with ours, for every bucket it refreshes', () => {
    for (let trial = 0; trial < 4; trial++) {
      const local = crypto.getRandomValues(new Uint8Array(32))
      for (let cpl = 0; cpl <= 15; cpl++) {
        const key = makeKey(local, crypto.getRandomValues(new Uint16Array(1))[0]!, cpl)
        expect(key.length).toBe(34)
        expect([key[0], key[1]]).toEqual([0x12, 32])
        // kad-dht's KadId of a key is its sha2-256 digest
        expect(commonPrefixLength(sha256(key), local)).toBe(cpl)
      }
    }
  })

  it('gives different keys for different random prefixes, so refreshes do not all query one point', () => {
    const local = crypto.getRandomValues(new Uint8Array(32))
    const keys = new Set(Array.from({ length: 16 }, (_, i) => Buffer.from(makeKey(local, i * 4096, 3)).toString('hex')))
    expect(keys.size).toBeGreaterThan(1)
  })

  it('no longer loads the precomputed prefix table', () => {
    const source = readFileSync(new URL('../../node_modules/@libp2p/kad-dht/dist/src/routing-table/refresh.js', import.meta.url), 'utf8')
    expect(source).not.toContain('generated-prefix-list')
  })
})
