import { useState, type FormEvent } from 'react'
import type { RoomClient } from '../../client/api.ts'
import type { ChannelId } from '../../core/types.ts'
import { usePendingAction } from '../use-pending-action.ts'
import { Dialog, ErrorText } from './dialog.tsx'

/** A new text channel from the '+' beside the channel list, without going through room settings. */
export function CreateChannelDialog ({ room, onClose, onCreated }: { room: RoomClient, onClose: () => void, onCreated: (id: ChannelId) => void }) {
  const [name, setName] = useState('')
  const [topic, setTopic] = useState('')
  const { busy, error, run } = usePendingAction()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    run(async () => room.createChannel(name.trim().replace(/^#/, ''), topic.trim()), onCreated)
  }
  return (
    <Dialog title='Create a channel' onClose={onClose}>
      <form className='stack' onSubmit={submit}>
        <div className='field'>
          <label htmlFor='create-channel-name'>Channel name</label>
          <input id='create-channel-name' required autoFocus maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className='field'>
          <label htmlFor='create-channel-topic'>Topic (optional)</label>
          <input id='create-channel-topic' maxLength={1000} value={topic} onChange={(e) => setTopic(e.target.value)} />
        </div>
        <ErrorText error={error} />
        <div className='row end'>
          <button type='button' onClick={onClose}>Cancel</button>
          <button type='submit' className='primary' disabled={busy || name.trim().replace(/^#/, '') === ''}>Create channel</button>
        </div>
      </form>
    </Dialog>
  )
}
