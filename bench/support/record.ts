import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export type Metric = number | { value: number, unit: string }

/**
 * Writes one benchmark file's figures to bench/out/NAME.json; scripts/bench.mjs merges every
 * file there into bench-results.json, so benchmarks stay independent of each other.
 */
export function recordMetrics (name: string, metrics: Record<string, Metric>): void {
  const dir = join(import.meta.dirname, '..', 'out')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(metrics, null, 2) + '\n')
}

/** Median of a non-empty list. */
export function median (xs: readonly number[]): number {
  return percentile(xs, 50)
}

/** Nearest-rank percentile of a non-empty list. */
export function percentile (xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}
