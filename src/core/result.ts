/**
 * What validating untrusted input returns. Data from other peers never throws: a rejection
 * carries a machine-readable reason (counted, and mapped to a GossipSub Reject) and a detail
 * for humans.
 */
export type Validated<T> =
  | { readonly ok: true, readonly value: T }
  | { readonly ok: false, readonly reason: RejectReason, readonly detail: string }

export const RejectReason = {
  Malformed: 'malformed',
  NonCanonical: 'non-canonical',
  TooLarge: 'too-large',
  BadSignature: 'bad-signature',
  WeakKey: 'weak-key',
  BrokenChain: 'broken-chain',
  WrongRoom: 'wrong-room',
  Unauthorized: 'unauthorized',
  Banned: 'banned',
  InviteInvalid: 'invite-invalid',
  InviteExhausted: 'invite-exhausted',
  InviteExpired: 'invite-expired',
  MissingParent: 'missing-parent',
  Duplicate: 'duplicate',
  Fork: 'fork',
  Unknown: 'unknown'
} as const
export type RejectReason = typeof RejectReason[keyof typeof RejectReason]

export const accept = <T>(value: T): Validated<T> => ({ ok: true, value })
export const reject = <T = never>(reason: RejectReason, detail: string): Validated<T> => ({ ok: false, reason, detail })
