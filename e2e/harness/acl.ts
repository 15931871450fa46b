// Test-only page: builds and replays authority logs in Chromium for bench/acl.bench.ts.
import { fromString, toString } from 'uint8arrays'
import { type BuildInit, buildEntry } from '../../src/core/authority/build.ts'
import type { SignedAuthorityEntry } from '../../src/core/authority/entry.ts'
import { authorityLog, loadAuthorityLog } from '../../src/core/authority/log.ts'
import { type Signer, authorIdOf, randomSeed, signerFromSeed } from '../../src/core/identity/ed25519.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import { asChannelId, asRoomId } from '../../src/core/types.ts'
import { createWorkerVerifier } from '../../src/workers/worker-verifier.ts'

/** A WebCrypto signer: about 10x faster than noble, so building 10k entries takes seconds, not minutes. */
async function webcryptoSigner (): Promise<Signer> {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))
  return { publicKey, id: authorIdOf(publicKey), sign: async (m) => new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, new Uint8Array(m))) }
}

/**
 * A room history of `n` entries from an owner and four mods: member grants, bans with frontiers,
 * unbans, channel creation, renames and archive toggles; every tenth step two mods act
 * concurrently on the same heads. Returns the entries as base64 so another page can replay them cold.
 */
async function generateHistory (n: number): Promise<{ room: string, entries: string[] }> {
  const owner = await webcryptoSigner()
  const mods = await Promise.all([0, 1, 2, 3].map(async () => await webcryptoSigner()))
  const people = Array.from({ length: 400 }, () => signerFromSeed(randomSeed()).id)
  const created = await createRoom({ signer: owner, name: 'bench', policy: 'invite-only', channels: [{ name: 'general' }] })
  const log = authorityLog({ room: created.roomId })
  const made: SignedAuthorityEntry[] = [created.genesis]
  log.add([created.genesis])
  const keep = (e: SignedAuthorityEntry): void => { made.push(e); log.add([e]) }
  for (const mod of mods) keep(await buildEntry.grant({ context: log.buildContext(), signer: owner }, { target: mod.id, role: 'mod' }))
  const channels = [...created.channels]
  let i = 0
  while (made.length < n) {
    const context = log.buildContext()
    const actors = i % 10 === 0 ? [mods[i % 4]!, mods[(i + 1) % 4]!] : [mods[i % 4]!]
    const batch = await Promise.all(actors.map(async (signer, k) => {
      const init: BuildInit = { context, signer }
      const target = people[(i * 7 + k * 13) % people.length]!
      const role = log.roleOf(target)
      const channel = channels[(i + k) % channels.length]!
      switch ((i + k) % 8) {
        case 0: return await buildEntry.channelCreate(init, { name: `c${i}`, topic: 'bench' })
        case 1: return await buildEntry.channelRename(init, { channel, name: `r${i}` })
        case 2: return await buildEntry.channelArchive(init, { channel, archived: !log.channels().find((c) => c.id === channel)!.archived, frontier: { [target]: i } })
        default:
          if (role === 'banned') return await buildEntry.unban(init, { target })
          if (role == null) return await buildEntry.grant(init, { target, role: 'member' })
          return await buildEntry.ban(init, { target, reason: 'bench', frontier: { [channel]: i } })
      }
    }))
    for (const e of batch) {
      keep(e)
      if (e.entry.action === 'channel-create') channels.push(asChannelId(e.hash))
    }
    i++
  }
  return { room: created.roomId, entries: made.slice(0, n).map((e) => toString(e.bytes, 'base64')) }
}

/**
 * Time for `n` bare WebCrypto verifies of 300-byte messages, one after another: the yardstick the
 * replay is compared with, since on a shared machine the ratio is steadier than either figure.
 */
async function rawVerifyMs (n: number): Promise<number> {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
  const messages = Array.from({ length: n }, (_, i) => new TextEncoder().encode(`m${i}`.padEnd(300, 'x')))
  const sigs = await Promise.all(messages.map(async (m) => await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, m)))
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await crypto.subtle.verify({ name: 'Ed25519' }, pair.publicKey, sigs[i]!, messages[i]!)
  return performance.now() - t0
}

/** Replays entries cold (validation and signature checks included, as the app does it) and reports where the time went. */
async function replay (room: string, encoded: string[]): Promise<Record<string, number>> {
  const bytes = encoded.map((s) => fromString(s, 'base64'))
  const rawBefore = await rawVerifyMs(2000)
  // as the app replays a room's log at start: signatures in its Web Worker pool, worker start-up included
  const verifier = createWorkerVerifier()
  const t0 = performance.now()
  const { log, invalid } = await loadAuthorityLog(asRoomId(room), bytes, undefined, verifier.verify)
  const replayMs = performance.now() - t0
  verifier.stop()
  const rawAfter = await rawVerifyMs(2000)
  const t1 = performance.now()
  const again = authorityLog({ room: asRoomId(room) })
  again.add(log.entries())
  const reduceOnlyMs = performance.now() - t1
  const join = await buildEntry.join({ context: log.buildContext(), signer: await webcryptoSigner() })
  const t2 = performance.now()
  log.add([join])
  const incrementalMs = performance.now() - t2
  return {
    replayMs,
    rawVerifyPerEntryMs: (rawBefore + rawAfter) / 4000,
    reduceOnlyMs,
    incrementalMs,
    invalid: invalid.length,
    rejected: log.rejected().length,
    members: log.members().length,
    complete: log.complete ? 1 : 0
  }
}

const acl = { generateHistory, replay }
declare global { interface Window { acl: typeof acl, aclReady: boolean } }
window.acl = acl
window.aclReady = true
