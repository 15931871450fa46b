// Bench-only page: the app's real MessageList over an in-memory twin of RoomClient holding
// 100,000 messages, so the list's smoothness is measured apart from storage and network speed.
import { createRoot } from 'react-dom/client'
import type { MessageSnapshot, PeerClient, RoomClient } from '../../src/client/api.ts'
import { asAuthorId, asChannelId, asEntryHash, asRoomId } from '../../src/core/types.ts'
import { ClientContext } from '../../src/ui/client-context.ts'
import { MessageList, type MessageActions } from '../../src/ui/components/message-list.tsx'
import { createTimelineWindow } from '../../src/ui/timeline-store.ts'
import '../../src/ui/styles.css'

declare global { interface Window { twinReady?: boolean } }

const total = Number(new URLSearchParams(location.search).get('n') ?? 100_000)
const channel = asChannelId('twin-channel')
const authors = [asAuthorId('a'.repeat(64)), asAuthorId('b'.repeat(64)), asAuthorId('c'.repeat(64))]
const start = Date.now() - total * 30_000
const messageAt = (i: number): MessageSnapshot => ({
  hash: asEntryHash(`twin-${i}`),
  channel,
  author: authors[i % 3]!,
  seq: i,
  lamport: i,
  sentAt: start + i * 30_000,
  type: 'chat/text',
  text: i % 7 === 0 ? `Message **${i}** with \`code\`, a [link](https://example.org/${i}) and\na second line` : `Message ${i}`,
  edited: false,
  deleted: false,
  pinned: false,
  mentions: [],
  reactions: i % 11 === 0 ? [{ emoji: '👍', by: [authors[0]!] }] : [],
  late: false,
  supported: true
})

/** In-memory twin of the two RoomClient calls the list makes. */
const room = {
  id: asRoomId('twin-room'),
  timeline: async (_c: unknown, w: { offset: number, limit: number }) => {
    await Promise.resolve()
    const end = Math.min(total, w.offset + w.limit)
    return { channel, total, offset: w.offset, messages: Array.from({ length: Math.max(0, end - w.offset) }, (_, j) => messageAt(w.offset + j)) }
  },
  markRead: () => {}
} as unknown as RoomClient
const client = { events: { on: () => () => {} }, profile: () => undefined } as unknown as PeerClient
const noop = (): void => {}
const actions: MessageActions = {
  me: authors[0], nameOf: (id) => `User ${id.slice(0, 1)}`, canDeleteOthers: false, canPin: false, canWrite: true, editing: undefined,
  reply: noop, startEdit: noop, cancelEdit: noop, saveEdit: noop, askDelete: noop, react: noop, pin: noop
}

createRoot(document.getElementById('root')!).render(
  <ClientContext.Provider value={client}>
    <MessageList room={room} channel={{ id: channel, name: 'twin', topic: '', archived: false, unread: 0, mentions: 0 }} timeline={createTimelineWindow(room, channel)} actions={actions} />
  </ClientContext.Provider>
)
window.twinReady = true
