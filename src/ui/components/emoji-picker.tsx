import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import Database from 'emoji-picker-element/database.js'
import type { Emoji } from 'emoji-picker-element/shared'
import dataUrl from 'emoji-picker-element-data/en/emojibase/data.json?url'

/** The newest emoji version Noto Color Emoji draws; newer data entries are left out, never shown as boxes. */
const EMOJI_VERSION = 16
const RECENT_COUNT = 16
const SEARCH_COUNT = 120

/** Emojibase's groups, in its order (2, skin-tone components, is not offered on its own). */
const groups = [
  { id: 0, name: 'Smileys and emotion', icon: '😀' },
  { id: 1, name: 'People and body', icon: '👋' },
  { id: 3, name: 'Animals and nature', icon: '🐱' },
  { id: 4, name: 'Food and drink', icon: '🍎' },
  { id: 5, name: 'Travel and places', icon: '🏠' },
  { id: 6, name: 'Activities', icon: '⚽' },
  { id: 7, name: 'Objects', icon: '💡' },
  { id: 8, name: 'Symbols', icon: '💕' },
  { id: 9, name: 'Flags', icon: '🏁' }
] as const

interface Shown { readonly unicode: string, readonly label: string }

/**
 * One emoji database for the page: emoji-picker-element's, which fetches emojibase data from the
 * app's own assets once, keeps it in IndexedDB, searches it and counts what the user picks.
 * Its ready web component is not used: it styles itself with inline style attributes, which the
 * page's CSP refuses.
 */
let database: Database | undefined
const db = (): Database => (database ??= new Database({ dataSource: dataUrl }))

const shownOf = (list: readonly Emoji[]): Shown[] => list.flatMap((e) =>
  'unicode' in e && e.version <= EMOJI_VERSION ? [{ unicode: e.unicode, label: e.annotation }] : [])

/**
 * Every emoji, by category, with search (names, shortcodes, tags) and the recently used first.
 * Loaded lazily: importing this module is what brings the emoji code and data into a page.
 */
export function EmojiPicker ({ label, onPick, onClose }: { label: string, onPick: (emoji: string) => void, onClose: () => void }) {
  const [query, setQuery] = useState('')
  const [group, setGroup] = useState<number>(groups[0].id)
  const [recent, setRecent] = useState<Shown[]>([])
  const [list, setList] = useState<Shown[]>()
  const [failed, setFailed] = useState<string>()
  const host = useRef<HTMLDivElement>(null)
  const searchId = useId()
  const closeRef = useRef(onClose)
  closeRef.current = onClose

  useEffect(() => {
    let live = true
    db().getTopFavoriteEmoji(RECENT_COUNT).then((r) => { if (live) setRecent(shownOf(r)) }, () => {})
    return () => { live = false }
  }, [])

  useEffect(() => {
    let live = true
    const q = query.trim()
    const load = q === '' ? db().getEmojiByGroup(group) : db().getEmojiBySearchQuery(q).then((r) => r.slice(0, SEARCH_COUNT))
    load.then((r) => { if (live) { setList(shownOf(r)); setFailed(undefined) } }, (err: unknown) => {
      if (live) setFailed(err instanceof Error ? err.message : String(err))
    })
    return () => { live = false }
  }, [query, group])

  useEffect(() => {
    const onOutside = (e: PointerEvent) => { if (host.current?.contains(e.target as Node) === false) closeRef.current() }
    document.addEventListener('pointerdown', onOutside)
    return () => document.removeEventListener('pointerdown', onOutside)
  }, [])

  const pick = (unicode: string) => {
    db().incrementFavoriteEmojiCount(unicode).catch(() => {})
    onPick(unicode)
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onClose() }
  }
  const current = useMemo(() => groups.find((g) => g.id === group)?.name ?? '', [group])
  const searching = query.trim() !== ''

  return (
    <div ref={host} className='emoji-picker' role='dialog' aria-label={label} onKeyDown={onKeyDown}>
      <label className='visually-hidden' htmlFor={searchId}>Search emoji</label>
      <input
        id={searchId} type='search' className='emoji-search' placeholder='Search emoji' autoFocus autoComplete='off'
        value={query} onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); const first = list?.[0]; if (first != null) pick(first.unicode) } }}
      />
      {!searching && (
        <div className='emoji-groups' role='group' aria-label='Categories'>
          {groups.map((g) => (
            <button key={g.id} type='button' aria-label={g.name} title={g.name} aria-pressed={g.id === group} onClick={() => setGroup(g.id)}>{g.icon}</button>
          ))}
        </div>
      )}
      <div className='emoji-scroll'>
        {!searching && recent.length > 0 && <EmojiGrid title='Recently used' emoji={recent} onPick={pick} />}
        {failed != null
          ? <p className='error' role='alert'>Emoji could not load: {failed}</p>
          : list == null
            ? <p className='hint' role='status'>Loading emoji…</p>
            : list.length === 0
              ? <p className='hint' role='status'>No emoji match “{query.trim()}”.</p>
              : <EmojiGrid title={searching ? 'Search results' : current} emoji={list} onPick={pick} />}
      </div>
    </div>
  )
}

function EmojiGrid ({ title, emoji, onPick }: { title: string, emoji: readonly Shown[], onPick: (unicode: string) => void }) {
  const titleId = useId()
  return (
    <section aria-labelledby={titleId}>
      <h3 id={titleId} className='emoji-grid-title'>{title}</h3>
      <div className='emoji-grid' role='group' aria-labelledby={titleId}>
        {emoji.map((e) => (
          <button key={e.unicode} type='button' className='emoji-cell' aria-label={e.label} title={e.label} onClick={() => onPick(e.unicode)}>{e.unicode}</button>
        ))}
      </div>
    </section>
  )
}

export default EmojiPicker
