import { lazy, memo, Suspense, useId, useMemo, useState, type KeyboardEvent } from 'react'
import type { MessageSnapshot } from '../../client/api.ts'
import type { EntryHash } from '../../core/types.ts'
import { dayKey, formatDay, formatFull, formatTime } from '../format.ts'
import { markdownToText, renderMarkdown } from '../markdown.ts'
import { Attachment } from './attachment.tsx'
import { Avatar } from './avatar.tsx'
import { Icon } from './icons.tsx'
import { LengthMeter, tooLong } from './length-meter.tsx'
import type { MessageActions } from './message-list.tsx'

/** Consecutive messages by one author within this gap share a header, as in Discord. */
const groupGapMs = 7 * 60_000
const quickReactions = ['👍', '❤️', '😂', '🎉', '😮', '😢'] as const
const EmojiPicker = lazy(() => import('./emoji-picker.tsx'))

/** One message: header (or grouped), reply preview, safe markdown, reactions, and its actions. */
export const MessageItem = memo(function MessageItem ({ message: m, previous, replied, actions, onJump }: {
  message: MessageSnapshot
  previous: MessageSnapshot | undefined
  replied: MessageSnapshot | undefined
  actions: MessageActions
  onJump: (hash: EntryHash) => void
}) {
  const [picking, setPicking] = useState(false)
  const [pickingAny, setPickingAny] = useState(false)
  const mine = m.author === actions.me
  const newDay = previous == null || dayKey(previous.sentAt) !== dayKey(m.sentAt)
  const grouped = !newDay && previous != null && previous.author === m.author && m.replyTo == null && m.sentAt - previous.sentAt < groupGapMs
  const mentionsMe = actions.me != null && m.mentions.includes(actions.me)
  const name = actions.nameOf(m.author)
  const editing = actions.editing === m.hash
  const classes = ['message', grouped ? 'grouped' : '', mentionsMe ? 'mentioned' : '', m.late ? 'late' : '', m.pinned ? 'pinned' : ''].filter(Boolean).join(' ')

  return (
    <>
      {newDay && <div className='day-separator' role='separator' aria-label={formatDay(m.sentAt)}><span>{formatDay(m.sentAt)}</span></div>}
      <article
        className={classes} aria-label={`${name}, ${formatTime(m.sentAt)}`} data-hash={m.hash}
        onKeyDown={(e) => { if (picking && e.key === 'Escape') { e.stopPropagation(); setPicking(false) } }}
      >
        {m.replyTo != null && (
          <div className='reply-preview'>
            <span aria-hidden='true'>↪</span>
            {replied != null
              ? (
                <button type='button' className='reply-jump' aria-label={`Go to the message by ${actions.nameOf(replied.author)} this replies to`} onClick={() => onJump(replied.hash)}>
                  <strong>{actions.nameOf(replied.author)}</strong> <span className='snippet'>{replied.deleted ? 'deleted message' : markdownToText(replied.text ?? '').slice(0, 120)}</span>
                </button>)
              : <span className='snippet'>a message further up</span>}
          </div>
        )}
        <div className='message-body'>
          {grouped
            ? <time className='gutter-time' dateTime={new Date(m.sentAt).toISOString()} title={formatFull(m.sentAt)}>{formatTime(m.sentAt)}</time>
            : <Avatar author={m.author} name={name} />}
          <div className='message-main'>
            {!grouped && (
              <header className='message-head'>
                <span className='author'>{name}</span>
                <time dateTime={new Date(m.sentAt).toISOString()} title={formatFull(m.sentAt)}>{formatTime(m.sentAt)}</time>
                {m.pinned && <span className='tag'>pinned</span>}
              </header>
            )}
            {editing ? <EditBox message={m} actions={actions} /> : m.file != null && !m.deleted ? <Attachment message={m} /> : <MessageText message={m} />}
            <div className='message-meta'>
              {m.edited && !m.deleted && <span className='meta'>(edited)</span>}
              {m.late && <span className='tag late-tag' title='Arrived after later messages: backfilled by history sync'>late</span>}
              {mine && m.reachedPeers !== undefined && <Delivery peers={m.reachedPeers} />}
            </div>
            {m.reactions.length > 0 && (
              <div className='reactions'>
                {m.reactions.map((r) => {
                  const on = actions.me != null && r.by.includes(actions.me)
                  return (
                    <button
                      key={r.emoji} type='button' className='reaction' aria-pressed={on} disabled={!actions.canWrite}
                      aria-label={`${r.emoji} ${r.by.length}, ${r.by.map(actions.nameOf).join(', ')}`} onClick={() => actions.react(m, r.emoji, !on)}
                    >
                      {r.emoji} <span>{r.by.length}</span>
                    </button>
                  )
                })}
              </div>
            )}
          </div>
        </div>
        {!m.deleted && !editing && (
          <div className='message-actions' role='toolbar' aria-label='Message actions'>
            {actions.canWrite && <button type='button' aria-label='Add reaction' aria-expanded={picking} onClick={() => setPicking((p) => !p)}><Icon name='smile' /></button>}
            {actions.canWrite && <button type='button' aria-label='Reply' onClick={() => actions.reply(m)}><Icon name='reply' /></button>}
            {actions.canWrite && mine && m.supported && m.file == null && <button type='button' aria-label='Edit' onClick={() => actions.startEdit(m)}><Icon name='edit' /></button>}
            {actions.canWrite && actions.canPin && <button type='button' aria-label={m.pinned ? 'Unpin' : 'Pin'} onClick={() => actions.pin(m, !m.pinned)}><Icon name='pin' /></button>}
            {actions.canWrite && (mine || actions.canDeleteOthers) && <button type='button' className='danger-text' aria-label='Delete' onClick={() => actions.askDelete(m)}><Icon name='trash' /></button>}
          </div>
        )}
        {picking && actions.canWrite && (
          <div className='reaction-picker' role='group' aria-label='Pick a reaction'>
            {quickReactions.map((emoji) => (
              <button key={emoji} type='button' aria-label={`React with ${emoji}`} autoFocus={emoji === quickReactions[0]} onClick={() => { setPicking(false); actions.react(m, emoji, true) }}>{emoji}</button>
            ))}
            <button type='button' aria-label='More reactions' onClick={() => { setPicking(false); setPickingAny(true) }}><Icon name='plus' /></button>
          </div>
        )}
        {pickingAny && (
          <div className='reaction-more'>
            <Suspense fallback={<p className='hint' role='status'>Loading emoji…</p>}>
              <EmojiPicker label='React with any emoji' onPick={(emoji) => { setPickingAny(false); actions.react(m, emoji, true) }} onClose={() => setPickingAny(false)} />
            </Suspense>
          </div>
        )}
      </article>
    </>
  )
})

