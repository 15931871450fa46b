import { hexToBytes } from '@noble/hashes/utils.js'
import { fingerprintOf } from '../core/identity/fingerprint.ts'
import type { AuthorId } from '../core/types.ts'

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' })
const day = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' })
const count = new Intl.NumberFormat()

export const formatTime = (ms: number): string => time.format(ms)
export const formatFull = (ms: number): string => full.format(ms)
export const formatDay = (ms: number): string => day.format(ms)
export const formatCount = (n: number): string => count.format(n)

/** Calendar day in local time: messages on different days get a separator between them. */
export const dayKey = (ms: number): string => new Date(ms).toDateString()

/** A short handle for an author whose name is not known yet. */
export const shortId = (id: AuthorId): string => `${id.slice(0, 8)}…`

/** A stable hue per author, so the same person keeps one colour everywhere. */
export function hueOf (id: string): number {
  let h = 0
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360
  return h
}

/**
 * The fingerprint of any member's key, in the same form as one's own (IdentitySnapshot.fingerprint),
 * so two people can compare them side by side.
 */
export const fingerprintOfAuthor = (id: AuthorId): string => fingerprintOf(hexToBytes(id))
