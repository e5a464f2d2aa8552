/**
 * Fan-out: one availability trigger over N eligible sessions of one agent, from the presence event to the last
 * ProactiveMessageRequested accepted on the app bus (the send stage is not fed: its rule is removed, so only
 * the presence function runs). The naive reference does the same targeting with a Scan and a filter over the
 * whole table, which also holds the other agents' sessions.
 */
import { performance } from 'node:perf_hooks'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { DynamoDbSessionRepository } from '../../lib/adapters/dynamodb-sessions.ts'
import type { Session } from '../../lib/domain/model.ts'
import { selectRecipients, windowOf } from '../../lib/domain/targeting.ts'
import { APP_DETAIL_TYPES, APP_EVENT_SOURCE } from '../../lib/topology.ts'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { availabilityFlip } from '../../local/load.ts'
import { uuidFrom } from '../../local/genesys-events.ts'
import { endedSession, writeSessions } from '../sessions.ts'
import { median } from '../stats.ts'
import { HOUR } from '../../lib/domain/time.ts'

export interface FanOutOptions {
  /** Eligible sessions of the agent who comes back. */
  readonly n: number
  /** Sessions of other agents in the same table, per eligible session. Default 9 (the agent holds 10% of the table). */
  readonly backgroundPerSession?: number
}

export interface FanOutResult {
  readonly n: number
  readonly tableItems: number
  /** Presence event delivered → last ProactiveMessageRequested accepted. */
  readonly fanOutMs: number
  readonly requested: number
  readonly recipientsPerSecond: number
  /** Targeting only (index Query + selectRecipients), as the presence function does it; median of 3. */
  readonly queryTargetingMs: number
  /** Reference: Scan with a filter on lastAgentId and lastActiveAt, paginated, + selectRecipients; median of 3. */
  readonly scanTargetingMs: number
  readonly scanRecipients: number
  readonly scanRecipientsPerSecond: number
  /** Fan-out recipients/s ÷ Scan reference recipients/s. */
  readonly ratio: number
  /** Scan ÷ Query, both targeting only. */
  readonly targetingRatio: number
  /**
   * Read capacity units DynamoDB reports for one targeting (ReturnConsumedCapacity, eventually consistent reads):
   * what AWS bills, and what bounds a Query's or a Scan's time there (both read in 1 MB pages).
   */
  readonly queryReadUnits: number
  readonly scanReadUnits: number
  readonly readUnitsRatio: number
}

const WINDOW_MS = 24 * HOUR
const TARGETING_RUNS = 3

