export { RetryLater } from '../domain/retry-later.ts'

/** Exponential backoff by how often the queue has delivered the record: base × 2^(n-1) up to a maximum, jittered down by up to half. */
export function retryDelaySeconds(receiveCount: number, baseSeconds: number, maxSeconds: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, receiveCount - 1))
  return Math.round(ceiling * (0.5 + random() / 2))
}
