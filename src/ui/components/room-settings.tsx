import { useState, type FormEvent, type ReactNode } from 'react'
import { Capability, RoomPolicy, type RoomClient, type RoomSnapshot } from '../../client/api.ts'
import type { AuthorId } from '../../core/types.ts'
import { useClient } from '../client-context.ts'
import { fingerprintOfAuthor, formatFull, shortId } from '../format.ts'
import { Dialog, ErrorText, messageOf } from './dialog.tsx'

const allCapabilities = Object.values(Capability)

/**
 * Room settings, each section shown only when the authority log gives the user that power
 * (peers enforce it anyway): details and policy, channels, roles, bans, and what moderators audit.
 */
export function RoomSettings ({ room, snapshot, onClose }: { room: RoomClient, snapshot: RoomSnapshot, onClose: () => void }) {
  const caps = snapshot.myCapabilities
  const [error, setError] = useState<string>()
  const run = (action: Promise<void>) => {
    setError(undefined)
    action.catch((err: unknown) => setError(messageOf(err)))
  }
  const names = new Map(snapshot.members.map((m) => [m.id, m.name]))
  const nameOf = (id: AuthorId): string => names.get(id) ?? shortId(id)
  const moderates = caps.has(Capability.Ban) || caps.has(Capability.Delete)
  return (
    <Dialog title={`${snapshot.name} settings`} onClose={onClose} wide>
      <ErrorText error={error} />
      <Details room={room} snapshot={snapshot} run={run} />
      {caps.has(Capability.ManageChannels) && <Channels room={room} snapshot={snapshot} run={run} />}
      <Roles room={room} snapshot={snapshot} run={run} />
      {caps.has(Capability.Ban) && (
        <Section title='Bans'>
          {snapshot.bans.length === 0
            ? <p className='hint'>Nobody is banned.</p>
            : (
              <ul className='plain'>
                {snapshot.bans.map((b) => (
                  <li key={b.target} className='row'>
                    <span><strong>{nameOf(b.target)}</strong> — {b.reason !== '' ? `“${b.reason}”` : 'no reason given'}, by {nameOf(b.by)}, {formatFull(b.at)}</span>
                    <button type='button' onClick={() => run(room.unban(b.target))}>Unban</button>
                  </li>
                ))}
              </ul>)}
        </Section>
      )}
      {moderates && (
        <Section title='Audit'>
          <h4>Forked authors</h4>
          {snapshot.forkedAuthors.length === 0
            ? <p className='hint'>No author has signed two different entries at one position.</p>
            : <ul className='plain'>{snapshot.forkedAuthors.map((a) => <li key={a}>{nameOf(a)} <span className='fingerprint'>{fingerprintOfAuthor(a)}</span></li>)}</ul>}
          <h4>Rejected entries</h4>
          {snapshot.rejected.length === 0
            ? <p className='hint'>No entries were refused.</p>
            : (
              <table className='peers'>
                <thead><tr><th scope='col'>Author</th><th scope='col'>Reason</th><th scope='col'>Detail</th><th scope='col'>When</th></tr></thead>
                <tbody>
                  {snapshot.rejected.slice(-100).map((r, i) => (
                    <tr key={i}><td>{nameOf(r.author)}</td><td>{r.reason}</td><td>{r.detail}</td><td>{formatFull(r.at)}</td></tr>
                  ))}
                </tbody>
              </table>)}
        </Section>
      )}
      <LeaveRoom room={room} onLeft={onClose} />
    </Dialog>
  )
}

/** Leaving drops the room from this browser's list; its history lives on with the other members. */
function LeaveRoom ({ room, onLeft }: { room: RoomClient, onLeft: () => void }) {
  const client = useClient()
  const [sure, setSure] = useState(false)
  const [error, setError] = useState<string>()
  return (
    <Section title='Leave'>
      {sure
        ? (
          <div className='row'>
            <span>Leave this room? It leaves your list; the other members keep its history.</span>
            <button type='button' onClick={() => setSure(false)}>Stay</button>
            <button type='button' className='danger' onClick={() => { client.leaveRoom(room.id).then(onLeft, (err: unknown) => setError(messageOf(err))) }}>Leave room</button>
          </div>)
        : <button type='button' className='danger' onClick={() => setSure(true)}>Leave room…</button>}
      <ErrorText error={error} />
    </Section>
  )
}

type Run = (action: Promise<void>) => void

function Section ({ title, children }: { title: string, children: ReactNode }) {
  return <section className='settings-section'><h3>{title}</h3>{children}</section>
}

