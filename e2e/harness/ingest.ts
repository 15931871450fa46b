// Test-only page for bench/ingest.bench.ts and e2e/harness/ingest.spec.ts: times the real ingest
// into real IndexedDB against bare WebCrypto verification, and runs the feed vectors in Chromium.
import type { AclView } from '../../src/core/acl-view.ts'
import { type AppendedEntry, appendEntry } from '../../src/core/feed/append.ts'
import { signedBytesOf } from '../../src/core/feed/entry.ts'
import { createFeedIngest } from '../../src/core/feed/ingest.ts'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { hashOf, rawCidOf } from '../../src/core/codec/hash.ts'
import { type Signer, authorIdOf } from '../../src/core/identity/ed25519.ts'
import { encodeChatPayload } from '../../src/core/messages/payloads.ts'
import { RejectReason, accept, reject } from '../../src/core/result.ts'
import type { StoredFeedEntry } from '../../src/core/storage.ts'
import { asChannelId, asRoomId } from '../../src/core/types.ts'
import { createIndexedDbStorage } from '../../src/storage/indexeddb.ts'
import { createWorkerVerifier } from '../../src/workers/worker-verifier.ts'
import vectors from '../../tests/fixtures/feed.vectors.json' with { type: 'json' }
import { outcomeOf } from '../../tests/feed/vector-outcome.ts'

const room = asRoomId(rawCidOf(new TextEncoder().encode('bench room')).toString())
const channel = asChannelId(hashOf(encodeCanonical({ bench: 'general' })))

/** Bench-only ACL: everyone may post (the bench measures the feed pipeline, not the authority log). */
const allowAll: AclView = { complete: true, mayAppend: () => accept(true), can: () => true }

async function webcryptoSigner (): Promise<Signer & { verifyKey: CryptoKey }> {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))
  return {
    publicKey,
    id: authorIdOf(publicKey),
    verifyKey: pair.publicKey,
    sign: async (m) => new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, new Uint8Array(m)))
  }
}

let built: { entries: AppendedEntry[], keys: CryptoKey[] } | undefined

/** Builds `count` entries round-robin over `authorCount` authors in one channel, lamports interleaved as in a live room. */
async function build (count: number, authorCount: number): Promise<number> {
  const authors = await Promise.all(Array.from({ length: authorCount }, webcryptoSigner))
  const heads = new Map<string, StoredFeedEntry>()
  const entries: AppendedEntry[] = []
  const keys: CryptoKey[] = []
  for (let i = 0; i < count; i++) {
    const signer = authors[i % authorCount]!
    const payload = encodeChatPayload({ type: 'chat/text', text: `message ${i} `.padEnd(120, 'lorem ipsum '), mentions: [] })
    const made = await appendEntry(signer, { room, channel, head: heads.get(signer.id), roomLamport: i, type: 'chat/text', payload, ts: Date.now() })
    heads.set(signer.id, made.stored)
    entries.push(made)
    keys.push(signer.verifyKey)
  }
  built = { entries, keys }
  return entries.length
}

/** Bare WebCrypto verification of the same entries' signed bytes: all at once, keys imported, bytes ready. */
async function rawVerifyPerSecond (): Promise<number> {
  const { entries, keys } = built!
  const messages = entries.map((e) => signedBytesOf(e.record))
  const t0 = performance.now()
  const ok = await Promise.all(entries.map((e, i) => crypto.subtle.verify({ name: 'Ed25519' }, keys[i]!, new Uint8Array(e.record.sig), new Uint8Array(messages[i]!))))
  const seconds = (performance.now() - t0) / 1000
  if (!ok.every(Boolean)) throw new Error('raw verify failed')
  return entries.length / seconds
}

/**
 * Ingests everything, in sync-sized batches per author (as range sync delivers them), into a
 * fresh IndexedDB database: decode, checks, signature verify, chain check and one write per batch.
 * Up to `inFlight` batches are handed over at once, as answers from several peers arrive: the
 * ingest verifies them concurrently and chain-checks and writes them one after another.
 */
