import type { MetaStore } from '../storage.ts'
import { type Signer, randomSeed } from './ed25519.ts'
import { decryptBackup, encryptBackup } from './backup.ts'
import { IdentityExistsError } from './errors.ts'
import { fingerprintOf } from './fingerprint.ts'
import { IDENTITY_META_KEY, SigningBackend, type StoredIdentity, readStoredIdentity, sealSeed, signerOf, unsealSeed } from './keystore.ts'

export interface IdentityComponents {
  readonly meta: MetaStore
}

export interface IdentityInit {
  /** 'noble' skips WebCrypto Ed25519, as on a browser without it; default 'auto'. */
  readonly signing?: SigningBackend
}

/** This peer's own author: signs records, shows a fingerprint, writes passphrase backups. */
export interface Identity extends Signer {
  /** Short, human-comparable fingerprint of the public key (see fingerprintOf). */
  readonly fingerprint: string
  /** A passphrase-encrypted backup as JSON text; the only time the sealed seed is opened. */
  exportBackup (passphrase: string): Promise<string>
}

async function identityOf (stored: StoredIdentity): Promise<Identity> {
  const signer = await signerOf(stored)
  return {
    ...signer,
    fingerprint: fingerprintOf(stored.publicKey),
    async exportBackup (passphrase) {
      const seed = await unsealSeed(stored)
      try {
        return await encryptBackup(seed, signer.id, passphrase)
      } finally {
        seed.fill(0)
      }
    }
  }
}

const pendingByStore = new WeakMap<MetaStore, Promise<unknown>>()

/**
 * Creating and importing check and then write the stored identity. Run them one at a time, across
 * tabs through Web Locks where the platform has them (two tabs on one origin share the store),
 * else within this page: otherwise two tabs creating at once would each sign as a key that only
 * one of them keeps.
 */
async function exclusively<T> (meta: MetaStore, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  if (locks != null) return await locks.request('peer-rooms/identity', task)
  const run = (pendingByStore.get(meta) ?? Promise.resolve()).then(task, task)
  pendingByStore.set(meta, run.catch(() => undefined))
  return await run
}

async function storeSeed (meta: MetaStore, seed: Uint8Array, init: IdentityInit): Promise<Identity> {
  const stored = await sealSeed(seed, init.signing ?? SigningBackend.Auto)
  seed.fill(0)
  await meta.put(IDENTITY_META_KEY, stored)
  return await identityOf(stored)
}

/** Generates a new identity and persists it. Refuses (IdentityExistsError) to overwrite a stored one, also one another tab stores at the same moment. */
export async function createIdentity (components: IdentityComponents, init: IdentityInit = {}): Promise<Identity> {
  return await exclusively(components.meta, async () => {
    if (await readStoredIdentity(components.meta) !== undefined) throw new IdentityExistsError()
    return await storeSeed(components.meta, randomSeed(), init)
  })
}

/** The stored identity, or undefined before one is created. */
export async function loadIdentity (components: IdentityComponents): Promise<Identity | undefined> {
  const stored = await readStoredIdentity(components.meta)
  return stored === undefined ? undefined : await identityOf(stored)
}

/**
 * Restores an identity from a backup and persists it, replacing any stored one: restoring is
 * an explicit user act (the UI confirms before replacing a different identity). Throws
 * WrongPassphraseError or BackupFormatError.
 */
export async function importIdentity (components: IdentityComponents, backup: string, passphrase: string, init: IdentityInit = {}): Promise<Identity> {
  const { seed } = await decryptBackup(backup, passphrase)
  return await exclusively(components.meta, () => storeSeed(components.meta, seed, init))
}
