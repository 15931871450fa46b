import type { Validated } from '../result.ts'
import type { AuthorityEntry } from './entry.ts'
import type { AclState } from './state.ts'
import { TRANSFORMS } from './transforms.ts'
import { authorize } from './validator.ts'

/**
 * The reducer: checks one entry against the state just before it and, if allowed, applies its
 * action's transform; otherwise records the rejection (for moderators to see). Deterministic: the
 * outcome depends only on the state and the entry.
 */
export function applyEntry (state: AclState, entry: AuthorityEntry): Validated<true> {
  const verdict = authorize(state, entry)
  if (verdict.ok) (TRANSFORMS[entry.action] as (s: AclState, e: AuthorityEntry) => void)(state, entry)
  else recordRejection(state, entry, verdict)
  return verdict
}

/** Notes a refused entry in the state's rejected list. */
export function recordRejection (state: AclState, entry: AuthorityEntry, verdict: Extract<Validated<true>, { ok: false }>): void {
  state.rejected.set(entry.hash, { hash: entry.hash, signer: entry.signer, action: entry.action, lamport: entry.lamport, reason: verdict.reason, detail: verdict.detail })
}
