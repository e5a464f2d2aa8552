/**
 * The per-trigger limit (issue 12 item 2), through the real handlers on the local cloud: an agent is offered only
 * as many customers as MAX_MESSAGES_PER_TRIGGER allows; the rest are deferred (nothing published, nothing
 * written) and found again by the next trigger, of this agent or, in queue scope, of another agent, until their
 * session leaves the window. When the limit bites, never-served conversations come first, then the newest.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import { APP_DETAIL_TYPES } from '#lib/topology.ts'
import { conversationEvent, conversationLifecycle, presenceEvent } from '../support/genesys-events.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const AT = Date.parse('2026-03-03T09:00:00.000Z')
const AGENT_A = 'a9e17000-0000-4000-8000-0000000000d1'
const AGENT_B = 'a9e17000-0000-4000-8000-0000000000d2'
const SERVING_AGENT = 'a9e17000-0000-4000-8000-0000000000d9'
const QUEUE = '90e0e000-0000-4000-8000-0000000000d1'
const conversation = (n: number) => `c0a7e500-0000-4000-8000-0000000d${String(n).padStart(4, '0')}`
const phone = (n: number) => `+1317555${String(n).padStart(4, '0')}`

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

async function deliver(local: LocalCloud, events: readonly unknown[]): Promise<void> {
  for (const event of events as EventEnvelope[]) {
    local.clock.set(Date.parse(event.time as string))
    await local.deliverGenesysEvent(event)
    await local.drain()
  }
}

/** Conversation ids requested so far, in publishing order (one entry per request, so a repeat shows). */
function requestedConversations(local: LocalCloud): string[] {
  return local.bus
    .acceptedEvents(LOCAL_NAMES.appBus)
    .filter((event) => event['detail-type'] === APP_DETAIL_TYPES.requested)
    .map((event) => (event.detail as { conversationId: string }).conversationId)
}

/** Recipients Genesys accepted, one entry per accepted message. */
function messaged(local: LocalCloud): string[] {
  return local
    .simulator!.agentlessRequests()
    .filter((request) => request.status === 200 || request.status === 202)
    .map((request) => String((request.body as { toAddress?: string }).toAddress))
}

/** An agent's trigger: off queue, then On Queue (routing status not yet seen: available on presence alone). */
const comeBack = (agentId: string, at: number) => [presenceEvent({ agentId, systemPresence: 'BREAK', at: at - 5 * MINUTE }), presenceEvent({ agentId, systemPresence: 'ON_QUEUE', at })]

/** A conversation an agent served and closed; the customer's last event is at `end`. */
const served = (n: number, agentId: string, end: number) =>
  conversationLifecycle({ conversationId: conversation(n), messageType: 'SMS', start: end - 301_000, agentId, queueId: QUEUE, addressFrom: phone(n) })

/** A customer who left while waiting in the queue: no agent ever connected. */
const abandoned = (n: number, end: number) => {
  const common = { conversationId: conversation(n), messageType: 'SMS' as const }
  return [
    conversationEvent('customer.start', { ...common, at: end - 120_000, addressFrom: phone(n) }),
    conversationEvent('acd.start', { ...common, at: end - 119_000, queueId: QUEUE }),
    conversationEvent('customer.end', { ...common, at: end, addressFrom: phone(n) }),
  ]
}

describe('deferral across triggers of one agent (agent scope, limit 2)', () => {
  it('5 customers: 2, then 2, then 1, newest first; no customer twice, none lost', async () => {
    const local = (cloud = await LocalCloud.start({ config: { MAX_MESSAGES_PER_TRIGGER: '2' } }))
    // Customer n's conversation ended n hours before 09:00: 1 is the newest.
    await deliver(
      local,
      [1, 2, 3, 4, 5].flatMap((n) => served(n, AGENT_A, AT - n * HOUR)),
    )

    await deliver(local, comeBack(AGENT_A, AT))
    expect(requestedConversations(local)).toEqual([conversation(1), conversation(2)])
    expect(local.tally.total(METRIC_NAMES.messagesDeferred)).toBe(3)

    await deliver(local, comeBack(AGENT_A, AT + 20 * MINUTE))
    expect(requestedConversations(local).slice(2)).toEqual([conversation(3), conversation(4)])
    expect(local.tally.total(METRIC_NAMES.messagesDeferred)).toBe(3 + 1)

    await deliver(local, comeBack(AGENT_A, AT + 40 * MINUTE))
    expect(requestedConversations(local).slice(4)).toEqual([conversation(5)])
    expect(local.tally.total(METRIC_NAMES.messagesDeferred)).toBe(4)

    // Everyone has been messaged once: a fourth trigger has nobody left to offer, and defers nobody.
    await deliver(local, comeBack(AGENT_A, AT + 60 * MINUTE))
    expect(requestedConversations(local)).toHaveLength(5)
    expect(messaged(local).sort()).toEqual([1, 2, 3, 4, 5].map(phone).sort())
    expect(local.tally.total(METRIC_NAMES.availabilityTriggers)).toBe(4)
    expect(local.tally.total(METRIC_NAMES.messagesDeferred)).toBe(4)
    // A numeric limit makes no capacity lookup, so there is nothing to fall back from.
    expect(local.tally.total(METRIC_NAMES.capacityLookupFallbacks)).toBe(0)
  }, 60_000)

  it('a deferred customer whose session leaves the window is no longer offered', async () => {
    const local = (cloud = await LocalCloud.start({ config: { MAX_MESSAGES_PER_TRIGGER: '1', WINDOW_HOURS: '3' } }))
    // Customer 1 ended at 08:00, customer 2 at 06:10: inside the 3 h window at 09:00, outside it at 09:20.
    await deliver(local, [...served(1, AGENT_A, AT - HOUR), ...served(2, AGENT_A, AT - 2 * HOUR - 50 * MINUTE)])
    await deliver(local, comeBack(AGENT_A, AT))
    expect(requestedConversations(local)).toEqual([conversation(1)])
    expect(local.tally.total(METRIC_NAMES.messagesDeferred)).toBe(1)
    await deliver(local, comeBack(AGENT_A, AT + 20 * MINUTE))
    expect(requestedConversations(local)).toEqual([conversation(1)])
    expect(local.tally.total(METRIC_NAMES.messagesDeferred)).toBe(1)
  }, 60_000)
})

