/**
 * What one trigger costs: presence's use case with the adapters the function builds (functions/presence/
 * dependencies.ts), against the local cloud, its DynamoDB client counting every request and asking each for its
 * consumed capacity. Agent scope and queue scope over N sessions of distinct customers in the window: 50 % of them
 * messaged in the cap window, 5 % busy (a conversation not ended), 2 % opted out; MAX_MESSAGES_PER_TRIGGER=4.
 * Then two agents of one queue On Queue at the same instant over 10 eligible customers, a limit of 3.
 */
import { performance } from 'node:perf_hooks'
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createAwsClients, type AwsClients } from '#lib/adapters/aws-clients.ts'
import { capKey } from '#lib/adapters/dynamodb-cap-ledger.ts'
import { staticCredentials } from '#lib/adapters/genesys-credentials.ts'
import { optOutItemKey } from '#lib/adapters/dynamodb-state.ts'
import { loadConfig, presenceConfigSchema } from '#lib/config.ts'
import { customerKey } from '#lib/domain/address.ts'
import type { AgentAvailabilityEvent } from '#lib/domain/events.ts'
import type { Session } from '#lib/domain/model.ts'
import { HOUR, MINUTE } from '#lib/domain/time.ts'
import { handleAvailability, type AvailabilityOutcome } from '#lib/presence/handle-availability.ts'
import { chunksOf } from '#lib/concurrency.ts'
import { availabilityDependencies, availabilitySettings } from '../../functions/presence/dependencies.ts'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import { uuidFrom } from '../../local/genesys-events.ts'
import { endedSession, writeSessions } from '../sessions.ts'

export interface TriggerCost {
  readonly scope: 'agent' | 'queue'
  readonly sessions: number
  readonly dynamodbRequests: number
  readonly readUnits: number
  readonly writeUnits: number
  readonly genesysCalls: number
  readonly latencyMs: number
  readonly requested: number
}

export interface TriggerCostResult {
  readonly perTrigger: TriggerCost[]
  /** Two agents of one queue at the same instant, 10 eligible customers, limit 3: distinct customers requested. */
  readonly concurrent: { readonly requested: number; readonly distinctCustomers: number }
}

const WINDOW_MS = 24 * HOUR
/** The simulator's client: the queue directory and capacity lookup are built (never called with an activity event). */
const LOCAL_GENESYS = { genesysCredentials: staticCredentials({ clientId: 'local-client', clientSecret: 'local-secret' }) }
const LIMIT = 4
const WRITES = /^(Put|Update|Delete|BatchWrite|TransactWrite)/

/** A DynamoDB document client that counts its requests and the capacity DynamoDB reports for each. */
export function countingDynamo(env: Record<string, string>): { clients: AwsClients; meter: { requests: number; readUnits: number; writeUnits: number; reset(): void } } {
  const clients = createAwsClients(env)
  const meter = {
    requests: 0,
    readUnits: 0,
    writeUnits: 0,
    reset() {
      this.requests = 0
      this.readUnits = 0
      this.writeUnits = 0
    },
  }
  clients.dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string }
      input.ReturnConsumedCapacity = 'TOTAL'
      meter.requests++
      const result = await next(args).catch((error: unknown) => {
        // A failed conditional write is billed too (1 unit for a small item).
        if (WRITES.test(String(context.commandName))) meter.writeUnits += 1
        throw error
      })
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0)
      if (WRITES.test(String(context.commandName))) meter.writeUnits += units
      else meter.readUnits += units
      return result
    },
    { step: 'initialize', name: 'countRequestsAndCapacity' },
  )
  return { clients, meter }
}

const agentEvent = (agentId: string, status: string, at: number, queueIds?: readonly string[]): AgentAvailabilityEvent => ({
  kind: 'agent',
  signal: 'activity',
  agentId,
  status,
  presence: { status, at },
  ...(queueIds ? { activeQueueIds: queueIds } : {}),
  eventId: uuidFrom('bench-trigger', `${agentId}-${status}-${at}`),
  at,
  source: 'bench',
})

async function putStateItems(cloud: LocalCloud, items: Record<string, unknown>[]): Promise<void> {
  const client = DynamoDBDocumentClient.from(cloud.dynamo)
  for (const batch of chunksOf(items, 25)) {
    let pending = batch
    for (let attempt = 0; pending.length > 0 && attempt < 20; attempt++) {
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [LOCAL_NAMES.stateTable]: pending.map((Item) => ({ PutRequest: { Item } })) } }))
      pending = (result.UnprocessedItems?.[LOCAL_NAMES.stateTable] ?? []).map((request) => request.PutRequest?.Item as Record<string, unknown>)
    }
  }
}

