import { expect, test } from '@playwright/test'
import { HARNESS_ORIGIN } from './support/origins.ts'

test.beforeEach(async ({ page }) => {
  await page.goto(`${HARNESS_ORIGIN}/e2e/harness/storage.html`)
  await page.waitForFunction(() => window.storageHarnessReady)
})

test('Chromium\'s WebCrypto reaches the expected verdict on every Ed25519 vector', async ({ page }) => {
  const hasEd25519 = await page.evaluate(async () => {
    const keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
    return keys.privateKey.algorithm.name
  })
  expect(hasEd25519).toBe('Ed25519')
  expect(await page.evaluate(() => window.storageHarness.ed25519VectorFailures())).toEqual([])
})

test('an identity created in IndexedDB signs through a non-extractable key and survives a page reload', async ({ page }) => {
  const created = await page.evaluate(async () => {
    const { createIndexedDbStorage, identity, keystore, ed25519 } = window.storageHarness
    const storage = createIndexedDbStorage({ name: 'identity-reload' })
    await storage.start()
    const me = await identity.createIdentity(storage)
    const stored = await storage.meta.get<{ signingKey: CryptoKey | null, sealingKey: CryptoKey }>(keystore.IDENTITY_META_KEY)
    const message = new TextEncoder().encode('hello from Chromium')
    const sig = await me.sign(message)
    const verified = await ed25519.verifySignature(me.publicKey, message, sig)
    await storage.stop()
    return { id: me.id, fingerprint: me.fingerprint, verified, sig: Array.from(sig), signingKey: stored?.signingKey?.algorithm.name, signingExtractable: stored?.signingKey?.extractable, sealingExtractable: stored?.sealingKey.extractable }
  })
  expect(created).toMatchObject({ verified: true, signingKey: 'Ed25519', signingExtractable: false, sealingExtractable: false })

  await page.reload()
  await page.waitForFunction(() => window.storageHarnessReady)
  const loaded = await page.evaluate(async () => {
    const { createIndexedDbStorage, identity } = window.storageHarness
    const storage = createIndexedDbStorage({ name: 'identity-reload' })
    await storage.start()
    const me = await identity.loadIdentity(storage)
    const sig = await me?.sign(new TextEncoder().encode('hello from Chromium'))
    await storage.stop()
    return { id: me?.id, fingerprint: me?.fingerprint, sig: Array.from(sig ?? []) }
  })
  expect(loaded).toEqual({ id: created.id, fingerprint: created.fingerprint, sig: created.sig })
})

test('a passphrase backup restores the same author in another database; a wrong passphrase says so', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { createIndexedDbStorage, freshName, identity, profile } = window.storageHarness
    const home = createIndexedDbStorage({ name: freshName() })
    const away = createIndexedDbStorage({ name: freshName() })
    await Promise.all([home.start(), away.start()])
    const me = await identity.createIdentity(home)
    const backup = await me.exportBackup('a long enough passphrase')
    const wrong = await identity.importIdentity(away, backup, 'another passphrase').then(() => 'imported', (err: Error) => `${err.name}: ${err.message}`)
    const restored = await identity.importIdentity(away, backup, 'a long enough passphrase')
    const card = await profile.buildProfile(restored, { name: 'Restored' })
    const checked = await profile.validateProfile(card.bytes)
    await Promise.all([home.stop(), away.stop()])
    return { same: restored.id === me.id, wrong, profileAuthor: checked.ok ? checked.value.author === me.id : checked.reason }
  })
  expect(result).toEqual({ same: true, wrong: 'WrongPassphraseError: Wrong passphrase, or the backup was altered', profileAuthor: true })
})

test('two tabs creating an identity at once: one creates, the other is told one exists', async ({ page, context }) => {
  const second = await context.newPage()
  await second.goto(`${HARNESS_ORIGIN}/e2e/harness/storage.html`)
  await second.waitForFunction(() => window.storageHarnessReady)
  const create = (p: typeof page): Promise<string> => p.evaluate(async () => {
    const { createIndexedDbStorage, identity } = window.storageHarness
    const storage = createIndexedDbStorage({ name: 'identity-two-tabs' })
    await storage.start()
    try {
      return (await identity.createIdentity(storage)).id
    } catch (err) {
      return (err as Error).name
    } finally {
      await storage.stop()
    }
  })
  const outcomes = await Promise.all([create(page), create(second)])
  expect(outcomes.filter((o) => o === 'IdentityExistsError')).toHaveLength(1)
  const stored = await second.evaluate(async () => {
    const { createIndexedDbStorage, identity } = window.storageHarness
    const storage = createIndexedDbStorage({ name: 'identity-two-tabs' })
    await storage.start()
    const id = (await identity.loadIdentity(storage))?.id
    await storage.stop()
    return id
  })
  expect(outcomes).toContain(stored)
})

test('the Web Worker pool that checks feed signatures reaches the expected verdict on every Ed25519 vector', async ({ page }) => {
  const outcome = await page.evaluate(async () => {
    const verifier = window.storageHarness.createWorkerVerifier({ workers: 2, splitAbove: 4 })
    const failures = await window.storageHarness.ed25519BatchFailures(verifier.verify)
    const inWorkers = verifier.inWorkers
    verifier.stop()
    return { failures, inWorkers }
  })
  expect(outcome).toEqual({ failures: [], inWorkers: true })
})

test('when a signature worker fails, its checks finish on the page with the same verdicts', async ({ page }) => {
  const outcome = await page.evaluate(async () => {
    const failing = URL.createObjectURL(new Blob(['onmessage = () => { throw new Error("worker bug") }'], { type: 'text/javascript' }))
    const verifier = window.storageHarness.createWorkerVerifier({ workers: 2, splitAbove: 4, createWorker: () => new Worker(failing) })
    const failures = await window.storageHarness.ed25519BatchFailures(verifier.verify)
    const again = await window.storageHarness.ed25519BatchFailures(verifier.verify)
    // a worker whose WebCrypto cannot check says so instead of answering
    const unable = URL.createObjectURL(new Blob(['onmessage = (e) => postMessage({ id: e.data.id, failed: "no Ed25519 here" })'], { type: 'text/javascript' }))
    const second = window.storageHarness.createWorkerVerifier({ workers: 1, createWorker: () => new Worker(unable) })
    const viaUnable = await window.storageHarness.ed25519BatchFailures(second.verify)
    return { failures, again, inWorkers: verifier.inWorkers, viaUnable, secondInWorkers: second.inWorkers }
  })
  expect(outcome).toEqual({ failures: [], again: [], inWorkers: false, viaUnable: [], secondInWorkers: false })
})
