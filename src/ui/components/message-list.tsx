import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { ChannelSnapshot, MessageSnapshot, RoomClient } from '../../client/api.ts'
import type { AuthorId, EntryHash } from '../../core/types.ts'
import type { TimelineWindow } from '../timeline-store.ts'
import { firstTime, useNavigation } from '../navigation.ts'
import { MessageItem } from './message-item.tsx'

/** What a message row may do; handed down once instead of a dozen props. */
export interface MessageActions {
  readonly me: AuthorId | undefined
  readonly nameOf: (id: AuthorId) => string
  readonly canDeleteOthers: boolean
  readonly canPin: boolean
  /** Whether the user may write here at all (post permission, channel not archived): gates reply, react, edit, delete, pin. */
  readonly canWrite: boolean
  readonly editing: EntryHash | undefined
  readonly reply: (m: MessageSnapshot) => void
  readonly startEdit: (m: MessageSnapshot) => void
  readonly cancelEdit: () => void
  readonly saveEdit: (m: MessageSnapshot, text: string) => void
  readonly askDelete: (m: MessageSnapshot) => void
  readonly react: (m: MessageSnapshot, emoji: string, on: boolean) => void
  readonly pin: (m: MessageSnapshot, on: boolean) => void
}

/** Distance from the bottom (px) within which new messages keep the view pinned to the end. */
const stickThreshold = 48

/**
 * The channel history as a virtualised list: only the rows on screen exist in the DOM, and only
 * the pages around them are held (see TimelineWindow), so 100,000 messages scroll like 100.
 */
export function MessageList ({ room, channel, timeline, actions }: { room: RoomClient, channel: ChannelSnapshot, timeline: TimelineWindow, actions: MessageActions }) {
  useSyncExternalStore(timeline.subscribe, timeline.version)
  const scrollRef = useRef<HTMLDivElement>(null)
  const atBottom = useRef(true)
  const total = timeline.total() ?? 0
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 64,
    overscan: 12
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items.at(-1)?.index ?? 0

  useEffect(() => {
    if (total > 0) timeline.request(first, last + 1)
  }, [timeline, first, last, total])

  // Keep the newest message in view while the user is at the bottom, and mark the channel read.
  useLayoutEffect(() => {
    const el = scrollRef.current
    if (el == null || !atBottom.current) return
    el.scrollTop = el.scrollHeight
  })
  useEffect(() => {
    if (total === 0) return
    if (atBottom.current) virtualizer.scrollToIndex(total - 1, { align: 'end' })
  }, [total, virtualizer])
  useEffect(() => {
    const markIfSeen = () => { if (atBottom.current && !document.hidden) room.markRead(channel.id) }
    markIfSeen()
    document.addEventListener('visibilitychange', markIfSeen)
    return () => document.removeEventListener('visibilitychange', markIfSeen)
  }, [room, channel.id, total, channel.unread])

  const jumpTo = useCallback((hash: EntryHash) => {
    const index = timeline.indexOf(hash)
    if (index === undefined) return
    atBottom.current = false
    virtualizer.scrollToIndex(index, { align: 'center' })
  }, [timeline, virtualizer])

  // A search result or a pin opened here: scroll to it, wherever it is in the history, and mark it.
  const target = useNavigation()
  const [focused, setFocused] = useState<EntryHash>()
  useEffect(() => {
    if (target?.channel !== channel.id || target.message == null) return
    const hash = target.message
    let live = true
    room.locate(channel.id, hash).then((index) => {
      if (!live || index === undefined || !firstTime(target, 'message')) return
      atBottom.current = false
      setFocused(hash)
      virtualizer.scrollToIndex(index, { align: 'center' })
    }, () => {})
    return () => { live = false }
  }, [target, room, channel.id, virtualizer])

  const onScroll = () => {
    const el = scrollRef.current
    if (el == null) return
    const was = atBottom.current
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < stickThreshold
    if (atBottom.current && !was && !document.hidden) room.markRead(channel.id)
  }

  return (
    <div ref={scrollRef} className='messages' onScroll={onScroll} tabIndex={0} aria-label={`Messages in #${channel.name}`}>
      {total === 0 && timeline.total() !== undefined && (
        <div className='empty'>
          <h2>Welcome to #{channel.name}</h2>
          <p>This is the start of the channel. Say hello!</p>
        </div>
      )}
      <div role='list' className='messages-inner' style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const message = timeline.at(item.index)
          return (
            <div
              key={item.key} role='listitem' data-index={item.index} ref={virtualizer.measureElement}
              className={message != null && message.hash === focused ? 'message-row focused' : 'message-row'} style={{ transform: `translateY(${item.start}px)` }}
            >
              {message == null
                ? <div className='message placeholder' aria-label='Loading message'>…</div>
                : <MessageItem message={message} previous={item.index > 0 ? timeline.at(item.index - 1) : undefined} replied={message.replyTo != null ? timeline.find(message.replyTo) : undefined} actions={actions} onJump={jumpTo} />}
            </div>
          )
        })}
      </div>
    </div>
  )
}
