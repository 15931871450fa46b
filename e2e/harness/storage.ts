// Test-only page: runs the storage contract, the Ed25519 vectors and the identity flows in real
// Chromium (e2e/storage.spec.ts, e2e/identity.spec.ts) and the storage benchmark.
import { createIndexedDbStorage } from '../../src/storage/indexeddb.ts'
import { runStorageContract } from '../../tests/storage/contract.ts'
import { createIndexedDbBlobStore } from '../../src/storage/blob-indexeddb.ts'
import { runBlobStoreContract } from '../../tests/storage/blob-contract.ts'
import { v1MigrationFailures } from '../../tests/storage/migration-check.ts'
import { ed25519BatchFailures, ed25519VectorFailures } from '../../tests/identity/ed25519-vectors.ts'
import { createWorkerVerifier } from '../../src/workers/worker-verifier.ts'
import * as identity from '../../src/core/identity/identity.ts'
import * as keystore from '../../src/core/identity/keystore.ts'
import * as profile from '../../src/core/identity/profile.ts'
import * as ed25519 from '../../src/core/identity/ed25519.ts'

let databases = 0
const freshName = (): string => `harness-${Date.now()}-${++databases}`

const harness = {
  runStorageContract: (singleWriter: boolean) => runStorageContract(() => createIndexedDbStorage({ name: freshName(), singleWriter })),
  runBlobStoreContract: () => runBlobStoreContract(() => createIndexedDbBlobStore({ name: freshName() })),
  v1MigrationFailures: () => v1MigrationFailures(freshName(), (name) => createIndexedDbStorage({ name })),
  ed25519VectorFailures,
  ed25519BatchFailures,
  createWorkerVerifier,
  createIndexedDbStorage,
  freshName,
  identity,
  keystore,
  profile,
  ed25519
}
declare global { interface Window { storageHarness: typeof harness, storageHarnessReady: boolean } }
window.storageHarness = harness
window.storageHarnessReady = true
