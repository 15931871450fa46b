import { describe, expect, it } from 'vitest'
import { chunkFile } from '../../src/core/blob/chunking.ts'
import { FILE_TYPE, encodeManifest } from '../../src/core/blob/manifest.ts'
import { encodeCanonical } from '../../src/core/codec/canonical.ts'
import { foldTimeline } from '../../src/core/messages/timeline.ts'
import { author } from '../feed/helpers.ts'
import { createAclViewTwin } from '../feed/twins.ts'
import { createWriter } from '../messages/writer.ts'

const alice = author(0)
const acl = createAclViewTwin()

describe('a shared file in the timeline', () => {
  it('folds into a supported message carrying its manifest; a delete removes it', async () => {
    const w = createWriter()
    const { manifest } = await chunkFile({ name: 'a.txt', mime: 'text/plain', bytes: new Uint8Array([1, 2, 3]) })
    const file = (await w.write(alice, FILE_TYPE, encodeManifest(manifest))).stored
    const [shown] = foldTimeline([file], { acl })
    expect(shown).toMatchObject({ type: FILE_TYPE, supported: true, file: manifest })
    const del = (await w.chat(alice, { type: 'chat/delete', target: file.hash })).stored
    const [gone] = foldTimeline([file, del], { acl })
    expect(gone).toMatchObject({ deleted: true })
    expect(gone!.file).toBeUndefined()
  })

  it('a manifest that breaks the rules shows as unsupported, never as a file', async () => {
    const w = createWriter()
    const bad = (await w.write(alice, FILE_TYPE, encodeCanonical({ name: 'a', mime: 'text/plain', size: 10, chunks: [] }))).stored
    const [shown] = foldTimeline([bad], { acl })
    expect(shown).toMatchObject({ type: FILE_TYPE, supported: false })
    expect(shown!.file).toBeUndefined()
  })
})