async function ingestPerSecond (batchSize: number, inFlight: number, where: 'workers' | 'page', workers?: number): Promise<{ perSecond: number, stored: number }> {
  const { entries } = built!
  const ordered = [...entries].sort((a, b) => (a.stored.author < b.stored.author ? -1 : a.stored.author > b.stored.author ? 1 : a.stored.seq - b.stored.seq))
  const envelopes = ordered.map((e) => ({ entry: e.envelope.entry, payload: e.envelope.payload }))
  const storage = createIndexedDbStorage({ name: `ingest-bench-${Date.now()}` })
  await storage.start()
  const verifier = createWorkerVerifier(workers != null ? { workers } : {})
  const ingest = createFeedIngest({ storage, acl: allowAll, ...(where === 'workers' ? { verifier: verifier.verify } : {}) }, { room })
  // the workers start outside the timing, as in an app that is already running
  if (where === 'workers') await verifier.verify([{ publicKey: entries[0]!.record.author, message: signedBytesOf(entries[0]!.record), signature: entries[0]!.record.sig }])
  const t0 = performance.now()
  let accepted = 0
  const running = new Set<Promise<void>>()
  for (let i = 0; i < envelopes.length; i += batchSize) {
    const run: Promise<void> = ingest.ingest(envelopes.slice(i, i + batchSize)).then((r) => { accepted += r.accepted.length; running.delete(run) })
    running.add(run)
    if (running.size >= inFlight) await Promise.race(running)
  }
  await Promise.all(running)
  const seconds = (performance.now() - t0) / 1000
  const stored = await storage.feeds.count(channel)
  await storage.stop()
  verifier.stop()
  if (accepted !== entries.length) throw new Error(`accepted ${accepted} of ${entries.length}`)
  return { perSecond: entries.length / seconds, stored }
}

/** Runs tests/fixtures/feed.vectors.json through the ingest on IndexedDB and WebCrypto; lists the cases whose outcome differs. */
async function runVectors (): Promise<{ ran: number, mismatches: string[] }> {
  const bytesOf = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16))
  const envelopeOf = (e: { entry: string, payload: string | null }) => ({ entry: bytesOf(e.entry), payload: e.payload == null ? null : bytesOf(e.payload) })
  const mismatches: string[] = []
  for (const v of vectors.cases) {
    const bans = (v as { bans?: Record<string, Record<string, number>> }).bans ?? {}
    const acl: AclView = {
      complete: true,
      mayAppend: (author, ch, seq) => seq > (bans[author]?.[ch] ?? Infinity) ? reject(RejectReason.Banned, 'banned') : accept(true),
      can: () => true
    }
    const storage = createIndexedDbStorage({ name: `ingest-vectors-${Date.now()}-${mismatches.length}-${v.name}` })
    await storage.start()
    const ingest = createFeedIngest({ storage, acl }, { room: asRoomId(vectors.room) })
    await ingest.ingest(v.before.map(envelopeOf))
    const outcome = outcomeOf(await ingest.ingest([envelopeOf(v.envelope)]))
    if (JSON.stringify(outcome) !== JSON.stringify(v.expect)) mismatches.push(`${v.name}: got ${JSON.stringify(outcome)}`)
    await storage.stop()
  }
  return { ran: vectors.cases.length, mismatches }
}

/**
 * One entry at a time through the gossip validator, in feed order, into a fresh IndexedDB database:
 * the latency of validated-and-stored for a single message on an otherwise idle page (milliseconds
 * per call, sorted), next to a bare one-entry read and write of the same store for scale.
 */
async function gossipOneByOne (count: number): Promise<{ validate: number[], read: number[], write: number[] }> {
  const { entries } = built!
  const storage = createIndexedDbStorage({ name: `gossip-bench-${Date.now()}` })
  await storage.start()
  const verifier = createWorkerVerifier()
  const ingest = createFeedIngest({ storage, acl: allowAll, verifier: verifier.verify }, { room })
  const validate: number[] = []
  const read: number[] = []
  const write: number[] = []
  for (const e of entries.slice(0, count)) {
    const t0 = performance.now()
    const verdict = await ingest.validateForGossip({ entry: e.envelope.entry, payload: e.envelope.payload })
    validate.push(performance.now() - t0)
    if (verdict.action !== 'accept') throw new Error(`gossip ingest said ${verdict.action}`)
    const t1 = performance.now()
    await storage.feeds.getRange(e.stored.channel, e.stored.author, e.stored.seq, e.stored.seq)
    read.push(performance.now() - t1)
    const t2 = performance.now()
    await storage.meta.put(`probe-${e.stored.seq}`, e.envelope.entry)
    write.push(performance.now() - t2)
  }
  await storage.stop()
  verifier.stop()
  const sorted = (xs: number[]): number[] => xs.sort((a, b) => a - b)
  return { validate: sorted(validate), read: sorted(read), write: sorted(write) }
}

const harness = { build, rawVerifyPerSecond, ingestPerSecond, gossipOneByOne, runVectors }
declare global { interface Window { ingestHarness: typeof harness, ingestHarnessReady: boolean } }
window.ingestHarness = harness
window.ingestHarnessReady = true