function Details ({ room, snapshot, run }: { room: RoomClient, snapshot: RoomSnapshot, run: Run }) {
  const canEdit = snapshot.myCapabilities.has(Capability.SetPolicy)
  const [description, setDescription] = useState(snapshot.description)
  const [tags, setTags] = useState(snapshot.tags.join(', '))
  const save = (e: FormEvent) => {
    e.preventDefault()
    run(room.updateRoom({ description: description.trim(), tags: tags.split(',').map((t) => t.trim()).filter(Boolean) }))
  }
  if (!canEdit) {
    return (
      <Section title='About'>
        <p>{snapshot.description === '' ? 'No description.' : snapshot.description}</p>
        <p className='hint'>{snapshot.policy === RoomPolicy.Open ? 'Open room' : 'Invite only'}{snapshot.tags.length > 0 ? ` · ${snapshot.tags.join(', ')}` : ''}</p>
      </Section>
    )
  }
  return (
    <Section title='About'>
      <form className='stack' onSubmit={save}>
        <div className='field'>
          <label htmlFor='settings-description'>Description</label>
          <textarea id='settings-description' rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <div className='field'>
          <label htmlFor='settings-tags'>Tags</label>
          <input id='settings-tags' value={tags} onChange={(e) => setTags(e.target.value)} />
        </div>
        <button type='submit'>Save details</button>
      </form>
      <div className='field'>
        <label htmlFor='settings-policy'>Who can join and read</label>
        <select id='settings-policy' value={snapshot.policy} onChange={(e) => run(room.setPolicy(e.target.value as RoomPolicy))}>
          <option value={RoomPolicy.InviteOnly}>Invite only</option>
          <option value={RoomPolicy.Open}>Open</option>
        </select>
        {/* Peers serve history and profiles by this policy (src/core/access): say what it means. */}
        <p className='hint' data-testid='policy-reach'>
          {snapshot.policy === RoomPolicy.Open
            ? 'Anyone who knows the room id can read its history and join.'
            : 'Only members, and people holding an unused invite, are served its history and members.'}
        </p>
      </div>
    </Section>
  )
}

function Channels ({ room, snapshot, run }: { room: RoomClient, snapshot: RoomSnapshot, run: Run }) {
  const [name, setName] = useState('')
  const [topic, setTopic] = useState('')
  const [renames, setRenames] = useState<Record<string, string>>({})
  const create = (e: FormEvent) => {
    e.preventDefault()
    run(room.createChannel(name.trim(), topic.trim()).then(() => { setName(''); setTopic('') }))
  }
  return (
    <Section title='Channels'>
      <ul className='plain'>
        {snapshot.channels.map((c) => (
          <li key={c.id} className='row'>
            <label className='visually-hidden' htmlFor={`rename-${c.id}`}>Name of #{c.name}</label>
            <input id={`rename-${c.id}`} value={renames[c.id] ?? c.name} onChange={(e) => setRenames({ ...renames, [c.id]: e.target.value })} />
            <button type='button' disabled={(renames[c.id] ?? c.name).trim() === c.name} onClick={() => run(room.renameChannel(c.id, (renames[c.id] ?? c.name).trim()))}>Rename</button>
            <button type='button' onClick={() => run(room.archiveChannel(c.id, !c.archived))}>{c.archived ? 'Unarchive' : 'Archive'}</button>
          </li>
        ))}
      </ul>
      <form className='row wrap' onSubmit={create}>
        <div className='field'>
          <label htmlFor='new-channel'>New channel</label>
          <input id='new-channel' required value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className='field'>
          <label htmlFor='new-channel-topic'>Topic</label>
          <input id='new-channel-topic' value={topic} onChange={(e) => setTopic(e.target.value)} />
        </div>
        <button type='submit' disabled={name.trim() === ''}>Create channel</button>
      </form>
    </Section>
  )
}

function Roles ({ room, snapshot, run }: { room: RoomClient, snapshot: RoomSnapshot, run: Run }) {
  const canManage = snapshot.myCapabilities.has(Capability.ManageRoles)
  const [name, setName] = useState('')
  const [chosen, setChosen] = useState<ReadonlySet<Capability>>(new Set([Capability.Post]))
  const define = (e: FormEvent) => {
    e.preventDefault()
    run(room.defineRole(name.trim(), [...chosen]).then(() => setName('')))
  }
  return (
    <Section title='Roles'>
      <table className='peers'>
        <thead><tr><th scope='col'>Role</th><th scope='col'>Rank</th><th scope='col'>Can</th></tr></thead>
        <tbody>
          {[...snapshot.roles].sort((a, b) => b.rank - a.rank).map((r) => (
            <tr key={r.name}><td>{r.name}{r.builtin ? ' (built in)' : ''}</td><td>{r.rank}</td><td>{r.capabilities.join(', ')}</td></tr>
          ))}
        </tbody>
      </table>
      {canManage && (
        <form className='stack' onSubmit={define}>
          <div className='field'>
            <label htmlFor='role-name'>New role</label>
            <input id='role-name' required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <fieldset className='capabilities'>
            <legend>Capabilities</legend>
            {allCapabilities.map((c) => (
              <label key={c} className='choice'>
                <input
                  type='checkbox' checked={chosen.has(c)} onChange={(e) => {
                    const next = new Set(chosen)
                    if (e.target.checked) next.add(c)
                    else next.delete(c)
                    setChosen(next)
                  }}
                />
                {c}
              </label>
            ))}
          </fieldset>
          <button type='submit' disabled={name.trim() === ''}>Define role</button>
        </form>
      )}
      {canManage && <p className='hint'>Grant or revoke roles from the member list.</p>}
    </Section>
  )
}
