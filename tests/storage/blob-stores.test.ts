import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createIndexedDbBlobStore } from '../../src/storage/blob-indexeddb.ts'
import { createMemoryBlobStore } from '../../src/storage/blob-memory.ts'
import { blobStoreChecks } from './blob-contract.ts'

let n = 0
describe('blob store contract: the in-memory twin', () => {
  for (const c of blobStoreChecks) it(c.name, async () => { expect(await c.run(createMemoryBlobStore)).toEqual([]) })
})

describe('blob store contract: IndexedDB on fake-indexeddb', () => {
  for (const c of blobStoreChecks) it(c.name, async () => { expect(await c.run(() => createIndexedDbBlobStore({ name: `blobs-${++n}` }))).toEqual([]) })
})
