import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { sha256 } from 'multiformats/hashes/sha2'
import { gossipOptions, messageId } from '../../src/network/gossip-options.ts'

describe('gossip options', () => {
  it('message ids are computed synchronously and equal the library default (the data\'s SHA-256), so peers agree', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (data) => {
      const id = messageId({ data })
      expect(id).toBeInstanceOf(Uint8Array)
      expect(id).toEqual(await sha256.encode(data))
    }))
    expect(gossipOptions().msgIdFn).toBe(messageId)
  })
})
