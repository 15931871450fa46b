import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createIndexedDbStorage } from '../../src/storage/indexeddb.ts'
import { storageChecks } from './contract.ts'

let n = 0
const fresh = (): ReturnType<typeof createIndexedDbStorage> => createIndexedDbStorage({ name: `contract-${++n}` })

describe('storage contract: IndexedDB on fake-indexeddb', () => {
  for (const c of storageChecks) it(c.name, async () => { expect(await c.run(fresh)).toEqual([]) })
})

describe('IndexedDB backend', () => {
  it('a second instance on the same database name sees the data', async () => {
    const first = createIndexedDbStorage({ name: 'reopen' })
    await first.start()
    await first.meta.put('identity', { id: 'x' })
    await first.stop()
    const second = createIndexedDbStorage({ name: 'reopen' })
    await second.start()
    expect(await second.meta.get('identity')).toEqual({ id: 'x' })
    await second.stop()
  })

  it('gives way to another connection upgrading the schema, then reopens on the next call', async () => {
    const s = createIndexedDbStorage({ name: 'upgrade' })
    await s.start()
    await s.meta.put('k', 1)
    const upgrade = indexedDB.open('upgrade', 2)
    await new Promise((resolve, reject) => { upgrade.onsuccess = resolve; upgrade.onerror = reject; upgrade.onblocked = () => reject(new Error('blocked')) })
    upgrade.result.close()
    // The schema is now version 2: our version-1 open fails, and says so.
    await expect(s.meta.get('k')).rejects.toMatchObject({ name: 'StorageError' })
    await s.stop()
  })

  it('settles a write the engine refuses synchronously (an uncloneable value) with StorageError', async () => {
    const s = fresh()
    await s.start()
    await s.meta.put('k', 'kept')
    const error = await s.meta.put('k', { f: () => 1 }).catch((err: unknown) => err)
    expect(error).toMatchObject({ name: 'StorageError' })
    expect((error as { cause?: { name?: string } }).cause?.name).toBe('DataCloneError')
    expect(await s.meta.get('k')).toBe('kept')
    await s.stop()
  })
})
