import { useEffect, useId, useState } from 'react'
import type { AvatarInit } from '../../client/api.ts'
import { resizeAvatar } from '../avatar.ts'
import { ErrorText, messageOf } from './dialog.tsx'

/** A file input that resizes the picked image client-side and previews the result. */
export function AvatarPicker ({ value, onChange }: { value: AvatarInit | undefined, onChange: (avatar: AvatarInit | undefined) => void }) {
  const id = useId()
  const [error, setError] = useState<string>()
  const [preview, setPreview] = useState<string>()
  useEffect(() => {
    if (value == null) { setPreview(undefined); return }
    const url = URL.createObjectURL(new Blob([value.bytes as BlobPart], { type: value.mime }))
    setPreview(url)
    return () => { URL.revokeObjectURL(url) }
  }, [value])
  return (
    <div className='field avatar-picker'>
      <label htmlFor={id}>Avatar (optional)</label>
      <div className='row'>
        {preview != null && <img className='avatar' src={preview} alt='Avatar preview' width={48} height={48} />}
        <input
          id={id} type='file' accept='image/*' onChange={(e) => {
            const file = e.target.files?.[0]
            setError(undefined)
            if (file == null) { onChange(undefined); return }
            resizeAvatar(file).then(onChange, (err: unknown) => { setError(messageOf(err)); onChange(undefined) })
          }}
        />
        {value != null && <span className='hint'>{Math.ceil(value.bytes.byteLength / 1024)} KiB</span>}
      </div>
      <ErrorText error={error} />
    </div>
  )
}
