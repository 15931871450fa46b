import { writeFileSync, readFileSync, existsSync } from 'node:fs'
import { buildEntry, type BuildInit } from '../../src/core/authority/build.ts'
import type { SignedAuthorityEntry } from '../../src/core/authority/entry.ts'
import { recordProblem, entryOf, signedBytesOf } from '../../src/core/authority/entry.ts'
import { authorityLog, loadAuthorityLog } from '../../src/core/authority/log.ts'
import { randomSeed, signerFromSeed, verifySignature } from '../../src/core/identity/ed25519.ts'
import { decodeCanonical } from '../../src/core/codec/canonical.ts'
import { hashOf } from '../../src/core/codec/hash.ts'
import { createRoom } from '../../src/core/room/create-room.ts'
import { asChannelId, asRoomId } from '../../src/core/types.ts'

const file = '/tmp/prof/hist.json'
if (!existsSync(file)) {
  const owner = signerFromSeed(randomSeed())
  const mods = [0, 1, 2, 3].map(() => signerFromSeed(randomSeed()))
  const people = Array.from({ length: 400 }, () => signerFromSeed(randomSeed()).id)
  const created = await createRoom({ signer: owner, name: 'bench', policy: 'invite-only', channels: [{ name: 'general' }] })
  const log = authorityLog({ room: created.roomId })
  log.add([created.genesis])
  const made: SignedAuthorityEntry[] = [created.genesis]
  const keep = (e: SignedAuthorityEntry): void => { made.push(e); log.add([e]) }
  for (const mod of mods) keep(await buildEntry.grant({ context: log.buildContext(), signer: owner }, { target: mod.id, role: 'mod' }))
  const channels = [...created.channels]
  let i = 0
  while (made.length < 10000) {
    const context = log.buildContext()
    const signer = mods[i % 4]!
    const init: BuildInit = { context, signer }
    const target = people[(i * 7) % people.length]!
    const role = log.roleOf(target)
    const channel = channels[i % channels.length]!
    let e
    switch (i % 8) {
      case 0: e = await buildEntry.channelCreate(init, { name: `c${i}`, topic: 'bench' }); break
      case 1: e = await buildEntry.channelRename(init, { channel, name: `r${i}` }); break
      default:
        if (role === 'banned') e = await buildEntry.unban(init, { target })
        else if (role == null) e = await buildEntry.grant(init, { target, role: 'member' })
        else e = await buildEntry.ban(init, { target, reason: 'bench', frontier: { [channel]: i } })
    }
    keep(e)
    if (e.entry.action === 'channel-create') channels.push(asChannelId(e.hash))
    i++
  }
  writeFileSync(file, JSON.stringify({ room: created.roomId, entries: made.map((e) => Buffer.from(e.bytes).toString('base64')) }))
}
const h = JSON.parse(readFileSync(file, 'utf8')) as { room: string, entries: string[] }
const bytes = h.entries.map((s) => Uint8Array.from(Buffer.from(s, 'base64')))
const time = (label: string, f: () => void): void => { const t = performance.now(); f(); console.log(label, (performance.now() - t).toFixed(1)) }
const decoded: Record<string, unknown>[] = []
time('decode', () => { for (const b of bytes) decoded.push((decodeCanonical(b, 4096) as { value: Record<string, unknown> }).value) })
time('hash', () => { for (const b of bytes) hashOf(b) })
time('problem', () => { for (const d of decoded) recordProblem(d) })
time('entryOf', () => { for (const d of decoded) entryOf(hashOf(new Uint8Array(1)), d) })
time('signedBytes', () => { for (const d of decoded) signedBytesOf(d) })
let t = performance.now()
await Promise.all(decoded.map((d) => verifySignature(d.signer as Uint8Array, signedBytesOf(d), d.sig as Uint8Array)))
console.log('verify', (performance.now() - t).toFixed(1))
t = performance.now()
await loadAuthorityLog(asRoomId(h.room), bytes.map((b) => b.slice()))
console.log('load (cached verdicts)', (performance.now() - t).toFixed(1))
