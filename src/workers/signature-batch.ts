import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from '../core/identity/webcrypto-ed25519.ts'
import type { SignatureCheck } from '../core/identity/signature-verifier.ts'

/**
 * Signature checks packed into one transferable buffer for a worker: per check the 32-byte key,
 * the 64-byte signature, the message length (u32, little-endian) and the message. One buffer
 * instead of three typed arrays per check keeps the postMessage cost per batch, not per entry.
 * Callers pack only checks of the right sizes (hasSignatureSizes).
 */
export function packChecks (checks: readonly SignatureCheck[]): ArrayBuffer {
  const size = checks.reduce((n, c) => n + PUBLIC_KEY_BYTES + SIGNATURE_BYTES + 4 + c.message.length, 0)
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  let at = 0
  for (const c of checks) {
    out.set(c.publicKey, at)
    out.set(c.signature, at + PUBLIC_KEY_BYTES)
    at += PUBLIC_KEY_BYTES + SIGNATURE_BYTES
    view.setUint32(at, c.message.length, true)
    out.set(c.message, at + 4)
    at += 4 + c.message.length
  }
  return out.buffer
}

/** The inverse of {@link packChecks}; views into `buffer`, no copies. Throws on a truncated buffer (our own bug). */
export function unpackChecks (buffer: ArrayBuffer): SignatureCheck[] {
  const bytes = new Uint8Array(buffer)
  const view = new DataView(buffer)
  const checks: SignatureCheck[] = []
  let at = 0
  while (at < bytes.length) {
    const length = view.getUint32(at + PUBLIC_KEY_BYTES + SIGNATURE_BYTES, true)
    const message = at + PUBLIC_KEY_BYTES + SIGNATURE_BYTES + 4
    if (message + length > bytes.length) throw new RangeError('truncated signature batch')
    checks.push({
      publicKey: bytes.subarray(at, at + PUBLIC_KEY_BYTES),
      signature: bytes.subarray(at + PUBLIC_KEY_BYTES, at + PUBLIC_KEY_BYTES + SIGNATURE_BYTES),
      message: bytes.subarray(message, message + length)
    })
    at = message + length
  }
  return checks
}

/** A batch for a worker, and its answer: one byte per check (1 = the signature verifies), or why it could not check. */
export interface VerifyRequest { readonly id: number, readonly batch: ArrayBuffer }
export type VerifyResponse = { readonly id: number, readonly verdicts: Uint8Array } | { readonly id: number, readonly failed: string }
