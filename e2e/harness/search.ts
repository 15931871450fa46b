// Bench-only page: builds the message search index (src/workers/search-index.ts, the code the
// search worker runs) over many chat entries in real Chromium and times the build and queries.
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { hashOf } from '../../src/core/codec/hash.ts'
import { appendEntry } from '../../src/core/feed/append.ts'
import { type Signer, signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { encodeChatPayload } from '../../src/core/messages/payloads.ts'
import type { StoredFeedEntry } from '../../src/core/storage.ts'
import { asChannelId, asRoomId } from '../../src/core/types.ts'
import { createSearchIndex } from '../../src/workers/search-index.ts'

/**
 * Writers for generated history. The index never checks signatures (it reads entries storage
 * already validated), so the entries carry a constant signature: 100,000 real ones would time
 * the signer, not the index.
 */
const writers: Signer[] = Array.from({ length: 20 }, (_, i) => {
  const real = signerFromSeed(new Uint8Array(32).fill(i + 1))
  return { publicKey: real.publicKey, id: real.id, sign: () => Promise.resolve(new Uint8Array(64)) }
})

/** A deterministic vocabulary of made-up words, so every run indexes the same texts. */
function vocabulary (size: number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ren', 'sa', 'tu', 'vo', 'zen', 'pri', 'dal', 'mor', 'qui', 'bex', 'nor', 'fe', 'gil']
  let x = 12345
  const next = (): number => { x = (x * 1103515245 + 12345) % 2 ** 31; return x }
  return Array.from({ length: size }, () => Array.from({ length: 2 + (next() % 3) }, () => syllables[next() % syllables.length]).join(''))
}

async function generate (count: number, words: readonly string[]): Promise<StoredFeedEntry[]> {
  const room = asRoomId('bafkreibenchroom')
  const channels = Array.from({ length: 10 }, (_, i) => asChannelId(hashOf(encodeCanonical({ bench: i }))))
  const heads = new Map<string, StoredFeedEntry>()
  const out: StoredFeedEntry[] = []
  let x = 7
  const next = (): number => { x = (x * 1103515245 + 12345) % 2 ** 31; return x }
  for (let i = 0; i < count; i++) {
    const signer = writers[i % writers.length]!
    const channel = channels[i % channels.length]!
    const key = `${signer.id}/${channel}`
    const text = Array.from({ length: 6 + (next() % 12) }, () => words[next() % words.length]).join(' ')
    const made = await appendEntry(signer, { room, channel, head: heads.get(key), roomLamport: i, type: 'chat/text', payload: encodeChatPayload({ type: 'chat/text', text, mentions: [] }) })
    heads.set(key, made.stored)
    out.push(made.stored)
  }
  return out
}

async function searchBench (count: number, queries: number): Promise<{ buildMs: number, perSecond: number, queryMs: number[], prefixMs: number[], hits: number }> {
  const words = vocabulary(5_000)
  const entries = await generate(count, words)
  const index = createSearchIndex()
  const t0 = performance.now()
  for (let i = 0; i < entries.length; i += 1_000) index.add(entries.slice(i, i + 1_000))
  const buildMs = performance.now() - t0
  const queryMs: number[] = []
  const prefixMs: number[] = []
  let hits = 0
  for (let q = 0; q < queries; q++) {
    const a = words[(q * 7919) % words.length]!
    const b = words[(q * 104729) % words.length]!
    let t = performance.now()
    hits += index.search(`${a} ${b}`, 50).length
    queryMs.push(performance.now() - t)
    t = performance.now()
    hits += index.search(a.slice(0, 3), 50).length
    prefixMs.push(performance.now() - t)
  }
  return { buildMs, perSecond: count / (buildMs / 1000), queryMs, prefixMs, hits }
}

declare global { interface Window { searchBench: typeof searchBench, searchHarnessReady: boolean } }
window.searchBench = searchBench
window.searchHarnessReady = true
