/**
 * Adaptive pacing against a limit this project does not configure: the send stage starts from
 * GENESYS_BUDGET_PER_MINUTE and then follows what the simulator reports in its rate-limit headers.
 *
 * - competing consumer: another integration on the same OAuth client uses a share of the allowance, spread over
 *   each window (the simulator adds its calls to the client's counter). Measured: the accepted rate ÷ what is
 *   left of the limit, and the 429 share.
 * - limit changed mid-run: the simulator's limit changes (a limit raised by Genesys support, or cut) while a
 *   backlog drains. Measured: how many of the simulator's reset windows pass after the change before a whole
 *   window uses at least 90 % of the new limit.
 */
import type { RecordedRequest } from '../../local/genesys-simulator/index.ts'
import { summariseRates, type RateSummary } from '../rates.ts'
import { backlogRequests, enqueueRequests, GENESYS_RATE_LIMIT, scaledWindowMs, startPacedCloud } from './pacing.ts'

export interface CompetingOptions {
  readonly workers: number
  readonly budgetPerMinute: number
  readonly backlog: number
  /** The competing consumer's share of the limit, 0 to below 1. */
  readonly share: number
}

export interface CompetingResult extends RateSummary {
  readonly workers: number
  readonly share: number
  /** Steady accepted rate ÷ (1 − share) × the reported limit's rate. */
  readonly rateOverRemaining: number
}

export async function runCompeting(options: CompetingOptions): Promise<CompetingResult> {
  const cloud = await startPacedCloud(options)
  try {
    cloud.simulator?.setCompetingShare(options.share)
    await enqueueRequests(cloud, backlogRequests(options.backlog, cloud.clock.now(), `competing-${options.workers}`))
    await cloud.drain({ timeoutMs: 900_000 })
    const rates = summariseRates(cloud.simulator?.agentlessRequests() ?? [])
    if (rates.accepted !== options.backlog) throw new Error(`competing consumer: ${rates.accepted} of ${options.backlog} requests accepted`)
    const remainingPerSecond = ((1 - options.share) * GENESYS_RATE_LIMIT) / (scaledWindowMs(options.budgetPerMinute) / 1000)
    return { ...rates, workers: options.workers, share: options.share, rateOverRemaining: rates.steadyPerSecond / remainingPerSecond }
  } finally {
    await cloud.close()
  }
}

export interface LimitChangeOptions {
  readonly workers: number
  readonly budgetPerMinute: number
  readonly backlog: number
  /** The limit per window after the change (the simulator starts at Genesys' 300). */
  readonly newLimit: number
  /** When the limit changes, after the first accepted request. */
  readonly changeAfterMs: number
}

export interface LimitChangeResult extends RateSummary {
  readonly workers: number
  readonly oldLimit: number
  readonly newLimit: number
  readonly windowMs: number
  /** The second (from the first request's) in which the limit changed. */
  readonly changeSecond: number
  /** Accepted requests in each of the simulator's reset windows, from the first request. */
  readonly acceptedPerWindow: number[]
  /** The window in which the limit changed. */
  readonly changeWindow: number
  /**
   * Windows after the one the change fell in until a whole window used at least 90 % of the new limit
   * (undefined: none did before the backlog ran out). 1 = the next window: the target.
   */
  readonly windowsToFollow: number | undefined
  /** The reported limit's rate in each second, for the chart. */
  readonly limitPerSecond: number[]
}

export async function runLimitChange(options: LimitChangeOptions): Promise<LimitChangeResult> {
  const cloud = await startPacedCloud(options)
  const windowMs = scaledWindowMs(options.budgetPerMinute)
  try {
    const simulator = cloud.simulator
    if (!simulator) throw new Error('limit change: needs the Genesys simulator')
    await enqueueRequests(cloud, backlogRequests(options.backlog, cloud.clock.now(), `limit-change-${options.workers}`))
    let changedAt: number | undefined
    const change = (async () => {
      while (simulator.agentlessRequests().length === 0) await sleep(20)
      await sleep(options.changeAfterMs)
      simulator.setRateLimit(options.newLimit)
      changedAt = Date.now()
    })()
    await cloud.drain({ timeoutMs: 900_000 })
    await change
    const rates = summariseRates(simulator.agentlessRequests())
    if (rates.accepted !== options.backlog) throw new Error(`limit change: ${rates.accepted} of ${options.backlog} requests accepted`)
    if (changedAt === undefined) throw new Error('limit change: the backlog drained before the limit changed; give it a larger backlog')
    const firstSecond = Math.floor(rates.firstAt / 1000)
    const changeSecond = Math.floor(changedAt / 1000) - firstSecond
    const rateOf = (limit: number): number => limit / (windowMs / 1000)
    const limitPerSecond = rates.perSecond.map((_, second) => rateOf(second < changeSecond ? GENESYS_RATE_LIMIT : options.newLimit))
    const perWindow = acceptedPerWindow(simulator.agentlessRequests(), rates.firstAt, windowMs)
    const changeWindow = Math.floor((changedAt - rates.firstAt) / windowMs)
    // The simulator's windows follow one another while calls keep coming (each opens at the first call after the
    // last one ended), so they are counted from the first request. A window after the change's follows the new
    // limit when it used at least 90 % of it (above 100 % the simulator answers 429, counted apart).
    const complete = Math.floor((rates.lastAt - rates.firstAt) / windowMs)
    let followWindow: number | undefined
    for (let window = changeWindow + 1; window < complete; window++) {
      if ((perWindow[window] ?? 0) >= 0.9 * options.newLimit) {
        followWindow = window
        break
      }
    }
    return {
      ...rates,
      workers: options.workers,
      oldLimit: GENESYS_RATE_LIMIT,
      newLimit: options.newLimit,
      windowMs,
      changeSecond,
      acceptedPerWindow: perWindow,
      changeWindow,
      windowsToFollow: followWindow === undefined ? undefined : followWindow - changeWindow,
      limitPerSecond,
    }
  } finally {
    await cloud.close()
  }
}

function acceptedPerWindow(requests: readonly RecordedRequest[], firstAt: number, windowMs: number): number[] {
  const counts: number[] = []
  for (const request of requests) {
    if (request.status === undefined || request.status < 200 || request.status >= 300) continue
    const window = Math.floor((request.receivedAt - firstAt) / windowMs)
    counts[window] = (counts[window] ?? 0) + 1
  }
  return Array.from(counts, (count) => count ?? 0)
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
