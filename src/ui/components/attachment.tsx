import { createContext, useContext, useEffect, useMemo, useState } from 'react'
import type { AttachmentSnapshot, MessageSnapshot, RoomClient } from '../../client/api.ts'
import { isImage } from '../../core/blob/manifest.ts'
import { useEventVersion } from '../hooks.ts'
import { Dialog } from './dialog.tsx'

/** The room whose messages are shown below: attachments read their bytes through it. */
export const AttachmentRoom = createContext<RoomClient | null>(null)

const formatSize = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`

/** How much of the message's file is here, updated on every `blob` event for it. */
function useAttachment (room: RoomClient, message: MessageSnapshot): AttachmentSnapshot | undefined {
  const v = useEventVersion('blob', (d) => d.room === room.id && d.message === message.hash, message.hash)
  return useMemo(() => room.attachment(message), [room, message, v])
}

/** An object URL of the part once it is here; revoked when the component goes. */
function useObjectUrl (room: RoomClient, message: MessageSnapshot, part: 'thumb' | 'file', ready: boolean): string | undefined {
  const [url, setUrl] = useState<string>()
  useEffect(() => {
    if (!ready) return
    let made: string | undefined
    let live = true
    room.attachmentBlob(message, part).then((blob) => {
      if (!live) return
      made = URL.createObjectURL(blob)
      setUrl(made)
    }, () => undefined)
    return () => { live = false; if (made != null) URL.revokeObjectURL(made) }
  }, [room, message, part, ready])
  return url
}

/** A shared file in a message: an image inline (click for the large view), any other file as a card. */
export function Attachment ({ message }: { message: MessageSnapshot }) {
  const room = useContext(AttachmentRoom)
  if (room == null || message.file == null) return null
  return isImage(message.file) && message.file.thumb != null ? <ImageAttachment room={room} message={message} /> : <FileCard room={room} message={message} />
}

function Progress ({ state }: { state: AttachmentSnapshot | undefined }) {
  if (state == null || state.complete) return null
  return <span className='meta attachment-progress'>{state.fetching ? `downloading ${state.have} of ${state.total} chunks` : `${state.have} of ${state.total} chunks here, waiting for a peer who has it`}</span>
}

function ImageAttachment ({ room, message }: { room: RoomClient, message: MessageSnapshot }) {
  const file = message.file!
  const thumb = file.thumb!
  const state = useAttachment(room, message)
  const thumbUrl = useObjectUrl(room, message, 'thumb', state?.thumbReady === true)
  const [open, setOpen] = useState(false)
  return (
    <figure className='attachment image-attachment'>
      <button type='button' className='image-open' aria-label={`View ${file.name} large`} onClick={() => setOpen(true)}>
        {thumbUrl != null
          ? <img src={thumbUrl} alt={file.name} width={thumb.width} height={thumb.height} />
          : <span className='image-placeholder' style={{ aspectRatio: `${thumb.width} / ${thumb.height}`, width: thumb.width }} aria-label={`${file.name}, loading`} />}
      </button>
      <figcaption className='meta'>{file.name} · {formatSize(file.size)} <Progress state={state} /></figcaption>
      {open && <ImageViewer room={room} message={message} complete={state?.complete === true} onClose={() => setOpen(false)} />}
    </figure>
  )
}

function ImageViewer ({ room, message, complete, onClose }: { room: RoomClient, message: MessageSnapshot, complete: boolean, onClose: () => void }) {
  const file = message.file!
  const url = useObjectUrl(room, message, 'file', complete)
  return (
    <Dialog title={file.name} onClose={onClose} wide>
      {url != null ? <img className='image-large' src={url} alt={file.name} /> : <p className='hint'>The full image is still downloading…</p>}
      {url != null && <p className='row end'><a className='button' href={url} download={file.name}>Download</a></p>}
    </Dialog>
  )
}

function FileCard ({ room, message }: { room: RoomClient, message: MessageSnapshot }) {
  const file = message.file!
  const state = useAttachment(room, message)
  const url = useObjectUrl(room, message, 'file', state?.complete === true)
  return (
    <div className='attachment file-card' role='group' aria-label={`File ${file.name}`}>
      <div className='file-info'>
        <span className='file-name'>{file.name}</span>
        <span className='meta file-size'>{formatSize(file.size)}</span>
        <Progress state={state} />
      </div>
      {url != null
        ? <a className='button' href={url} download={file.name}>Download</a>
        : <button type='button' disabled>Download</button>}
    </div>
  )
}
