import { hexToBytes } from '@noble/hashes/utils.js'
import { verifySignature, verifySignatureNoble } from '../../src/core/identity/ed25519.ts'
import type { SignatureVerifier } from '../../src/core/identity/signature-verifier.ts'
import fixture from '../fixtures/ed25519.vectors.json' with { type: 'json' }

export const ed25519Vectors = fixture.vectors

/**
 * Runs every vector through both verifiers and returns one line per wrong verdict. Plain async,
 * so the Node test and the Chromium spec (through the storage harness page) assert the same thing.
 */
export async function ed25519VectorFailures (): Promise<string[]> {
  const failures: string[] = []
  for (const v of fixture.vectors) {
    const [key, message, signature] = [hexToBytes(v.publicKey), hexToBytes(v.message), hexToBytes(v.signature)]
    const fast = await verifySignature(key, message, signature)
    const noble = verifySignatureNoble(key, message, signature)
    if (fast !== v.valid) failures.push(`${v.name}: verifySignature says ${fast}, expected ${v.valid}`)
    if (noble !== v.valid) failures.push(`${v.name}: verifySignatureNoble says ${noble}, expected ${v.valid}`)
  }
  return failures
}

/** Runs every vector through a batch verifier, all in one call, and returns one line per wrong verdict. */
export async function ed25519BatchFailures (verifier: SignatureVerifier): Promise<string[]> {
  const checks = fixture.vectors.map((v) => ({ publicKey: hexToBytes(v.publicKey), message: hexToBytes(v.message), signature: hexToBytes(v.signature) }))
  const verdicts = await verifier(checks)
  if (verdicts.length !== checks.length) return [`${verdicts.length} verdicts for ${checks.length} checks`]
  return fixture.vectors.flatMap((v, i) => (verdicts[i] === v.valid ? [] : [`${v.name}: the batch verifier says ${verdicts[i]}, expected ${v.valid}`]))
}
