import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from '../../src/storage/memory.ts'
import { storageChecks } from './contract.ts'

describe('storage contract: the in-memory twin', () => {
  for (const c of storageChecks) it(c.name, async () => { expect(await c.run(createMemoryStorage)).toEqual([]) })
})
