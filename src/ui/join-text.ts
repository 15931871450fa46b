/**
 * The plain-words version of "this is not an invite we can read": the parser's own reason ("payload
 * is not base64url") is for developers, so people get what happened and what to do about it.
 */
export function badLinkText (problem: string): string {
  if (/not a link|unsupported scheme/.test(problem)) return 'That is not a Peer Rooms invite link. Invite links start with https:// and contain #/join/. Paste the whole link you were sent.'
  if (/no #\/join\//.test(problem)) return 'That link does not contain an invite (the part after #/join/ is missing). Ask for the invite link again, or copy all of it.'
  return 'This invite link is damaged or incomplete, perhaps cut off when it was copied. Ask the person who invited you to send it again.'
}
