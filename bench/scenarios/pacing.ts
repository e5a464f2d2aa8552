/**
 * Pacing: a steady backlog on the send queue against the Genesys simulator, whose rate limit is Genesys' own
 * (300 requests per window, counted across every token of the OAuth client) with time compressed so the run
 * stays short: a budget of B a minute is 300 per 60 × 300 / B seconds. Measures the accepted rate over the
 * steady part against the budget, and the share of requests answered 429, for 1, 2 and 4 send workers.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import type { MessageRequest } from '#lib/domain/model.ts'
import { sessionBacking } from '../../test/support/recorded-sessions.ts'
import { APP_DETAIL_TYPES, APP_EVENT_SOURCE } from '#lib/topology.ts'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import { uuidFrom } from '../../local/genesys-events.ts'
import { sampleEventLoop } from '../event-loop.ts'
import { summariseRates, type RateSummary } from '../rates.ts'

export const GENESYS_RATE_LIMIT = 300

export interface PacingOptions {
  readonly workers: number
  /** GENESYS_BUDGET_PER_MINUTE, scaled up from 300. */
  readonly budgetPerMinute: number
  /** Requests in the backlog. */
  readonly backlog: number
}

export interface PacingResult extends RateSummary {
  readonly workers: number
  readonly budgetPerMinute: number
  readonly headroom: number
  /** Steady accepted rate ÷ budget (before adaptive pacing the headroom capped it at 0.95). */
  readonly rateOverBudget: number
  /** Steady accepted rate ÷ the limit the simulator reports (inin-ratelimit-allowed per its window). */
  readonly rateOverReportedLimit: number
  readonly drainMs: number
  /** Event-loop utilisation in each second of the drain (bench/event-loop.ts): near 1, the CPU was the limit. */
  readonly eventLoopBusyPerSecond: number[]
}

/** The simulator's window that makes Genesys' 300 a minute equal to `budgetPerMinute`. */
export function scaledWindowMs(budgetPerMinute: number): number {
  return Math.round((60_000 * GENESYS_RATE_LIMIT) / budgetPerMinute)
}

/**
 * A local cloud whose send workers pace to `budgetPerMinute`, against a simulator that allows Genesys' own 300
 * requests per window, the window compressed by the same factor, counted per OAuth client.
 */
/** Far above any batch's paced processing time here, as the queue's visibility timeout is in AWS. */
const BENCH_VISIBILITY_SECONDS = 60

export function startPacedCloud(options: { readonly workers: number; readonly budgetPerMinute: number; readonly config?: Readonly<Record<string, string>> }): Promise<LocalCloud> {
  return LocalCloud.start({
    sendWorkers: options.workers,
    // The local default (1 s) keeps tests' retries quick, but a worker pacing its share of 20 a second holds its
    // batch of 10 for longer than that: the rest of the batch came back to another worker, which paced it again and
    // then found it already in flight, a slot spent on a copy (730 slots for 480 sends with 4 workers). In AWS the
    // visibility timeout is at least 6 × the function timeout (lib/topology.ts), minutes, not a second.
    visibilitySeconds: BENCH_VISIBILITY_SECONDS,
    config: { GENESYS_BUDGET_PER_MINUTE: String(options.budgetPerMinute), ...options.config },
    simulator: { rateLimitPerMinute: GENESYS_RATE_LIMIT, rateWindowMs: scaledWindowMs(options.budgetPerMinute), rateLimitScope: 'client' },
  })
}

export async function runPacing(options: PacingOptions): Promise<PacingResult> {
  const cloud = await startPacedCloud(options)
  try {
    const at = cloud.clock.now()
    await enqueueRequests(cloud, backlogRequests(options.backlog, at, `pacing-${options.workers}`))
    const started = Date.now()
    const eventLoop = sampleEventLoop()
    await cloud.drain({ timeoutMs: 900_000 })
    const eventLoopBusyPerSecond = eventLoop.stop()
    const drainMs = Date.now() - started
    const rates = summariseRates(cloud.simulator?.agentlessRequests() ?? [])
    if (rates.accepted !== options.backlog) throw new Error(`pacing: ${rates.accepted} of ${options.backlog} requests accepted`)
    return {
      ...rates,
      workers: options.workers,
      budgetPerMinute: options.budgetPerMinute,
      headroom: Number(cloud.env.GENESYS_BUDGET_HEADROOM ?? 0.95),
      rateOverBudget: rates.steadyPerSecond / (options.budgetPerMinute / 60),
      rateOverReportedLimit: rates.steadyPerSecond / (GENESYS_RATE_LIMIT / (scaledWindowMs(options.budgetPerMinute) / 1000)),
      drainMs,
      eventLoopBusyPerSecond,
    }
  } finally {
    await cloud.close()
  }
}

/** Requests as the presence function publishes them, each to a different customer. */
export function backlogRequests(count: number, at: number, run: string): MessageRequest[] {
  const agentId = uuidFrom('bench-agent', run)
  return Array.from({ length: count }, (_, i) => {
    const conversationId = uuidFrom('bench-conversation', run, i)
    return {
      dedupeKey: `${run}:${conversationId}`,
      conversationId,
      customer: { channel: 'webmessaging', externalContactId: uuidFrom('bench-contact', run, i) },
      agentId,
      scope: 'agent',
      requestedAt: at,
      triggerEventId: uuidFrom('bench-trigger', run),
    }
  })
}

/**
 * Publishes the requests on the app bus (PutEvents, 10 a call): its rule puts them on the send queue. Send trusts
 * only requests for a session it recorded, so each request's (ended) session is written first.
 */
export async function enqueueRequests(cloud: LocalCloud, requests: readonly MessageRequest[]): Promise<void> {
  const sessions = new DynamoDbSessionRepository(DynamoDBDocumentClient.from(cloud.dynamo), LOCAL_NAMES.sessionsTable)
  for (const request of requests) await sessions.put({ ...sessionBacking(request), customerEndedAt: request.requestedAt })
  for (let start = 0; start < requests.length; start += 10) {
    const entries = requests.slice(start, start + 10).map((request) => ({
      EventBusName: LOCAL_NAMES.appBus,
      Source: APP_EVENT_SOURCE,
      DetailType: APP_DETAIL_TYPES.requested,
      Detail: JSON.stringify(request),
    }))
    const result = await cloud.bus.putEvents(entries)
    if (result.FailedEntryCount) throw new Error(`pacing: ${result.FailedEntryCount} requests not accepted by the app bus`)
  }
}