/** N sessions of distinct customers, the agent's and the queue's: every 2nd messaged, every 20th busy, every 50th opted out. */
async function loadHistory(cloud: LocalCloud, n: number, agentId: string, queueId: string, at: number): Promise<void> {
  const sessions: Session[] = Array.from({ length: n }, (_, i) => {
    const lastActiveAt = at - 2 * MINUTE - ((i * 7_919) % (20 * HOUR))
    const session = endedSession({ agentId, queueId, customer: i, conversation: `cost-${n}-${i}`, lastActiveAt: i % 20 === 1 ? at - 10 * MINUTE : lastActiveAt, windowMs: WINDOW_MS })
    if (i % 20 !== 1) return session
    const { customerEndedAt: _notEnded, ...busy } = session
    return busy
  })
  await writeSessions(cloud, sessions)
  const key = (session: Session) => customerKey(session.customer as NonNullable<Session['customer']>)
  const caps = sessions
    .filter((_, i) => i % 2 === 0)
    .map((session) => ({ pk: capKey(key(session)), reservedAt: at - HOUR, dedupeKey: `earlier:${session.conversationId}`, expiresAt: Math.ceil((at + WINDOW_MS) / 1000) }))
  const optOuts = sessions.filter((_, i) => i % 50 === 3).map((session) => ({ pk: optOutItemKey(key(session)), channel: session.channel, addedAt: at - HOUR }))
  await putStateItems(cloud, [...caps, ...optOuts])
}

export async function runTriggerCost(options: { sizes: readonly number[]; log?: (line: string) => void }, at = Date.now()): Promise<TriggerCostResult> {
  const log = options.log ?? (() => {})
  const perTrigger: TriggerCost[] = []
  for (const n of options.sizes) {
    for (const scope of ['agent', 'queue'] as const) {
      const cloud = await LocalCloud.start({ config: { TARGET_SCOPE: scope, MAX_MESSAGES_PER_TRIGGER: String(LIMIT) } })
      try {
        cloud.bus.removeRule('message-requested', LOCAL_NAMES.appBus)
        const served = uuidFrom('bench-agent', 'cost-served')
        const queueId = uuidFrom('bench-queue', 'cost')
        log(`trigger-cost: ${scope} scope, ${n.toLocaleString('en-US')} sessions: loading…`)
        await loadHistory(cloud, n, served, queueId, at)
        // Agent scope: the agent who served them comes back. Queue scope: another agent of the queue.
        const agentId = scope === 'agent' ? served : uuidFrom('bench-agent', 'cost-other')
        const queues = scope === 'queue' ? [queueId] : undefined
        const { clients, meter } = countingDynamo(cloud.env)
        const config = loadConfig('presence', presenceConfigSchema, cloud.env)
        const deps = availabilityDependencies(config, clients, LOCAL_GENESYS, { now: () => at }, { count: () => {} })
        const settings = availabilitySettings(config)
        await handleAvailability(agentEvent(agentId, 'OFFLINE', at - MINUTE, queues), deps, settings)
        const genesysBefore = cloud.simulator?.requests.length ?? 0
        meter.reset()
        const started = performance.now()
        const outcome: AvailabilityOutcome = await handleAvailability(agentEvent(agentId, 'ON_QUEUE', at, queues), deps, settings)
        const latencyMs = performance.now() - started
        perTrigger.push({
          scope,
          sessions: n,
          dynamodbRequests: meter.requests,
          readUnits: meter.readUnits,
          writeUnits: meter.writeUnits,
          genesysCalls: (cloud.simulator?.requests.length ?? 0) - genesysBefore,
          latencyMs,
          requested: outcome.kind === 'triggered' ? outcome.requested : 0,
        })
      } finally {
        await cloud.close()
      }
    }
  }
  return { perTrigger, concurrent: await runConcurrent(at) }
}

/** Two agents of one queue On Queue at the same instant; 10 eligible customers; limit 3. */
async function runConcurrent(at: number): Promise<TriggerCostResult['concurrent']> {
  const cloud = await LocalCloud.start({ config: { TARGET_SCOPE: 'queue', MAX_MESSAGES_PER_TRIGGER: '3' } })
  try {
    cloud.bus.removeRule('message-requested', LOCAL_NAMES.appBus)
    const queueId = uuidFrom('bench-queue', 'concurrent')
    const served = uuidFrom('bench-agent', 'concurrent-served')
    await writeSessions(
      cloud,
      Array.from({ length: 10 }, (_, i) => endedSession({ agentId: served, queueId, customer: i, conversation: `concurrent-${i}`, lastActiveAt: at - (i + 1) * 10 * MINUTE, windowMs: WINDOW_MS })),
    )
    const config = loadConfig('presence', presenceConfigSchema, cloud.env)
    const settings = availabilitySettings(config)
    const agents = [uuidFrom('bench-agent', 'concurrent-1'), uuidFrom('bench-agent', 'concurrent-2')]
    // Each agent its own function instance (its own clients), as two Lambda invocations would be.
    const instances = agents.map(() => availabilityDependencies(config, createAwsClients(cloud.env), LOCAL_GENESYS, { now: () => at }, { count: () => {} }))
    await Promise.all(agents.map((agentId, i) => handleAvailability(agentEvent(agentId, 'OFFLINE', at - MINUTE, [queueId]), instances[i]!, settings)))
    const outcomes = await Promise.all(agents.map((agentId, i) => handleAvailability(agentEvent(agentId, 'ON_QUEUE', at, [queueId]), instances[i]!, settings)))
    const requested = outcomes.reduce((sum, outcome) => sum + (outcome.kind === 'triggered' ? outcome.requested : 0), 0)
    const conversations = new Set(
      cloud.bus
        .acceptedEvents(LOCAL_NAMES.appBus)
        .map((event) => (event.detail as { conversationId?: string }).conversationId)
        .filter((id) => id !== undefined),
    )
    return { requested, distinctCustomers: conversations.size }
  } finally {
    await cloud.close()
  }
}
