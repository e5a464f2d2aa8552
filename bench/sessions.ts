/**
 * Loads sessions fast: items written straight into the local sessions table with BatchWriteItem, in the item
 * format of DynamoDbSessionRepository (lib/adapters/dynamodb-sessions.ts: `toItem` + `version`). The session
 * recorder through the local SQS event source takes ~7 ms an event here (dynalite), so 20,000 conversation
 * events would take minutes of setup. `recordInMemory` runs the recorder's own use case (recordSession →
 * applyConversationEvent) over the events against an in-memory repository, so the items are the ones the
 * function would have written.
 */
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { parseGenesysEvent } from '#lib/domain/events.ts'
import type { Channel, Session } from '#lib/domain/model.ts'
import { sessionItem } from '#lib/adapters/dynamodb-sessions.ts'
import type { SessionRepository, WriteResult } from '#lib/domain/ports.ts'
import { recordSession } from '#lib/session-recorder/record-session.ts'
import { uuidFrom } from '../local/genesys-events.ts'
import { LOCAL_NAMES, type LocalCloud } from '../local/cloud.ts'
import { chunksOf } from '#lib/concurrency.ts'
import { sleep } from './stats.ts'

const BATCH = 25
const PARALLEL_BATCHES = 4
const CHANNELS: readonly Channel[] = ['webmessaging', 'sms', 'whatsapp', 'open']

/** One ended conversation of `customer` with `agentId`, last active at `lastActiveAt`: eligible when that agent comes back. */
export function endedSession(options: { agentId: string; queueId: string; customer: number; conversation: string; lastActiveAt: number; windowMs: number }): Session {
  const channel = CHANNELS[options.customer % CHANNELS.length] as Channel
  const customer =
    channel === 'webmessaging'
      ? { channel, externalContactId: uuidFrom('contact', options.customer) }
      : channel === 'open'
        ? { channel, address: `customer-${options.customer}@open.example` }
        : { channel, address: channel === 'sms' ? `+1317${String(5_000_000 + options.customer).padStart(7, '0')}` : `1317${String(5_000_000 + options.customer).padStart(7, '0')}` }
  const connectedAt = options.lastActiveAt - 48_000
  return {
    conversationId: uuidFrom('bench-conversation', options.conversation),
    channel,
    customer,
    queueId: options.queueId,
    lastAgentId: options.agentId,
    agents: { [options.agentId]: { connected: false, changedAt: options.lastActiveAt, connectedAt } },
    lastActiveAt: options.lastActiveAt,
    // Ended for the customer too: a conversation without customer.end keeps its customer busy.
    customerEndedAt: options.lastActiveAt,
    expiresAt: Math.ceil((options.lastActiveAt + options.windowMs + 3_600_000) / 1000),
  }
}

/** The repository's item for a session (its index keys included), versioned; absent keys are dropped. */
function itemOf(session: Session): Record<string, unknown> {
  const item: Record<string, unknown> = { ...sessionItem(session), version: session.version ?? 1 }
  for (const key of Object.keys(item)) if (item[key] === undefined || item[key] === '') delete item[key]
  return item
}

export async function writeSessions(cloud: LocalCloud, sessions: readonly Session[]): Promise<void> {
  const client = DynamoDBDocumentClient.from(cloud.dynamo, { marshallOptions: { removeUndefinedValues: true } })
  const batches = chunksOf(sessions.map(itemOf), BATCH)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      let items = batches[next++] as Record<string, unknown>[]
      for (let attempt = 0; items.length > 0; attempt++) {
        if (attempt > 20) throw new Error('sessions: BatchWriteItem kept returning unprocessed items')
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [LOCAL_NAMES.sessionsTable]: items.map((Item) => ({ PutRequest: { Item } })) } }))
        items = (result.UnprocessedItems?.[LOCAL_NAMES.sessionsTable] ?? []).map((request) => request.PutRequest?.Item as Record<string, unknown>)
        if (items.length > 0) await sleep(20 * (attempt + 1))
      }
    }
  }
  await Promise.all(Array.from({ length: PARALLEL_BATCHES }, worker))
}

/** The session recorder's use case over `events` (in order), stored in memory. Returns the sessions it wrote. */
export async function recordInMemory(events: readonly unknown[], windowMs: number): Promise<Session[]> {
  const store = new Map<string, Session>()
  const repository: SessionRepository = {
    get: async (conversationId) => store.get(conversationId),
    put: async (next): Promise<WriteResult> => {
      if ((store.get(next.conversationId)?.version ?? undefined) !== next.version) return 'conflict'
      store.set(next.conversationId, { ...next, version: (next.version ?? 0) + 1 })
      return 'written'
    },
    openCandidates: async function* () {},
    findByCustomer: async () => [],
  }
  for (const envelope of events) {
    const event = parseGenesysEvent(envelope)
    if (event.kind !== 'conversation') throw new Error('recordInMemory: not a conversation event')
    await recordSession(event, repository, { windowMs })
  }
  return [...store.values()]
}
