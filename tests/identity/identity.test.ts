import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { signerFromSeed, verifySignature } from '../../src/core/identity/ed25519.ts'
import { decryptBackup, encryptBackup } from '../../src/core/identity/backup.ts'
import { createIdentity, importIdentity, loadIdentity } from '../../src/core/identity/identity.ts'
import { IDENTITY_META_KEY, type StoredIdentity } from '../../src/core/identity/keystore.ts'
import { createIndexedDbStorage } from '../../src/storage/indexeddb.ts'
import { createMemoryStorage } from '../../src/storage/memory.ts'
import type { Storage } from '../../src/core/storage.ts'

const message = new TextEncoder().encode('a message to sign')
const passphrase = 'correct horse battery staple'

async function started (storage: Storage): Promise<Storage> {
  await storage.start()
  return storage
}

/** Every Uint8Array inside a value, however deep. */
function byteFields (value: unknown): Uint8Array[] {
  if (value instanceof Uint8Array) return [value]
  if (value === null || typeof value !== 'object') return []
  return Object.values(value).flatMap(byteFields)
}

const contains = (haystack: Uint8Array, needle: Uint8Array): boolean =>
  haystack.some((_, i) => needle.every((b, j) => haystack[i + j] === b))

describe('identity', () => {
  it('creates a keypair that signs through a non-extractable WebCrypto key and keeps the seed only sealed', async () => {
    const storage = await started(createMemoryStorage())
    const identity = await createIdentity(storage)
    expect(identity.id).toMatch(/^[0-9a-f]{64}$/)
    expect(identity.fingerprint).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/)
    expect(await verifySignature(identity.publicKey, message, await identity.sign(message))).toBe(true)

    const stored = await storage.meta.get<StoredIdentity>(IDENTITY_META_KEY)
    expect(stored?.signingKey).toBeInstanceOf(CryptoKey)
    expect(stored?.signingKey?.extractable).toBe(false)
    expect(stored?.sealingKey.extractable).toBe(false)
    const { seed } = await decryptBackup(await identity.exportBackup(passphrase), passphrase)
    // Ed25519 signing is deterministic: the WebCrypto key is the seed's key.
    expect(await identity.sign(message)).toEqual(await signerFromSeed(seed).sign(message))
    for (const field of byteFields(stored)) expect(contains(field, seed)).toBe(false)
  })

  it('refuses to overwrite a stored identity', async () => {
    const storage = await started(createMemoryStorage())
    await createIdentity(storage)
    await expect(createIdentity(storage)).rejects.toMatchObject({ name: 'IdentityExistsError' })
  })

  it('lets only one of two concurrent creations through', async () => {
    const storage = await started(createMemoryStorage())
    const outcomes = await Promise.allSettled([createIdentity(storage), createIdentity(storage)])
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected'])
    const winner = outcomes.find((o) => o.status === 'fulfilled')
    expect((await loadIdentity(storage))?.id).toBe(winner?.status === 'fulfilled' ? winner.value.id : undefined)
  })

  it('persists in IndexedDB: a reopened database gives the same identity, still signing', async () => {
    const first = await started(createIndexedDbStorage({ name: 'identity-persist' }))
    expect(await loadIdentity(first)).toBeUndefined()
    const created = await createIdentity(first)
    await first.stop()
    const second = await started(createIndexedDbStorage({ name: 'identity-persist' }))
    const loaded = await loadIdentity(second)
    expect(loaded?.id).toBe(created.id)
    expect(loaded?.fingerprint).toBe(created.fingerprint)
    expect(await loaded?.sign(message)).toEqual(await created.sign(message))
    await second.stop()
  })

  it('restores the same author from a passphrase backup, and says so clearly when the passphrase is wrong', async () => {
    const identity = await createIdentity(await started(createMemoryStorage()))
    const backup = await identity.exportBackup(passphrase)
    expect(backup.length).toBeLessThan(600)
    expect(JSON.parse(backup)).toMatchObject({ author: identity.id, kdf: { name: 'PBKDF2', iterations: 600_000 } })

    const elsewhere = await started(createMemoryStorage())
    await expect(importIdentity(elsewhere, backup, 'not the passphrase')).rejects.toThrow('Wrong passphrase')
    expect(await loadIdentity(elsewhere)).toBeUndefined()
    const restored = await importIdentity(elsewhere, backup, passphrase)
    expect(restored.id).toBe(identity.id)
    expect(await restored.sign(message)).toEqual(await identity.sign(message))
    expect((await loadIdentity(elsewhere))?.id).toBe(identity.id)
  })

  it('refuses damaged or foreign backups and weak passphrases with named errors', async () => {
    const signer = signerFromSeed(new Uint8Array(32).fill(5))
    const backup = await encryptBackup(new Uint8Array(32).fill(5), signer.id, passphrase, 100_000)
    const blob = JSON.parse(backup) as Record<string, Record<string, unknown>>
    const storage = await started(createMemoryStorage())
    const other = signerFromSeed(new Uint8Array(32).fill(6)).id
    await expect(importIdentity(storage, 'not json', passphrase)).rejects.toMatchObject({ name: 'BackupFormatError' })
    await expect(importIdentity(storage, '{"format":"something else"}', passphrase)).rejects.toMatchObject({ name: 'BackupFormatError' })
    await expect(importIdentity(storage, JSON.stringify({ ...blob, kdf: { ...blob.kdf, iterations: 1_000 } }), passphrase)).rejects.toMatchObject({ name: 'BackupFormatError' })
    await expect(importIdentity(storage, JSON.stringify({ ...blob, ciphertext: 'AAAA' }), passphrase)).rejects.toMatchObject({ name: 'BackupFormatError' })
    // The author id is bound into the ciphertext: swapping it is caught.
    await expect(importIdentity(storage, JSON.stringify({ ...blob, author: other }), passphrase)).rejects.toMatchObject({ name: 'WrongPassphraseError' })
    await expect(encryptBackup(new Uint8Array(32), signer.id, 'short')).rejects.toMatchObject({ name: 'WeakPassphraseError' })
    expect((await importIdentity(storage, `\n${backup}\n`, passphrase)).id).toBe(signer.id)
  })

  it('falls back to noble where WebCrypto has no Ed25519, with the same backup and persistence', async () => {
    const storage = await started(createMemoryStorage())
    const identity = await createIdentity(storage, { signing: 'noble' })
    expect((await storage.meta.get<StoredIdentity>(IDENTITY_META_KEY))?.signingKey).toBeNull()
    expect(await verifySignature(identity.publicKey, message, await identity.sign(message))).toBe(true)
    const loaded = await loadIdentity(storage)
    expect(await loaded?.sign(message)).toEqual(await identity.sign(message))
    const restored = await importIdentity(await started(createMemoryStorage()), await identity.exportBackup(passphrase), passphrase)
    expect(restored.id).toBe(identity.id)
  })

  it('reports an unreadable stored identity with a named error', async () => {
    const storage = await started(createMemoryStorage())
    await storage.meta.put(IDENTITY_META_KEY, { v: 1, publicKey: 'oops' })
    await expect(loadIdentity(storage)).rejects.toMatchObject({ name: 'IdentityStorageError' })
  })
})