describe('deferral across agents (queue scope, limit 2)', () => {
  it('the customers one agent could not take go to the next agent of the queue, none twice', async () => {
    const local = (cloud = await LocalCloud.start({
      config: { TARGET_SCOPE: 'queue', MAX_MESSAGES_PER_TRIGGER: '2' },
      simulator: { queueMemberships: { [AGENT_A]: [QUEUE], [AGENT_B]: [QUEUE] } },
    }))
    await deliver(
      local,
      [1, 2, 3].flatMap((n) => served(n, SERVING_AGENT, AT - n * HOUR)),
    )

    await deliver(local, comeBack(AGENT_A, AT))
    expect(requestedConversations(local)).toEqual([conversation(1), conversation(2)])
    expect(local.tally.total(METRIC_NAMES.messagesDeferred)).toBe(1)

    await deliver(local, comeBack(AGENT_B, AT + 2 * MINUTE))
    expect(requestedConversations(local)).toEqual([conversation(1), conversation(2), conversation(3)])
    expect(local.tally.total(METRIC_NAMES.messagesDeferred)).toBe(1)
    expect(messaged(local).sort()).toEqual([1, 2, 3].map(phone).sort())
  }, 60_000)
})

describe('priority when the limit bites (queue scope)', () => {
  it('customers no agent ever connected to come first, then the newest', async () => {
    const local = (cloud = await LocalCloud.start({
      config: { TARGET_SCOPE: 'queue', MAX_MESSAGES_PER_TRIGGER: '3' },
      simulator: { queueMemberships: { [AGENT_A]: [QUEUE] } },
    }))
    // Served: 1 (newest, 08:50) and 2 (08:40). Abandoned in queue: 3 (07:00) and 4 (06:00), older than both.
    await deliver(local, [...served(1, SERVING_AGENT, AT - 10 * MINUTE), ...served(2, SERVING_AGENT, AT - 20 * MINUTE), ...abandoned(3, AT - 2 * HOUR), ...abandoned(4, AT - 3 * HOUR)])

    await deliver(local, comeBack(AGENT_A, AT))
    expect(requestedConversations(local)).toEqual([conversation(3), conversation(4), conversation(1)])
    expect(local.tally.total(METRIC_NAMES.messagesDeferred)).toBe(1)

    await deliver(local, comeBack(AGENT_A, AT + 20 * MINUTE))
    expect(requestedConversations(local).slice(3)).toEqual([conversation(2)])
  }, 60_000)
})

describe('MAX_MESSAGES_PER_TRIGGER=agent-capacity (the default) without a capacity lookup', () => {
  it('uses FALLBACK_MESSAGES_PER_TRIGGER and counts the fallback once per trigger', async () => {
    const local = (cloud = await LocalCloud.start({ config: { FALLBACK_MESSAGES_PER_TRIGGER: '3' } }))
    await deliver(
      local,
      [1, 2, 3, 4, 5].flatMap((n) => served(n, AGENT_A, AT - n * HOUR)),
    )
    await deliver(local, comeBack(AGENT_A, AT))
    expect(requestedConversations(local)).toEqual([conversation(1), conversation(2), conversation(3)])
    expect(local.tally.total(METRIC_NAMES.messagesDeferred)).toBe(2)
    expect(local.tally.total(METRIC_NAMES.capacityLookupFallbacks)).toBe(1)
  }, 60_000)
})
