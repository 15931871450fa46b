import { useState } from 'react'

/**
 * Says what is wrong with the site's /config.json (unreadable, no bootstrap node, a bad address,
 * TURN or DNS bootstrap unreachable), so a misconfigured deployment is not a silent "Connecting…".
 */
export function ConfigProblems ({ problems }: { problems: readonly string[] }) {
  const [dismissed, setDismissed] = useState(false)
  if (problems.length === 0 || dismissed) return null
  return (
    <aside className='config-problems' role='alert' aria-label='Network configuration problems'>
      <strong>This site's network configuration has problems</strong>
      <ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul>
      <button type='button' onClick={() => { setDismissed(true) }}>Dismiss</button>
    </aside>
  )
}
