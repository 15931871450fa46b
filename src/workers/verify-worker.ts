// A Web Worker that asks WebCrypto for Ed25519 verdicts. The page has already refused what the
// strict rules refuse before any backend runs (weak keys, unreduced scalars: worker-verifier.ts), so
// together they apply exactly verifySignature's rules; the curve arithmetic those checks need stays
// on the page, and this worker's bundle stays small.
import { webcryptoVerify } from '../core/identity/webcrypto-ed25519.ts'
import { type VerifyRequest, type VerifyResponse, unpackChecks } from './signature-batch.ts'

const scope = self as unknown as { onmessage: ((e: MessageEvent<VerifyRequest>) => void) | null, postMessage (m: VerifyResponse, transfer?: Transferable[]): void }

scope.onmessage = (event) => {
  const { id, batch } = event.data
  void (async () => {
    try {
      const ok = await Promise.all(unpackChecks(batch).map(async (c) => webcryptoVerify(c.publicKey, c.message, c.signature)))
      const verdicts = Uint8Array.from(ok, (v) => (v ? 1 : 0))
      scope.postMessage({ id, verdicts }, [verdicts.buffer])
    } catch (err) {
      // No Ed25519 in this worker's WebCrypto, or our own bug: the page checks this batch itself.
      scope.postMessage({ id, failed: String(err) })
    }
  })()
}
