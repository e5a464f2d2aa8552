/** Small statistics for the benchmarks: no dependencies, exact on the samples given. */

/** The q-quantile (0..1) by linear interpolation between closest ranks. Undefined for no samples. */
export function quantile(samples: readonly number[], q: number): number | undefined {
  if (samples.length === 0) return undefined
  const sorted = [...samples].sort((a, b) => a - b)
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q))
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const low = sorted[lower] as number
  const high = sorted[upper] as number
  return low + (high - low) * (position - lower)
}

export const median = (samples: readonly number[]): number | undefined => quantile(samples, 0.5)

/** Rounds for reports: `digits` decimals, keeping integers as they are. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

export { setTimeout as sleep } from 'node:timers/promises'
