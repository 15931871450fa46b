import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

/** A process the lab started inside a namespace. */
export interface NsProcess {
  readonly name: string
  /** Every line it printed so far (stdout and stderr), for failure messages. */
  readonly output: string[]
  /** Resolves with the first match of `pattern` in a line it prints (now or already printed). */
  waitFor (pattern: RegExp): Promise<RegExpExecArray>
  /** SIGKILL: gone as after a crash. */
  kill (): Promise<void>
  /** SIGTERM, then SIGKILL if it lingers. */
  stop (): Promise<void>
}

/**
 * Starts `command` under `ip netns exec` in its own process group, so stopping it also stops what
 * it started. Readiness is read from its output (never a timer).
 */
export function startInNs (name: string, ns: string, command: readonly string[], options: { readonly cwd?: string, readonly env?: NodeJS.ProcessEnv } = {}): NsProcess {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', ns, ...command], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  const output: string[] = []
  const waiters: Array<{ pattern: RegExp, resolve: (m: RegExpExecArray) => void }> = []
  let exited: string | undefined
  const failures: Array<(err: Error) => void> = []
  const onLine = (line: string): void => {
    output.push(line)
    for (const w of [...waiters]) {
      const m = w.pattern.exec(line)
      if (m != null) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m) }
    }
  }
  createInterface({ input: child.stdout! }).on('line', onLine)
  createInterface({ input: child.stderr! }).on('line', onLine)
  const done = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `${name} exited (${code ?? signal}): ${output.slice(-15).join('\n')}`
      for (const f of failures.splice(0)) f(new Error(exited))
      resolve()
    })
  })
  const signal = (sig: NodeJS.Signals): void => {
    if (child.exitCode != null || child.signalCode != null || child.pid == null) return
    try { process.kill(-child.pid, sig) } catch { /* already gone */ }
  }
  return {
    name,
    output,
    waitFor: async (pattern) => {
      for (const line of output) { const m = pattern.exec(line); if (m != null) return m }
      if (exited != null) throw new Error(exited)
      return new Promise<RegExpExecArray>((resolve, reject) => {
        waiters.push({ pattern, resolve })
        failures.push(reject)
      })
    },
    kill: async () => { signal('SIGKILL'); await done },
    stop: async () => {
      signal('SIGTERM')
      const timer = setTimeout(() => { signal('SIGKILL') }, 5_000)
      await done
      clearTimeout(timer)
    }
  }
}
