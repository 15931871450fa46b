// A Web Worker that checks Ed25519 signatures with the same code, and so the same strict rules,
// as the page (src/core/identity/ed25519.ts): the worker only moves where the work runs.
import { verifyInThisThread } from '../core/identity/signature-verifier.ts'
import { type VerifyRequest, type VerifyResponse, unpackChecks } from './signature-batch.ts'

const scope = self as unknown as { onmessage: ((e: MessageEvent<VerifyRequest>) => void) | null, postMessage (m: VerifyResponse, transfer: Transferable[]): void }

scope.onmessage = (event) => {
  const { id, batch } = event.data
  void verifyInThisThread(unpackChecks(batch)).then((ok) => {
    const verdicts = Uint8Array.from(ok, (v) => (v ? 1 : 0))
    scope.postMessage({ id, verdicts }, [verdicts.buffer])
  })
}
