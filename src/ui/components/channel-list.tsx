import type { ChannelSnapshot } from '../../client/api.ts'
import type { ChannelId } from '../../core/types.ts'
import { Icon } from './icons.tsx'

/**
 * Text channels with unread weight and mention badges; archived ones folded under their own heading.
 * `onCreate` (given only to those who may manage channels) adds the '+' beside the heading.
 */
export function ChannelList ({ channels, selected, onSelect, onCreate }: {
  channels: readonly ChannelSnapshot[]
  selected: ChannelId | undefined
  onSelect: (id: ChannelId) => void
  onCreate?: (() => void) | undefined
}) {
  const open = channels.filter((c) => !c.archived)
  const archived = channels.filter((c) => c.archived)
  return (
    <nav className='channel-list' aria-label='Channels'>
      <div className='section-head'>
        <h3 className='section-title'>Text channels</h3>
        {onCreate != null && <button type='button' className='icon-button' aria-label='Create a channel' title='Create a channel' onClick={onCreate}><Icon name='plus' size={16} /></button>}
      </div>
      <ChannelItems channels={open} selected={selected} onSelect={onSelect} />
      {archived.length > 0 && (
        <>
          <h3 className='section-title'>Archived</h3>
          <ChannelItems channels={archived} selected={selected} onSelect={onSelect} />
        </>
      )}
    </nav>
  )
}

function ChannelItems ({ channels, selected, onSelect }: { channels: readonly ChannelSnapshot[], selected: ChannelId | undefined, onSelect: (id: ChannelId) => void }) {
  return (
    <ul>
      {channels.map((c) => {
        const label = `${c.name}${c.mentions > 0 ? `, ${c.mentions} mentions` : ''}${c.unread > 0 ? `, ${c.unread} unread` : ''}`
        return (
          <li key={c.id}>
            <button
              type='button' aria-label={label} aria-current={c.id === selected ? 'page' : undefined}
              className={`channel${c.id === selected ? ' selected' : ''}${c.unread > 0 ? ' unread' : ''}`} onClick={() => onSelect(c.id)}
            >
              <span className='hash' aria-hidden='true'>#</span>
              <span className='channel-name'>{c.name}</span>
              {c.mentions > 0 && <span className='badge' aria-hidden='true'>{c.mentions}</span>}
            </button>
          </li>
        )
      })}
    </ul>
  )
}