function MessageText ({ message: m }: { message: MessageSnapshot }) {
  const html = useMemo(() => m.text != null ? renderMarkdown(m.text) : '', [m.text])
  if (m.deleted) return <p className='message-text deleted'>This message was deleted.</p>
  if (!m.supported) return <p className='message-text unsupported'>Unsupported message type <code>{m.type}</code>: this version cannot show it.</p>
  return <div className='message-text markdown' dangerouslySetInnerHTML={{ __html: html }} />
}

function EditBox ({ message, actions }: { message: MessageSnapshot, actions: MessageActions }) {
  const [text, setText] = useState(message.text ?? '')
  const meterId = useId()
  const save = () => { if (text.trim() !== '' && !tooLong(text)) actions.saveEdit(message, text) }
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') { e.preventDefault(); actions.cancelEdit() }
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); save() }
  }
  return (
    <div className='edit-box'>
      <textarea aria-label='Edit message' autoFocus value={text} aria-invalid={tooLong(text)} aria-describedby={meterId} onChange={(e) => setText(e.target.value)} onKeyDown={onKey} />
      <LengthMeter text={text} id={meterId} />
      <div className='row'>
        <span className='hint'>Escape to cancel · Enter to save</span>
        <button type='button' onClick={actions.cancelEdit}>Cancel</button>
        <button type='button' className='primary' onClick={save}>Save</button>
      </div>
    </div>
  )
}

function Delivery ({ peers }: { peers: number }) {
  return peers === 0
    ? <span className='meta delivery pending' title='Stored here; it will sync when a peer comes online'>◌ not yet delivered</span>
    : <span className='meta delivery' title='Peers that received this message'>✓ reached {peers} {peers === 1 ? 'peer' : 'peers'}</span>
}
