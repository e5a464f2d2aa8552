/** Send rates from the Genesys simulator's request log: per-second counts and the steady-state rate. */
import type { RecordedRequest } from '../local/genesys-simulator/index.ts'

export interface RateSummary {
  readonly requests: number
  readonly accepted: number
  readonly rateLimited: number
  /** 429s ÷ all agentless requests. */
  readonly share429: number
  /** Accepted requests a second over the whole seconds between the first and the last (both excluded). */
  readonly steadyPerSecond: number
  readonly steadySeconds: number
  /** Accepted requests in each wall-clock second, from the first request's second. */
  readonly perSecond: number[]
  readonly firstAt: number
  readonly lastAt: number
}

const isAccepted = (request: RecordedRequest): boolean => request.status !== undefined && request.status >= 200 && request.status < 300

export function summariseRates(agentless: readonly RecordedRequest[]): RateSummary {
  const accepted = agentless.filter(isAccepted)
  const rateLimited = agentless.filter((request) => request.status === 429).length
  const times = accepted.map((request) => request.receivedAt)
  const firstAt = Math.min(...times)
  const lastAt = Math.max(...times)
  const firstSecond = Math.floor(firstAt / 1000)
  const perSecond = Array.from({ length: times.length ? Math.floor(lastAt / 1000) - firstSecond + 1 : 0 }, () => 0)
  for (const time of times) perSecond[Math.floor(time / 1000) - firstSecond] = (perSecond[Math.floor(time / 1000) - firstSecond] ?? 0) + 1
  // The pacer's windows are wall-clock seconds: the first and last are partial (the run starts and ends in them).
  const steady = perSecond.slice(1, -1)
  const steadyPerSecond = steady.length > 0 ? steady.reduce((sum, count) => sum + count, 0) / steady.length : 0
  return {
    requests: agentless.length,
    accepted: accepted.length,
    rateLimited,
    share429: agentless.length ? rateLimited / agentless.length : 0,
    steadyPerSecond,
    steadySeconds: steady.length,
    perSecond,
    firstAt: times.length ? firstAt : 0,
    lastAt: times.length ? lastAt : 0,
  }
}
