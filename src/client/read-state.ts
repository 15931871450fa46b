import type { MetaStore } from '../core/storage.ts'
import type { ChannelId, RoomId } from '../core/types.ts'

/** What the user has seen of one channel, persisted so unread counts survive a reload. */
interface ChannelReadRecord {
  /** Channel message count when last marked read. */
  readonly seen: number
  /** Messages mentioning the user since then. */
  readonly mentions: number
}

/**
 * Unread counts without scanning history: unread = messages stored now minus those stored when
 * the channel was last read, and mentions are counted as they arrive. Both are O(1) per message,
 * which matters at 100,000 messages a channel.
 */
export interface ReadState {
  load (): Promise<void>
  unread (channel: ChannelId, total: number): number
  mentions (channel: ChannelId): number
  markRead (channel: ChannelId, total: number): Promise<void>
  mentioned (channel: ChannelId): Promise<void>
}

export function createReadState (meta: MetaStore, room: RoomId): ReadState {
  const prefix = `read/${room}/`
  const records = new Map<ChannelId, ChannelReadRecord>()
  const save = (channel: ChannelId, record: ChannelReadRecord): Promise<void> => {
    records.set(channel, record)
    return meta.put(prefix + channel, record)
  }
  return {
    async load () {
      for (const [key, value] of await meta.list<ChannelReadRecord>(prefix)) {
        records.set(key.slice(prefix.length) as ChannelId, value)
      }
    },
    unread: (channel, total) => Math.max(0, total - (records.get(channel)?.seen ?? 0)),
    mentions: (channel) => records.get(channel)?.mentions ?? 0,
    markRead: (channel, total) => save(channel, { seen: total, mentions: 0 }),
    mentioned: (channel) => {
      const now = records.get(channel) ?? { seen: 0, mentions: 0 }
      return save(channel, { ...now, mentions: now.mentions + 1 })
    }
  }
}
