/**
 * Fan-out: the largest fan-out one trigger can make (MAX_OUTBOX_REQUESTS requests, with MAX_MESSAGES_PER_TRIGGER
 * set that high) over a history of N eligible sessions of one agent, from the presence event to the last
 * ProactiveMessageRequested accepted on the app bus (the send stage is not fed: its rule is removed, so only
 * the presence function runs). The naive reference reads the agent's candidates with a Scan and a filter over the
 * whole table, which also holds the other agents' sessions.
 *
 * A Scan's cost grows with the table and a Query's with the agent's own sessions, so the comparison is made at
 * each table size in `tables`, growing one table: first the agent holds 10% of it, then 2%. The fan-out itself
 * runs over the largest.
 */
import { performance } from 'node:perf_hooks'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import { MAX_OUTBOX_REQUESTS } from '#lib/presence/fan-out.ts'
import type { Session } from '#lib/domain/model.ts'
import { selectRecipients, windowOf } from '#lib/domain/targeting.ts'
import { APP_DETAIL_TYPES, APP_EVENT_SOURCE } from '#lib/topology.ts'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { availabilityFlip } from '../../local/load.ts'
import { uuidFrom } from '../../local/genesys-events.ts'
import { endedSession, writeSessions } from '../sessions.ts'
import { median } from '../stats.ts'
import { HOUR } from '#lib/domain/time.ts'

export interface FanOutOptions {
  /** Eligible sessions of the agent who comes back (the history one trigger chooses from). */
  readonly n: number
  /**
   * The table sizes the targeting is compared at, ascending, each as a number of other agents with N sessions
   * of their own. Default [9, 49]: the agent holds 10% of the table, then 2% (a deployment of 50 equally busy
   * agents; the login storm scenario has 200).
   */
  readonly otherAgents?: readonly number[]
  /** Progress lines (loading a large table takes minutes). */
  readonly log?: (line: string) => void
}

