import { hasCanonicalScalar, isStrongPublicKey } from '../core/identity/ed25519.ts'
import { type SignatureCheck, type SignatureVerifier, hasSignatureSizes, verifyInThisThread } from '../core/identity/signature-verifier.ts'
import { type VerifyRequest, type VerifyResponse, packChecks } from './signature-batch.ts'

export interface WorkerVerifierInit {
  /** How many workers; default one per core, at most four (the page mostly waits while they verify). */
  readonly workers?: number
  /** Batches smaller than this go to one worker whole; default 64 (splitting costs a message each). */
  readonly splitAbove?: number
  /**
   * Fewer checks than this are done on this thread; default 8. A lone gossip entry or a small
   * room's log is checked sooner here than through a worker's round trip, and opening a room does
   * not wait for workers to start.
   */
  readonly inThreadBelow?: number
  /** Starts one worker; default the module in verify-worker.ts (tests pass a failing one). */
  readonly createWorker?: () => Worker
}

const createVerifyWorker = (): Worker => new Worker(new URL('./verify-worker.ts', import.meta.url), { type: 'module', name: 'signature-verifier' })

/** A {@link SignatureVerifier} backed by Web Workers; stop() ends them. */
export interface WorkerVerifier {
  readonly verify: SignatureVerifier
  /** Whether checks go to workers (false before the first check, and after a fallback to this thread). */
  readonly inWorkers: boolean
  stop (): void
}

interface Pending { readonly resolve: (verdicts: Uint8Array) => void, readonly reject: (err: unknown) => void }
interface PoolWorker { readonly worker: Worker, readonly pending: Map<number, Pending> }

/**
 * Checks signatures in a pool of Web Workers, so that verifying a sync batch or a burst of gossip
 * runs on other cores while the page decodes, chain-checks and writes. The rules are
 * verifySignature's: the page refuses weak keys and unreduced scalars, the worker asks WebCrypto.
 * If workers cannot start or one fails (a WebCrypto without Ed25519 among the causes), every open
 * and later check runs on this thread instead: a verdict is never lost, only slower.
 */
export function createWorkerVerifier (init: WorkerVerifierInit = {}): WorkerVerifier {
  const size = init.workers ?? Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2))
  const splitAbove = init.splitAbove ?? 64
  const inThreadBelow = init.inThreadBelow ?? 8
  const createWorker = init.createWorker ?? createVerifyWorker
  let pool: PoolWorker[] | undefined
  /** Set when workers cannot run here or one failed: checks run on this thread from then on. */
  let inThread = typeof Worker === 'undefined'
  let nextId = 0
  let nextWorker = 0

  const fail = (err: unknown): void => {
    inThread = true
    for (const { worker, pending } of pool ?? []) {
      worker.terminate()
      for (const p of pending.values()) p.reject(err)
      pending.clear()
    }
    pool = []
  }

  const start = (): PoolWorker[] => {
    pool ??= Array.from({ length: size }, () => {
      const worker = createWorker()
      const entry: PoolWorker = { worker, pending: new Map() }
      worker.onmessage = (event: MessageEvent<VerifyResponse>) => {
        const answer = event.data
        if ('failed' in answer) { fail(new Error(`signature worker could not check: ${answer.failed}`)); return }
        const p = entry.pending.get(answer.id)
        entry.pending.delete(answer.id)
        p?.resolve(answer.verdicts)
      }
      worker.onerror = (event) => { event.preventDefault(); fail(new Error(`signature worker failed: ${event.message}`)) }
      worker.onmessageerror = () => { fail(new Error('signature worker sent an unreadable message')) }
      return entry
    })
    return pool
  }

  const inWorker = (checks: readonly SignatureCheck[]): Promise<Uint8Array> => {
    const workers = start()
    const target = workers[nextWorker++ % workers.length]!
    const id = nextId++
    const batch = packChecks(checks)
    return new Promise<Uint8Array>((resolve, reject) => {
      target.pending.set(id, { resolve, reject })
      target.worker.postMessage({ id, batch } satisfies VerifyRequest, [batch])
    })
  }

  const verifyChunk = async (checks: readonly SignatureCheck[]): Promise<boolean[]> => {
    if (inThread) return verifyInThisThread(checks)
    try {
      return Array.from(await inWorker(checks), (v) => v === 1)
    } catch {
      return verifyInThisThread(checks)
    }
  }

  const verify: SignatureVerifier = async (checks) => {
    if (checks.length < inThreadBelow) return verifyInThisThread(checks)
    const verdicts: boolean[] = checks.map(() => false)
    // verifySignature's checks before any backend, here on the page (they need curve arithmetic the
    // worker does not load): a check that fails them is false without a worker seeing it
    const sized = checks.flatMap((c, i) => (hasSignatureSizes(c) && isStrongPublicKey(c.publicKey) && hasCanonicalScalar(c.signature) ? [i] : []))
    if (sized.length === 0) return verdicts
    if (!inThread) {
      try {
        start()
      } catch {
        inThread = true
      }
    }
    const parts = inThread || sized.length <= splitAbove ? 1 : size
    const per = Math.ceil(sized.length / parts)
    const chunks = Array.from({ length: parts }, (_, k) => sized.slice(k * per, (k + 1) * per)).filter((c) => c.length > 0)
    const answers = await Promise.all(chunks.map((chunk) => verifyChunk(chunk.map((i) => checks[i]!))))
    chunks.forEach((chunk, k) => { chunk.forEach((i, j) => { verdicts[i] = answers[k]![j] === true }) })
    return verdicts
  }

  return {
    verify,
    get inWorkers () { return !inThread && pool != null && pool.length > 0 },
    /** Ends the workers; checks still open finish on this thread, and a later check starts new workers. */
    stop () {
      for (const { worker, pending } of pool ?? []) {
        worker.terminate()
        for (const p of pending.values()) p.reject(new Error('the signature verifier stopped'))
      }
      pool = undefined
    }
  }
}
