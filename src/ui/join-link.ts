/** Invite links open the app at `#/join/...`: the fragment never reaches a server. */
const joinPrefix = '#/join/'

/** The invite link to join when the page was opened from one, else undefined. */
export function joinLinkFromLocation (location: Location): string | undefined {
  return location.hash.startsWith(joinPrefix) ? location.href : undefined
}

/** Drops the join fragment once handled, so a reload does not join again. */
export function clearJoinFragment (): void {
  history.replaceState(null, '', location.pathname + location.search)
}
