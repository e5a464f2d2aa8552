/**
 * No lost fan-out, through the real handlers on the local cloud: PutEvents keeps failing for
 * a trigger's requests, and a newer event for the same agent is saved before SQS redelivers the trigger. The
 * redelivery is then stale. Before the outbox (publish first, save after) the trigger's requests were never
 * made; now the trigger's state is saved with its requests, and the newer event publishes them first.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { GetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { failRequestPublishes } from '../../local/chaos.ts'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import { APP_DETAIL_TYPES } from '#lib/topology.ts'
import { conversationLifecycle, presenceEvent } from '../support/genesys-events.ts'

const MINUTE = 60_000
const AT = Date.parse('2026-03-02T09:00:00.000Z')
const AGENT = 'a9e17000-0000-4000-8000-0000000000d1'
const QUEUE = '90e0e000-0000-4000-8000-0000000000d1'
const CUSTOMERS = 3

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

async function deliver(local: LocalCloud, event: unknown): Promise<void> {
  local.clock.set(Date.parse((event as EventEnvelope).time as string))
  await local.deliverGenesysEvent(event as EventEnvelope)
}

describe('a trigger whose PutEvents keeps failing, interleaved with a newer event for the agent', () => {
  it('makes every request of the trigger exactly once: the newer event publishes the outbox, the redelivered trigger is stale', async () => {
    // Presence's visibility timeout (local: 2 s) keeps the failed trigger away while the newer event is handled.
    const local = (cloud = await LocalCloud.start({ visibilitySeconds: 2 }))
    for (let i = 0; i < CUSTOMERS; i++) {
      const conversationId = `c0a7e500-0000-4000-8000-0000000000d${i}`
      for (const event of conversationLifecycle({ conversationId, messageType: 'SMS', start: AT - 3 * 60 * MINUTE + i * MINUTE, agentId: AGENT, queueId: QUEUE, addressFrom: `+1317555017${i}` })) {
        await deliver(local, event)
      }
    }
    await deliver(local, presenceEvent({ agentId: AGENT, systemPresence: 'OFFLINE', at: AT - 30 * MINUTE }))
    await local.drain()

    // The publisher tries 4 times per call (lib/adapters/eventbridge-publisher.ts): all four fail.
    const fault = failRequestPublishes(local.bus, 4)
    await deliver(local, presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: AT }))
    await deliver(local, presenceEvent({ agentId: AGENT, systemPresence: 'AWAY', at: AT + MINUTE }))
    await local.drain({ stages: ['agentEvents'] })
    await local.drain()

    expect(fault.failed()).toBe(4)
    // Every customer of the trigger messaged exactly once, each request published once and sent once.
    const accepted = (local.simulator?.agentlessRequests() ?? []).filter((request) => request.status === 200)
    const addresses = accepted.map((request) => (request.body as { toAddress?: string }).toAddress).sort()
    expect(addresses).toEqual(Array.from({ length: CUSTOMERS }, (_, i) => `+1317555017${i}`))
    const requested = local.bus.acceptedEvents(LOCAL_NAMES.appBus).filter((event) => event['detail-type'] === APP_DETAIL_TYPES.requested)
    expect(new Set(requested.map((event) => (event.detail as { dedupeKey: string }).dedupeKey)).size).toBe(CUSTOMERS)
    expect(local.outcomes.filter((event) => event['detail-type'] === APP_DETAIL_TYPES.sent)).toHaveLength(CUSTOMERS)
    expect(await local.deadLetters()).toEqual([])

    // Counted: the trigger once, its pending attempt, and its late completion (which counts its requests).
    const presence = (metric: (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES]) => local.tally.get('presence', metric)
    expect(presence(METRIC_NAMES.availabilityTriggers)).toBe(1)
    expect(presence(METRIC_NAMES.fanOutsPending)).toBe(1)
    expect(presence(METRIC_NAMES.fanOutsCompletedLate)).toBe(1)
    expect(presence(METRIC_NAMES.messagesRequested)).toBe(CUSTOMERS)

    // The newer event's state won (the agent is away), and no outbox is left behind.
    const documents = DynamoDBDocumentClient.from(local.dynamo)
    const { Item } = await documents.send(new GetCommand({ TableName: LOCAL_NAMES.stateTable, Key: { pk: `agent#${AGENT}` } }))
    expect(Item).toMatchObject({ presence: { status: 'AWAY' }, lastTriggeredAt: AT })
    expect(Item).not.toHaveProperty('pending')
  }, 60_000)
})
