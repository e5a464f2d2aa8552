/**
 * Login storm: 200 agents come back within one minute over 5,000 recorded sessions whose customers overlap.
 * The sessions are the session recorder's (its use case run in memory over the workload's conversation
 * events, then batch-written: see bench/sessions.ts).
 * Time is compressed as in the pacing scenario (budget B a minute = 300 per 60 × 300 / B s), and so is the
 * minute of logins: the availability events arrive over 60 × 300 / B seconds of wall time, carrying event
 * times spread over the real minute. Drain time runs from the first availability event to the last message
 * Genesys accepted; its floor is unique recipients ÷ budget.
 * The send stage runs as many workers as the stack deploys for that budget (`sendConcurrencyFor`, as
 * cdk/pipeline-compute.ts sets the event source's maximum concurrency), not Lambda's minimum of 2: 2 workers
 * model a stack sized for 300 a minute asked to send 1,800.
 */
import { DEFAULTS } from '#lib/config.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import { APP_DETAIL_TYPES, sendConcurrencyFor } from '#lib/topology.ts'
import { LOCAL_NAMES } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { AGENTLESS_PATH, TOKEN_PATH } from '../../local/genesys-simulator/index.ts'
import { availabilityFlip, buildWorkload } from '../../local/load.ts'
import { sampleEventLoop } from '../event-loop.ts'
import { checkDeliveries, recipientOfWorkloadCustomer, type DeliveryCheck } from '../recipients.ts'
import { summariseRates, type RateSummary } from '../rates.ts'
import { recordInMemory, writeSessions } from '../sessions.ts'
import { sleep } from '../stats.ts'
import { scaledWindowMs, startPacedCloud } from './pacing.ts'

export interface StormOptions {
  readonly agents: number
  readonly conversations: number
  readonly customers: number
  readonly budgetPerMinute: number
  /** Send workers. Default: what the stack deploys for the budget (`stormSendWorkers`). */
  readonly workers?: number
  readonly seed?: number
  /** MAX_MESSAGES_PER_TRIGGER: `agent-capacity` (the default; the simulator answers 4) or a number (no limit: one above any agent's customers). */
  readonly maxMessagesPerTrigger: string
}

export interface StormResult extends DeliveryCheck {
  readonly agents: number
  readonly conversations: number
  readonly customers: number
  readonly sessionsRecorded: number
  readonly loadMs: number
  readonly budgetPerMinute: number
  readonly workers: number
  /** Seconds of wall time the logins were spread over (one minute, compressed). */
  readonly loginSpreadMs: number
  readonly drainMs: number
  /** Unique recipients ÷ budget. */
  readonly floorMs: number
  readonly drainOverFloor: number
  /**
   * Genesys API calls other than the sends during the storm: presence's capacity lookups (`agent-capacity`) or
   * queue lookups. They spend the same OAuth client's allowance, so the floor counting them is
   * (messaged + these) ÷ budget.
   */
  readonly otherGenesysCalls: number
  readonly drainOverFloorWithOtherCalls: number
  /** ProactiveMessageRequested events the triggers published: more than the recipients where agents share customers. */
  readonly requests: number
  /** Requests send did not send because another request had reserved the customer (outcome `capped`). */
  readonly cappedBySend: number
  readonly rateLimited: number
  readonly rates: RateSummary
  readonly maxMessagesPerTrigger: string
  /** Customers over a trigger's limit (MessagesDeferred): eligible for a later trigger, not messaged in this run. */
  readonly deferred: number
  /** Event-loop utilisation in each second from the first login (bench/event-loop.ts): near 1, the CPU was the limit. */
  readonly eventLoopBusyPerSecond: number[]
}

const AT = Date.parse('2026-03-02T09:00:00Z')

/** The send stage's maximum concurrency in a stack deployed with this budget and the default headroom. */
export function stormSendWorkers(budgetPerMinute: number): number {
  return sendConcurrencyFor(budgetPerMinute * DEFAULTS.budgetHeadroom)
}

export async function runStorm(options: StormOptions): Promise<StormResult> {
  const workers = options.workers ?? stormSendWorkers(options.budgetPerMinute)
  const cloud = await startPacedCloud({ ...options, workers, config: { MAX_MESSAGES_PER_TRIGGER: options.maxMessagesPerTrigger } })
  try {
    const workload = buildWorkload({ customers: options.customers, conversations: options.conversations, agents: options.agents, at: AT - 60_000, seed: options.seed ?? 1 })
    let started = Date.now()
    await writeSessions(cloud, await recordInMemory(workload.conversationEvents, 24 * 3_600_000))
    const loadMs = Date.now() - started
    const sessionsRecorded = await cloud.sessionCount()

    // Everyone was offline before 9:00 (not part of the storm).
    const flips = workload.agentIds.map((agentId, i) => availabilityFlip(agentId, AT + Math.floor((i * 60_000) / workload.agentIds.length)) as unknown as [EventEnvelope, EventEnvelope])
    for (const [offline] of flips) {
      cloud.clock.set(Date.parse(offline.time))
      await cloud.deliverGenesysEvent(offline)
    }
    await cloud.drain()

    const loginSpreadMs = scaledWindowMs(options.budgetPerMinute)
    const eventLoop = sampleEventLoop()
    started = Date.now()
    let delivering = true
    const delivery = (async () => {
      for (const [i, [, available]] of flips.entries()) {
        const due = started + Math.floor((i * loginSpreadMs) / flips.length)
        if (due > Date.now()) await sleep(due - Date.now())
        cloud.clock.set(Date.parse(available.time))
        await cloud.deliverGenesysEvent(available)
      }
    })().finally(() => {
      delivering = false
    })
    while (delivering) {
      await cloud.drain({ timeoutMs: 1_800_000 })
      await sleep(20)
    }
    await delivery
    await cloud.drain({ timeoutMs: 1_800_000 })
    const eventLoopBusyPerSecond = eventLoop.stop()

    const agentless = cloud.simulator?.agentlessRequests() ?? []
    const rates = summariseRates(agentless)
    const expected = new Set([...workload.eligibleCustomers].map((customer) => recipientOfWorkloadCustomer(Number(customer))))
    const check = checkDeliveries(agentless, expected)
    const drainMs = rates.lastAt - started
    const floorMs = (check.messaged / options.budgetPerMinute) * 60_000
    const otherGenesysCalls = (cloud.simulator?.requests ?? []).filter((r) => r.receivedAt >= started && r.path !== TOKEN_PATH && r.path !== AGENTLESS_PATH).length
    const requests = cloud.bus.acceptedEvents(LOCAL_NAMES.appBus).filter((event) => event['detail-type'] === APP_DETAIL_TYPES.requested).length
    const cappedBySend = cloud.outcomes.filter((event) => (event.detail as { outcome?: unknown }).outcome === 'capped').length
    return {
      ...check,
      agents: options.agents,
      conversations: options.conversations,
      customers: options.customers,
      sessionsRecorded,
      loadMs,
      budgetPerMinute: options.budgetPerMinute,
      workers,
      loginSpreadMs,
      drainMs,
      floorMs,
      drainOverFloor: drainMs / floorMs,
      otherGenesysCalls,
      drainOverFloorWithOtherCalls: drainMs / (((check.messaged + otherGenesysCalls) / options.budgetPerMinute) * 60_000),
      requests,
      cappedBySend,
      rateLimited: rates.rateLimited,
      rates,
      maxMessagesPerTrigger: options.maxMessagesPerTrigger,
      deferred: cloud.tally.total(METRIC_NAMES.messagesDeferred),
      eventLoopBusyPerSecond,
    }
  } finally {
    await cloud.close()
  }
}
