import { useState, type FormEvent } from 'react'
import { RoomPolicy } from '../../client/api.ts'
import type { RoomId } from '../../core/types.ts'
import { useClient } from '../client-context.ts'
import { usePendingAction } from '../use-pending-action.ts'
import { Dialog, ErrorText } from './dialog.tsx'

/** A new room signed by your key: its id commits to your key, its name and a nonce. */
export function CreateRoomDialog ({ onClose, onCreated }: { onClose: () => void, onCreated: (id: RoomId) => void }) {
  const client = useClient()
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [tags, setTags] = useState('')
  const [policy, setPolicy] = useState<RoomPolicy>(RoomPolicy.InviteOnly)
  const { busy, error, run } = usePendingAction()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const tagList = tags.split(',').map((t) => t.trim()).filter(Boolean)
    run(async () => client.createRoom({ name: name.trim(), description: description.trim(), tags: tagList, policy }), onCreated)
  }
  return (
    <Dialog title='Create a room' onClose={onClose}>
      <form className='stack' onSubmit={submit}>
        <div className='field'>
          <label htmlFor='room-name'>Room name</label>
          <input id='room-name' required maxLength={80} autoFocus value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className='field'>
          <label htmlFor='room-description'>Description</label>
          <textarea id='room-description' rows={2} maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <div className='field'>
          <label htmlFor='room-tags'>Tags (comma separated)</label>
          <input id='room-tags' value={tags} onChange={(e) => setTags(e.target.value)} />
        </div>
        <fieldset className='field'>
          <legend>Who can join</legend>
          <label className='choice'>
            <input type='radio' name='policy' checked={policy === RoomPolicy.InviteOnly} onChange={() => setPolicy(RoomPolicy.InviteOnly)} />
            Invite only — people need an invite link or QR code you create
          </label>
          <label className='choice'>
            <input type='radio' name='policy' checked={policy === RoomPolicy.Open} onChange={() => setPolicy(RoomPolicy.Open)} />
            Open — anyone with the room link can join and post
          </label>
        </fieldset>
        <ErrorText error={error} />
        <button type='submit' className='primary' disabled={busy || name.trim() === ''}>{busy ? 'Creating…' : 'Create room'}</button>
      </form>
    </Dialog>
  )
}
