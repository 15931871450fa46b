import { useCallback, useRef, useState, type ClipboardEvent, type DragEvent } from 'react'
import type { RoomClient } from '../../client/api.ts'
import type { ChannelId } from '../../core/types.ts'
import { makeThumbnail } from '../thumbnail.ts'
import { messageOf } from './dialog.tsx'
import { Icon } from './icons.tsx'

/** A media type as the manifest takes it: lower case, or a generic one when the browser gives none. */
const mimeOf = (file: File): string => /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(file.type.toLowerCase()) ? file.type.toLowerCase() : 'application/octet-stream'

/**
 * Sharing files from the composer: the button's picker, a paste and a drop all come here. Each file
 * is read, given a thumbnail when it is an image, and sent as its own message; an error (a file over
 * the room's cap) is shown, and the other files still go.
 */
export function useAttach (room: RoomClient, channel: ChannelId, enabled: boolean) {
  const [error, setError] = useState<string>()
  const [sending, setSending] = useState(0)
  const [dragging, setDragging] = useState(false)

  const attach = useCallback((files: readonly File[]) => {
    if (!enabled || files.length === 0) return
    setError(undefined)
    for (const file of files) {
      setSending((n) => n + 1)
      void (async () => {
        const max = room.maxFileBytes()
        if (file.size > max) throw new Error(`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MiB, over this room's limit of ${(max / 1024 / 1024).toFixed(0)} MiB per file`)
        const thumb = file.type.startsWith('image/') ? await makeThumbnail(file) : undefined
        await room.sendFile(channel, { name: file.name === '' ? 'pasted' : file.name, mime: mimeOf(file), bytes: new Uint8Array(await file.arrayBuffer()), ...(thumb != null ? { thumb } : {}) })
      })().catch((err: unknown) => { setError(messageOf(err)) }).finally(() => { setSending((n) => n - 1) })
    }
  }, [room, channel, enabled])

  const onPaste = useCallback((e: ClipboardEvent) => {
    const files = [...e.clipboardData.files]
    if (files.length === 0) return
    e.preventDefault()
    attach(files)
  }, [attach])
  const onDragOver = useCallback((e: DragEvent) => {
    if (!enabled || !e.dataTransfer.types.includes('Files')) return
    e.preventDefault()
    setDragging(true)
  }, [enabled])
  const onDragLeave = useCallback(() => { setDragging(false) }, [])
  const onDrop = useCallback((e: DragEvent) => {
    setDragging(false)
    if (e.dataTransfer.files.length === 0) return
    e.preventDefault()
    attach([...e.dataTransfer.files])
  }, [attach])

  return { attach, error, sending, dragging, dropHandlers: { onDragOver, onDragLeave, onDrop }, onPaste }
}

/** The composer's attach button: opens the file picker. */
export function AttachButton ({ disabled, onFiles }: { disabled: boolean, onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <button type='button' className='icon-button attach' aria-label='Attach files' title='Attach files' disabled={disabled} onClick={() => input.current?.click()}>
        <Icon name='plus' />
      </button>
      <input
        ref={input} type='file' multiple hidden aria-hidden='true' tabIndex={-1} data-testid='attach-input'
        onChange={(e) => { onFiles([...(e.target.files ?? [])]); e.target.value = '' }}
      />
    </>
  )
}
