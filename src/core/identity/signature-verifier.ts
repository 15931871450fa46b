import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, verifySignature } from './ed25519.ts'

/** One Ed25519 signature to check: bytes exactly as a peer sent them. */
export interface SignatureCheck {
  readonly publicKey: Uint8Array
  readonly message: Uint8Array
  readonly signature: Uint8Array
}

/**
 * Checks many signatures at once, under the rules of {@link verifySignature}, one verdict per check
 * in order; never rejects for bad data. A port, so that a browser can run the checks in Web Workers:
 * Chromium's WebCrypto verifies on the calling thread, and on the page's thread verification was
 * the largest single cost of ingesting history (a third of the main thread in bench/ingest.bench.ts).
 */
export type SignatureVerifier = (checks: readonly SignatureCheck[]) => Promise<boolean[]>

/** The verifier that needs no platform support: every check on this thread. */
export const verifyInThisThread: SignatureVerifier = (checks) =>
  Promise.all(checks.map((c) => verifySignature(c.publicKey, c.message, c.signature)))

/** Whether a check has the sizes any valid one has: the rest are refused before any backend sees them. */
export const hasSignatureSizes = (c: SignatureCheck): boolean =>
  c.publicKey instanceof Uint8Array && c.publicKey.length === PUBLIC_KEY_BYTES &&
  c.signature instanceof Uint8Array && c.signature.length === SIGNATURE_BYTES &&
  c.message instanceof Uint8Array