/** The presence function's targeting against the naive Scan, over one table. */
export interface TargetingComparison {
  readonly tableItems: number
  /** The returning agent's sessions ÷ the table's items. */
  readonly agentShare: number
  /** Every candidate of the agent read from the open-candidate index + selectRecipients; median of 3. */
  readonly queryTargetingMs: number
  /** Reference: Scan with a filter on lastAgentId and lastActiveAt, paginated, + selectRecipients; median of 3. */
  readonly scanTargetingMs: number
  readonly scanRecipients: number
  readonly scanRecipientsPerSecond: number
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

/** The top-level comparison fields are the largest table's, the one the fan-out ran over. */
export interface FanOutResult extends TargetingComparison {
  readonly n: number
  /** Presence event delivered → last ProactiveMessageRequested accepted. */
  readonly fanOutMs: number
  readonly requested: number
  readonly recipientsPerSecond: number
  /** Fan-out recipients/s ÷ Scan reference recipients/s (largest table). */
  readonly ratio: number
  /** The comparison at every table size, ascending. */
  readonly targeting: TargetingComparison[]
}

export const DEFAULT_OTHER_AGENTS = [9, 49] as const
const WINDOW_MS = 24 * HOUR
const TARGETING_RUNS = 3
const PROGRESS_EVERY = 100_000

export async function runFanOut(options: FanOutOptions, at = Date.now()): Promise<FanOutResult> {
  const log = options.log ?? (() => {})
  const tables = options.otherAgents ?? DEFAULT_OTHER_AGENTS
  if (tables.length === 0 || tables.some((count, i) => count < 0 || (i > 0 && count <= (tables[i - 1] as number)))) {
    throw new Error(`fan-out: otherAgents must be ascending counts ≥ 0, got [${tables.join(', ')}]`)
  }
  // The largest fan-out a trigger makes: the per-trigger limit at the outbox bound (the default would request only
  // the agent's capacity).
  const cloud = await LocalCloud.start({ config: { MAX_MESSAGES_PER_TRIGGER: String(MAX_OUTBOX_REQUESTS) } })
  try {
    const agentId = uuidFrom('bench-agent', 'fan-out')
    const queueId = uuidFrom('bench-queue', 0)
    // Ended between 2 minutes and 20 hours before the trigger: inside the 24 h window.
    const lastActive = (i: number): number => at - 120_000 - ((i * 7_919) % (20 * HOUR))
    const sessionOf = (agent: string, customer: number, conversation: string, i: number): Session =>
      endedSession({ agentId: agent, queueId, customer, conversation, lastActiveAt: lastActive(i), windowMs: WINDOW_MS })
    await writeSessions(
      cloud,
      Array.from({ length: options.n }, (_, i) => sessionOf(agentId, i, `target-${i}`, i)),
    )

    const { client: documents, readUnits } = capacityCountingClient(cloud)
    const compare = comparer(documents, readUnits, { agentId, at, n: options.n })
    const targeting: TargetingComparison[] = []
    let loadedAgents = 0
    for (const otherAgents of tables) {
      const tableItems = options.n * (otherAgents + 1)
      log(`fan-out: N = ${options.n}: loading a table of ${tableItems.toLocaleString('en-US')} sessions…`)
      for (; loadedAgents < otherAgents; loadedAgents++) {
        const other = uuidFrom('bench-agent', 'other', loadedAgents)
        const first = options.n * (loadedAgents + 1)
        await writeSessions(
          cloud,
          Array.from({ length: options.n }, (_, i) => sessionOf(other, first + i, `other-${first + i}`, i)),
        )
        const loaded = first + options.n
        if (Math.floor(loaded / PROGRESS_EVERY) > Math.floor(first / PROGRESS_EVERY)) log(`fan-out: N = ${options.n}: ${loaded.toLocaleString('en-US')} sessions loaded`)
      }
      targeting.push(await compare(tableItems))
    }

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
    const recipientsPerSecond = (requested / fanOutMs) * 1000
    const largest = targeting.at(-1) as TargetingComparison
    return {
      ...largest,
      n: options.n,
      fanOutMs,
      requested,
      recipientsPerSecond,
      ratio: recipientsPerSecond / largest.scanRecipientsPerSecond,
      targeting,
    }
  } finally {
    await cloud.close()
  }
}

/** Targeting alone, both ways, medians of TARGETING_RUNS (a single run swings with garbage collection). */
function comparer(
  documents: DynamoDBDocumentClient,
  readUnits: { total: number; reset(): void },
  scenario: { agentId: string; at: number; n: number },
): (tableItems: number) => Promise<TargetingComparison> {
  const trigger = { agentId: scenario.agentId, eventId: 'bench', at: scenario.at, scope: 'agent' as const }
  const { from, to } = windowOf(scenario.at, WINDOW_MS)
  const sessionsRepository = new DynamoDbSessionRepository(documents, LOCAL_NAMES.sessionsTable)
  return async (tableItems) => {
    const queryRuns: number[] = []
    const scanRuns: number[] = []
    let scanRecipients = 0
    let queryReadUnits = 0
    let scanReadUnits = 0
    for (let run = 0; run < TARGETING_RUNS; run++) {
      readUnits.reset()
      let begin = performance.now()
      const candidates: Session[] = []
      for await (const candidate of sessionsRepository.openCandidates({ agentId: scenario.agentId }, from, to, 1_000)) candidates.push(candidate)
      const queried = selectRecipients(candidates, trigger, WINDOW_MS).requests.length
      queryRuns.push(performance.now() - begin)
      if (queried !== scenario.n) throw new Error(`fan-out: the index query found ${queried} recipients, expected ${scenario.n}`)
      queryReadUnits = readUnits.total
      readUnits.reset()
      begin = performance.now()
      scanRecipients = selectRecipients(await scanForAgent(documents, scenario.agentId, from, to), trigger, WINDOW_MS).requests.length
      scanRuns.push(performance.now() - begin)
      scanReadUnits = readUnits.total
    }
    const queryTargetingMs = median(queryRuns) as number
    const scanTargetingMs = median(scanRuns) as number
    return {
      tableItems,
      agentShare: scenario.n / tableItems,
      queryTargetingMs,
      scanTargetingMs,
      scanRecipients,
      scanRecipientsPerSecond: (scanRecipients / scanTargetingMs) * 1000,
      targetingRatio: scanTargetingMs / queryTargetingMs,
      queryReadUnits,
      scanReadUnits,
      readUnitsRatio: scanReadUnits / queryReadUnits,
    }
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