export async function runFanOut(options: FanOutOptions, at = Date.now()): Promise<FanOutResult> {
  const cloud = await LocalCloud.start()
  try {
    const agentId = uuidFrom('bench-agent', 'fan-out')
    const queueId = uuidFrom('bench-queue', 0)
    const otherAgents = Array.from({ length: 9 }, (_, i) => uuidFrom('bench-agent', 'other', i))
    const sessions: Session[] = []
    // Ended between 2 minutes and 20 hours before the trigger: inside the 24 h window.
    const lastActive = (i: number): number => at - 120_000 - ((i * 7_919) % (20 * HOUR))
    for (let i = 0; i < options.n; i++) {
      sessions.push(endedSession({ agentId, queueId, customer: i, conversation: `target-${i}`, lastActiveAt: lastActive(i), windowMs: WINDOW_MS }))
    }
    const background = options.n * (options.backgroundPerSession ?? 9)
    for (let i = 0; i < background; i++) {
      const other = otherAgents[i % otherAgents.length] as string
      sessions.push(endedSession({ agentId: other, queueId, customer: options.n + i, conversation: `other-${i}`, lastActiveAt: lastActive(i), windowMs: WINDOW_MS }))
    }
    await writeSessions(cloud, sessions)

    // Only the presence stage runs: requests are stamped as they are accepted, not sent on.
    const requestedAt: number[] = []
    cloud.bus.removeRule('message-requested', LOCAL_NAMES.appBus)
    cloud.bus.addRule({
      name: 'bench-requested',
      busName: LOCAL_NAMES.appBus,
      pattern: { source: [APP_EVENT_SOURCE], 'detail-type': [APP_DETAIL_TYPES.requested] },
      target: async () => {
        requestedAt.push(performance.now())
      },
    })
    const [offline, available] = availabilityFlip(agentId, at) as [unknown, unknown]
    cloud.clock.set(at - 60_000)
    await cloud.deliverGenesysEvent(offline as EventEnvelope)
    await cloud.drain()
    cloud.clock.set(at)
    const started = performance.now()
    await cloud.deliverGenesysEvent(available as EventEnvelope)
    await cloud.drain({ timeoutMs: 900_000 })
    const last = requestedAt.at(-1) ?? performance.now()
    const fanOutMs = last - started
    const requested = requestedAt.length

    // Targeting alone, both ways, medians of TARGETING_RUNS (a single run swings with garbage collection).
    const { client: documents, readUnits } = capacityCountingClient(cloud)
    const trigger = { agentId, eventId: 'bench', at, scope: 'agent' as const }
    const { from, to } = windowOf(at, WINDOW_MS)
    const sessionsRepository = new DynamoDbSessionRepository(documents, LOCAL_NAMES.sessionsTable)
    const queryRuns: number[] = []
    const scanRuns: number[] = []
    let scanRecipients = 0
    let queryReadUnits = 0
    let scanReadUnits = 0
    for (let run = 0; run < TARGETING_RUNS; run++) {
      readUnits.reset()
      let begin = performance.now()
      const queried = selectRecipients(await sessionsRepository.findByAgent(agentId, from, to), trigger, WINDOW_MS).requests.length
      queryRuns.push(performance.now() - begin)
      if (queried !== options.n) throw new Error(`fan-out: the index query found ${queried} recipients, expected ${options.n}`)
      queryReadUnits = readUnits.total
      readUnits.reset()
      begin = performance.now()
      scanRecipients = selectRecipients(await scanForAgent(documents, agentId, from, to), trigger, WINDOW_MS).requests.length
      scanRuns.push(performance.now() - begin)
      scanReadUnits = readUnits.total
    }
    const queryTargetingMs = median(queryRuns) as number
    const scanTargetingMs = median(scanRuns) as number

    const recipientsPerSecond = (requested / fanOutMs) * 1000
    const scanRecipientsPerSecond = (scanRecipients / scanTargetingMs) * 1000
    return {
      n: options.n,
      tableItems: sessions.length,
      fanOutMs,
      requested,
      recipientsPerSecond,
      queryTargetingMs,
      scanTargetingMs,
      scanRecipients,
      scanRecipientsPerSecond,
      ratio: recipientsPerSecond / scanRecipientsPerSecond,
      targetingRatio: scanTargetingMs / queryTargetingMs,
      queryReadUnits,
      scanReadUnits,
      readUnitsRatio: scanReadUnits / queryReadUnits,
    }
  } finally {
    await cloud.close()
  }
}

/**
 * A DynamoDB client of the bench's own that asks every read for its consumed capacity and adds it up (the
 * handlers' clients are untouched): the repository's Query is measured exactly as it is sent.
 */
function capacityCountingClient(cloud: LocalCloud): { client: DynamoDBDocumentClient; readUnits: { total: number; reset(): void } } {
  const raw = new DynamoDBClient({ endpoint: cloud.env.AWS_ENDPOINT_URL_DYNAMODB, region: cloud.env.AWS_REGION ?? 'us-east-1' })
  const readUnits = {
    total: 0,
    reset() {
      this.total = 0
    },
  }
  raw.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string }
      input.ReturnConsumedCapacity = 'TOTAL'
      const result = await next(args)
      readUnits.total += (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits ?? 0
      return result
    },
    { step: 'initialize', name: 'countReadCapacity' },
  )
  return { client: DynamoDBDocumentClient.from(raw), readUnits }
}

/** The naive targeting: read the whole table, keep the agent's sessions in the window. */
async function scanForAgent(client: DynamoDBDocumentClient, agentId: string, from: number, to: number): Promise<Session[]> {
  const sessions: Session[] = []
  let start: Record<string, unknown> | undefined
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: LOCAL_NAMES.sessionsTable,
        FilterExpression: '#agent = :agent AND #t BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#agent': 'lastAgentId', '#t': 'lastActiveAt' },
        ExpressionAttributeValues: { ':agent': agentId, ':from': from, ':to': to },
        ExclusiveStartKey: start,
      }),
    )
    for (const item of page.Items ?? []) sessions.push(item as Session)
    start = page.LastEvaluatedKey
  } while (start)
  return sessions
}
