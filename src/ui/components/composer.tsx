import { lazy, Suspense, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react'
import type { ChannelSnapshot, MemberSnapshot, MessageSnapshot, RoomClient } from '../../client/api.ts'
import type { AuthorId } from '../../core/types.ts'
import { AttachButton, useAttach } from './attach.tsx'
import '../emoji-font.ts'
import '../chat-features.css'
import { ErrorText, messageOf } from './dialog.tsx'
import { Icon } from './icons.tsx'
import { LengthMeter, tooLong } from './length-meter.tsx'

const EmojiPicker = lazy(() => import('./emoji-picker.tsx'))

/** The `@query` being typed just before the caret, if any. */
const mentionQuery = /(?:^|\s)@([^\s@]{0,32})$/

/**
 * The message box: Enter sends, Shift+Enter breaks the line, `@` opens member suggestions
 * (arrows + Enter/Tab pick one), Up in an empty box edits one's last message, and typing is
 * announced (the client rate-limits it). A text over the protocol's limit is refused, never cut.
 * `tools` is the slot left of the emoji button for more inputs (attachments).
 */
export function Composer ({ room, channel, members, canPost, replyTo, replyName, onCancelReply, onSent, onEditLast, tools }: {
  room: RoomClient
  channel: ChannelSnapshot
  members: readonly MemberSnapshot[]
  canPost: boolean
  replyTo: MessageSnapshot | undefined
  replyName: string | undefined
  onCancelReply: () => void
  onSent: () => void
  /** Starts editing the user's newest message here; false when there is none. */
  onEditLast?: () => boolean
  tools?: ReactNode
}) {
  const [text, setText] = useState('')
  const [caret, setCaret] = useState(0)
  const [active, setActive] = useState(0)
  const [picked, setPicked] = useState<ReadonlyMap<string, AuthorId>>(new Map())
  const [error, setError] = useState<string>()
  const [emojiOpen, setEmojiOpen] = useState(false)
  const ref = useRef<HTMLTextAreaElement>(null)
  const listId = useId()
  const files = useAttach(room, channel.id, canPost)
  const meterId = useId()

  const query = mentionQuery.exec(text.slice(0, caret))?.[1]
  const suggestions = query == null
    ? []
    : members.filter((m) => !m.banned && m.name.toLowerCase().startsWith(query.toLowerCase())).slice(0, 8)
  const open = suggestions.length > 0
  const refused = tooLong(text)

  const replaceAt = (start: number, end: number, insert: string) => {
    const next = text.slice(0, start) + insert + text.slice(end)
    const at = start + insert.length
    setText(next)
    setCaret(at)
    requestAnimationFrame(() => { ref.current?.focus(); ref.current?.setSelectionRange(at, at) })
  }

  const pick = (member: MemberSnapshot) => {
    const before = text.slice(0, caret)
    const start = before.search(/@[^\s@]*$/)
    replaceAt(start, caret, `@${member.name} `)
    setPicked((p) => new Map(p).set(member.name, member.id))
  }

  const insertEmoji = (emoji: string) => {
    const el = ref.current
    replaceAt(el?.selectionStart ?? caret, el?.selectionEnd ?? caret, emoji)
    setEmojiOpen(false)
  }

  const send = (e?: FormEvent) => {
    e?.preventDefault()
    const body = text.trim()
    if (body === '' || !canPost || tooLong(body)) return
    const mentions = [...picked].filter(([name]) => body.includes(`@${name}`)).map(([, id]) => id)
    setText('')
    setPicked(new Map())
    setError(undefined)
    onSent()
    room.send(channel.id, body, { ...(replyTo != null ? { replyTo: replyTo.hash } : {}), mentions }).catch((err: unknown) => {
      setText(body)
      setError(messageOf(err))
    })
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault()
        setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length)
        return
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault()
        const member = suggestions[Math.min(active, suggestions.length - 1)]
        if (member != null) pick(member)
        return
      }
    }
    if (e.key === 'ArrowUp' && text === '' && onEditLast?.() === true) { e.preventDefault(); return }
    if (e.key === 'Escape' && replyTo != null) { onCancelReply(); return }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) send(e)
  }

  return (
    <form className={files.dragging ? 'composer dropping' : 'composer'} onSubmit={send} {...files.dropHandlers}>
      {replyTo != null && (
        <div className='replying'>
          <span>Replying to <strong>{replyName}</strong></span>
          <button type='button' className='icon-button' aria-label='Cancel reply' onClick={onCancelReply}><Icon name='close' size={14} /></button>
        </div>
      )}
      {open && (
        <ul className='mention-list' id={listId} role='listbox' aria-label='Members to mention'>
          {suggestions.map((m, i) => (
            <li
              key={m.id} id={`${listId}-${i}`} role='option' aria-selected={i === active % suggestions.length}
              onMouseDown={(e) => { e.preventDefault(); pick(m) }}
            >
              @{m.name} <span className='hint'>{m.role}</span>
            </li>
          ))}
        </ul>
      )}
      {emojiOpen && (
        <div className='composer-emoji'>
          <Suspense fallback={<p className='hint' role='status'>Loading emoji…</p>}>
            <EmojiPicker label='Insert an emoji' onPick={insertEmoji} onClose={() => setEmojiOpen(false)} />
          </Suspense>
        </div>
      )}
      <ErrorText error={error ?? files.error} />
      {files.sending > 0 && <p className='hint' role='status'>Sharing {files.sending} {files.sending === 1 ? 'file' : 'files'}…</p>}
      <LengthMeter text={text} id={meterId} />
      <div className='composer-box'>
        <AttachButton disabled={!canPost} onFiles={files.attach} />
        <textarea
          ref={ref} rows={1} value={text} disabled={!canPost}
          aria-label={`Message #${channel.name}`}
          aria-invalid={refused}
          aria-describedby={meterId}
          placeholder={canPost ? `Message #${channel.name}` : channel.archived ? 'This channel is archived' : 'You do not have permission to post here'}
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${active % suggestions.length}` : undefined}
          onChange={(e) => {
            setText(e.target.value)
            setCaret(e.target.selectionStart)
            setActive(0)
            if (e.target.value !== '') room.typing(channel.id)
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={files.onPaste}
        />
        <div className='composer-tools'>
          {tools}
          <button
            type='button' className='icon-button' aria-label='Insert emoji' title='Emoji' aria-expanded={emojiOpen} disabled={!canPost}
            onClick={() => setEmojiOpen((o) => !o)}
          ><Icon name='smile' />
          </button>
        </div>
        <button type='submit' className='primary send' disabled={!canPost || text.trim() === '' || refused}>Send</button>
      </div>
    </form>
  )
}
