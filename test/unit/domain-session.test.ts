import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseGenesysEvent, type ConversationEvent } from '#lib/domain/events.ts'
import type { Session } from '#lib/domain/model.ts'
import { applyConversationEvent, hasConnectedAgent, type SessionPolicy } from '#lib/domain/session.ts'
import { conversationEvent, conversationLifecycle, type ConversationEventInput, type ConversationTopicName, uuidFrom } from '../support/genesys-events.ts'

const CONVERSATION = '5a6b7c8d-0000-4000-8000-00000000c0a1'
const AGENT_A = '11111111-0000-4000-8000-00000000000a'
const AGENT_B = '22222222-0000-4000-8000-00000000000b'
const QUEUE_1 = '33333333-0000-4000-8000-000000000001'
const QUEUE_2 = '33333333-0000-4000-8000-000000000002'
const T = Date.parse('2026-03-01T10:00:00.000Z')
const HOUR = 3_600_000
const POLICY: SessionPolicy = { windowMs: 24 * HOUR }

function parse(topic: ConversationTopicName, input: Partial<ConversationEventInput> & { at: number }): ConversationEvent {
  const event = parseGenesysEvent(conversationEvent(topic, { conversationId: CONVERSATION, messageType: 'WEBMESSAGING', ...input }))
  if (event.kind !== 'conversation') throw new Error('expected a conversation event')
  return event
}

/** What the session recorder does: fold the events, keeping the stored item when told `unchanged`. */
function fold(events: readonly ConversationEvent[], policy: SessionPolicy = POLICY): Session | undefined {
  let session: Session | undefined
  for (const event of events) {
    const decision = applyConversationEvent(session, event, policy)
    if (decision.kind === 'write') session = decision.session
  }
  return session
}

function mustFold(events: readonly ConversationEvent[]): Session {
  const session = fold(events)
  if (!session) throw new Error('expected a session')
  return session
}

describe('applyConversationEvent: what a session holds', () => {
  it('records a Web Messaging conversation: channel, externalContactId (no address), queue, agent, times, TTL', () => {
    const events = conversationLifecycle({
      conversationId: CONVERSATION,
      messageType: 'WEBMESSAGING',
      start: T,
      agentId: AGENT_A,
      queueId: QUEUE_1,
      externalContactId: 'c0417ac7-0000-4000-8000-000000000001',
      addressFrom: 'should-not-be-used',
    }).map((e) => parseGenesysEvent(e) as ConversationEvent)
    const session = mustFold(events)
    const lastAt = T + 301_000
    expect(session).toEqual({
      conversationId: CONVERSATION,
      channel: 'webmessaging',
      customer: { channel: 'webmessaging', externalContactId: 'c0417ac7-0000-4000-8000-000000000001', contactIdField: 'externalContactId' },
      queueId: QUEUE_1,
      queueSetAt: T + 300_000,
      lastAgentId: AGENT_A,
      agents: { [AGENT_A]: { connected: false, changedAt: lastAt, connectedAt: T + 30_000 } },
      lastActiveAt: lastAt,
      customerEndedAt: lastAt,
      // The wrap-up code of the lifecycle's acw (EXCLUDE_WRAPUP_CODES).
      wrapupCodes: [uuidFrom('wrapup')],
      expiresAt: Math.ceil((lastAt + 24 * HOUR + HOUR) / 1000),
    })
    expect(hasConnectedAgent(session)).toBe(false)
  })

  it.each([
    ['SMS', 'sms', '+15550001111'],
    ['WHATSAPP', 'whatsapp', '15550001111'],
    ['OPEN', 'open', 'user@open.example'],
  ] as const)('records the customer address for %s', (messageType, channel, addressFrom) => {
    const session = mustFold([parse('customer.start', { at: T, messageType, addressFrom })])
    expect(session.channel).toBe(channel)
    expect(session.customer).toEqual({ channel, address: addressFrom, addressField: 'addressFrom' })
  })

  it('keeps an SMS externalContactId alongside the address', () => {
    const session = mustFold([parse('customer.start', { at: T, messageType: 'SMS', addressFrom: '+15550001111', externalContactId: 'c0417ac7-0000-4000-8000-000000000009' })])
    expect(session.customer).toEqual({
      channel: 'sms',
      address: '+15550001111',
      addressField: 'addressFrom',
      externalContactId: 'c0417ac7-0000-4000-8000-000000000009',
      contactIdField: 'externalContactId',
    })
  })

  it('uses the recipient address for an outbound (agent-initiated) conversation', () => {
    const session = mustFold([parse('customer.start', { at: T, messageType: 'SMS', direction: 'OUTBOUND', addressFrom: '+15550009999', addressTo: '+15550001111' })])
    expect(session.customer?.address).toBe('+15550001111')
  })

  it('has no customer for Web Messaging without an externalContactId', () => {
    const session = mustFold([parse('customer.start', { at: T, addressFrom: 'x' })])
    expect(session.customer).toBeUndefined()
  })

  it('takes addressing only from the customer topics', () => {
    const session = mustFold([parse('acd.start', { at: T, messageType: 'SMS', addressFrom: '+15550001111', queueId: QUEUE_1 })])
    expect(session.customer).toBeUndefined()
    expect(session.queueId).toBe(QUEUE_1)
  })

  it('takes the customer from the customer topic even when an agent or queue event with the contact id comes first', () => {
    const contactId = 'c0417ac7-0000-4000-8000-000000000009'
    const early = [
      parse('acd.start', { at: T, messageType: 'SMS', externalContactId: contactId, queueId: QUEUE_1 }),
      parse('user.start', { at: T + 1, messageType: 'SMS', externalContactId: contactId, userId: AGENT_A }),
    ]
    expect(mustFold(early).customer).toBeUndefined()
    const session = mustFold([...early, parse('customer.start', { at: T - 5, messageType: 'SMS', addressFrom: '+15550001111', externalContactId: contactId })])
    expect(session.customer).toEqual({ channel: 'sms', address: '+15550001111', addressField: 'addressFrom', externalContactId: contactId, contactIdField: 'externalContactId' })
  })

  it('keeps an address only for a channel addressed by one, and a field name only with its value, whatever the event carries', () => {
    // Events the parser never builds (it already drops these): the session does not rely on it.
    const webMessaging = { ...parse('customer.start', { at: T, externalContactId: 'c0417ac7-0000-4000-8000-000000000001' }), customerAddress: 'guest-1', addressField: 'addressFrom' as const }
    expect(mustFold([webMessaging]).customer).toEqual({ channel: 'webmessaging', externalContactId: 'c0417ac7-0000-4000-8000-000000000001', contactIdField: 'externalContactId' })
    const sms = { ...parse('customer.start', { at: T, messageType: 'SMS', addressFrom: '+15550001111' }), contactIdField: 'externalContactId' as const }
    expect(mustFold([sms]).customer).toEqual({ channel: 'sms', address: '+15550001111', addressField: 'addressFrom' })
  })

  it('ignores the verbatim CHAT samples', () => {
    for (const name of ['eventbridge-conversation-customer-start.json', 'eventbridge-conversation-customer-end.json']) {
      const event = parseGenesysEvent(JSON.parse(readFileSync(new URL(`../fixtures/genesys/${name}`, import.meta.url), 'utf8'))) as ConversationEvent
      expect(applyConversationEvent(undefined, event, POLICY)).toEqual({ kind: 'ignored', reason: 'not-messaging' })
    }
  })

  it.each(['VOICE', 'CHAT', 'EMAIL', 'CALLBACK'])('ignores mediaType %s', (mediaType) => {
    expect(applyConversationEvent(undefined, parse('customer.start', { at: T, mediaType }), POLICY)).toEqual({ kind: 'ignored', reason: 'not-messaging' })
  })

  it.each(['FACEBOOK', 'INSTAGRAM', 'APPLE'])('ignores messaging type %s that the agentless endpoint cannot reach', (messageType) => {
    expect(applyConversationEvent(undefined, parse('customer.start', { at: T, messageType }), POLICY)).toEqual({ kind: 'ignored', reason: 'unsupported-message-type' })
  })

  it('marks an agent connected between user.start and user.end', () => {
    const started = mustFold([parse('customer.start', { at: T, externalContactId: 'c0417ac7-0000-4000-8000-000000000001' }), parse('user.start', { at: T + 10, userId: AGENT_A })])
    expect(hasConnectedAgent(started)).toBe(true)
    expect(started.lastAgentId).toBe(AGENT_A)
    const ended = mustFold([parse('user.start', { at: T + 10, userId: AGENT_A }), parse('user.end', { at: T + 20, userId: AGENT_A })])
    expect(hasConnectedAgent(ended)).toBe(false)
  })

  it('links an agent only from user.start, user.end and acw events that name one', () => {
    const queued = mustFold([parse('acd.start', { at: T, userId: AGENT_A, queueId: QUEUE_1 })])
    expect(queued.agents).toEqual({})
    const nameless = mustFold([parse('user.start', { at: T }), parse('acw', { at: T + 5 })])
    expect(nameless.agents).toEqual({})
    expect(hasConnectedAgent(nameless)).toBe(false)
  })

  it('treats acw as the end of the agent’s part', () => {
    const session = mustFold([parse('user.start', { at: T, userId: AGENT_A }), parse('acw', { at: T + 5, userId: AGENT_A })])
    expect(hasConnectedAgent(session)).toBe(false)
  })

  it('still knows an agent is connected when another one has left (transfer)', () => {
    const session = mustFold([
      parse('user.start', { at: T, userId: AGENT_A, queueId: QUEUE_1 }),
      parse('user.end', { at: T + 100, userId: AGENT_A, queueId: QUEUE_1 }),
      parse('acd.start', { at: T + 110, queueId: QUEUE_2 }),
      parse('user.start', { at: T + 120, userId: AGENT_B, queueId: QUEUE_2 }),
    ])
    expect(hasConnectedAgent(session)).toBe(true)
    expect(session.lastAgentId).toBe(AGENT_B)
    expect(session.queueId).toBe(QUEUE_2)
    expect(Object.keys(session.agents).sort()).toEqual([AGENT_A, AGENT_B])
  })

  it('disconnects every agent when the customer ends, even if their user.end was lost', () => {
    const session = mustFold([parse('user.start', { at: T, userId: AGENT_A }), parse('customer.end', { at: T + 50 })])
    expect(hasConnectedAgent(session)).toBe(false)
    expect(session.customerEndedAt).toBe(T + 50)
  })

  it('does not let an older event move lastActiveAt, the queue or an agent back', () => {
    const session = mustFold([
      parse('acd.start', { at: T + 1000, queueId: QUEUE_2 }),
      parse('user.end', { at: T + 900, userId: AGENT_A }),
      parse('acd.start', { at: T + 10, queueId: QUEUE_1 }),
      parse('user.start', { at: T + 20, userId: AGENT_A }),
    ])
    expect(session.lastActiveAt).toBe(T + 1000)
    expect(session.queueId).toBe(QUEUE_2)
    expect(hasConnectedAgent(session)).toBe(false)
    expect(session.expiresAt).toBe(Math.ceil((T + 1000 + 25 * HOUR) / 1000))
  })

  it('sets the TTL from the window plus the retention slack', () => {
    const session = mustFold([parse('customer.start', { at: T })])
    expect(session.expiresAt).toBe(Math.ceil((T + 24 * HOUR + HOUR) / 1000))
    const decision = applyConversationEvent(undefined, parse('customer.start', { at: T + 1 }), { windowMs: 2 * HOUR, retentionSlackMs: 0 })
    expect(decision.kind === 'write' && decision.session.expiresAt).toBe(Math.ceil((T + 1 + 2 * HOUR) / 1000))
  })

  // With `customerEndedAt > event.at` instead of `>=`, this order would leave the customer
  // looking still served.
  it('counts a customer.end at the same instant as a later-delivered user.start of an agent with no link as the end', () => {
    const end = parse('customer.end', { at: T + 30 })
    const start = parse('user.start', { at: T + 30, userId: AGENT_A })
    for (const order of [
      [end, start],
      [start, end],
    ]) {
      const session = mustFold(order)
      expect(session.agents[AGENT_A]).toEqual({ connected: false, changedAt: T + 30, connectedAt: T + 30 })
      expect(hasConnectedAgent(session)).toBe(false)
    }
    // One millisecond later is no longer the same instant: a start after the customer's end is a new connection.
    expect(hasConnectedAgent(mustFold([end, parse('user.start', { at: T + 31, userId: AGENT_A })]))).toBe(true)
  })

  it('answers unchanged for a duplicate and keeps the stored version', () => {
    const first = parse('user.start', { at: T, userId: AGENT_A })
    const decision = applyConversationEvent(undefined, first, POLICY)
    if (decision.kind !== 'write') throw new Error('expected write')
    const stored: Session = { ...decision.session, version: 3 }
    expect(applyConversationEvent(stored, first, POLICY)).toEqual({ kind: 'unchanged' })
    const next = applyConversationEvent(stored, parse('user.end', { at: T + 1, userId: AGENT_A }), POLICY)
    expect(next.kind === 'write' && next.session.version).toBe(3)
  })
})

// ---- Property: the same set of events, in any order and with duplicates, gives the same session. ----

const AGENTS = [AGENT_A, AGENT_B] as const
const QUEUES = [QUEUE_1, QUEUE_2] as const
const CUSTOMER_BY_TYPE = {
  WEBMESSAGING: { externalContactId: 'c0417ac7-0000-4000-8000-000000000001' },
  SMS: { addressFrom: '+15550001111' },
  WHATSAPP: { addressFrom: '15550001111' },
  OPEN: { addressFrom: 'user@open.example', externalContactId: 'c0417ac7-0000-4000-8000-000000000002' },
} as const
type MessagingType = keyof typeof CUSTOMER_BY_TYPE

interface EventSpec {
  readonly topic: ConversationTopicName
  /** Offset from T in seconds, from a small range so that ties happen. */
  readonly second: number
  readonly agent: 0 | 1
  readonly queue: 0 | 1
  /** Agent and ACD events may come without messageType; the customer's never do. */
  readonly withMessageType: boolean
}

const specArb: fc.Arbitrary<EventSpec> = fc.record({
  topic: fc.constantFrom<ConversationTopicName>('customer.start', 'customer.end', 'acd.start', 'user.start', 'user.end', 'acw'),
  second: fc.integer({ min: 0, max: 6 }),
  agent: fc.constantFrom(0 as const, 1 as const),
  queue: fc.constantFrom(0 as const, 1 as const),
  withMessageType: fc.boolean(),
})

const parsedEvents = new Map<string, ConversationEvent>()

/** Builds and parses the envelope, as the recorder would receive it (cached: the inputs repeat across runs). */
function toEvent(spec: EventSpec, messageType: MessagingType): ConversationEvent {
  const key = JSON.stringify([spec, messageType])
  const cached = parsedEvents.get(key)
  if (cached) return cached
  const event = buildEvent(spec, messageType)
  parsedEvents.set(key, event)
  return event
}

function buildEvent(spec: EventSpec, messageType: MessagingType): ConversationEvent {
  const customerTopic = spec.topic.startsWith('customer.')
  const agentTopic = spec.topic === 'user.start' || spec.topic === 'user.end' || spec.topic === 'acw'
  return parse(spec.topic, {
    at: T + spec.second * 1000,
    messageType: customerTopic || spec.withMessageType ? messageType : undefined,
    ...(customerTopic ? CUSTOMER_BY_TYPE[messageType] : {}),
    ...(spec.topic === 'acd.start' || agentTopic ? { queueId: QUEUES[spec.queue] } : {}),
    ...(agentTopic ? { userId: AGENTS[spec.agent] } : {}),
  })
}

/** The specification of "still connected": the agent's newest own event is a start, and no customer.end is at or after it. */
function expectedConnected(events: readonly ConversationEvent[], agentId: string): boolean {
  const own = events.filter((e) => e.userId === agentId && ['user.start', 'user.end', 'acw'].includes(e.topic))
  if (own.length === 0) return false
  const newest = Math.max(...own.map((e) => e.at))
  const atNewest = own.filter((e) => e.at === newest)
  if (atNewest.some((e) => e.topic !== 'user.start')) return false
  return !events.some((e) => e.topic === 'customer.end' && e.at >= newest)
}

const scenarioArb = fc
  .record({
    messageType: fc.constantFrom<MessagingType>('WEBMESSAGING', 'SMS', 'WHATSAPP', 'OPEN'),
    specs: fc.array(specArb, { minLength: 1, maxLength: 9 }),
  })
  .chain(({ messageType, specs }) =>
    fc.record({
      messageType: fc.constant(messageType),
      specs: fc.constant(specs),
      // Each delivery picks events by index: every event at least once, some twice, in any order.
      delivery: fc
        .array(fc.nat({ max: specs.length - 1 }), { maxLength: 4 })
        .chain((duplicates) => fc.shuffledSubarray([...specs.keys(), ...duplicates], { minLength: specs.length + duplicates.length })),
    }),
  )

describe('applyConversationEvent: order and duplicates do not matter (property)', () => {
  it('gives the same session for any delivery order of the same events', () => {
    fc.assert(
      fc.property(scenarioArb, ({ messageType, specs, delivery }) => {
        const events = specs.map((spec) => toEvent(spec, messageType))
        const inOrder = fold(events)
        const delivered = fold(delivery.map((index) => events[index] as ConversationEvent))
        expect(delivered).toEqual(inOrder)
        if (!inOrder) return
        expect(inOrder.lastActiveAt).toBe(Math.max(...events.map((e) => e.at)))
        expect(inOrder.expiresAt).toBe(Math.ceil((inOrder.lastActiveAt + 25 * HOUR) / 1000))
        for (const agentId of AGENTS) {
          expect(inOrder.agents[agentId]?.connected ?? false, `agent ${agentId}`).toBe(expectedConnected(events, agentId))
        }
      }),
      { seed: 20260301, numRuns: 150 },
    )
  })

  // Same-instant orders: every event in one of two seconds, so an end and a start of the same instant (in either
  // delivery order, with or without an earlier link for the agent) come up in most runs.
  const sameInstantArb = fc
    .record({
      messageType: fc.constantFrom<MessagingType>('WEBMESSAGING', 'SMS', 'WHATSAPP', 'OPEN'),
      specs: fc.array(
        specArb.map((spec) => ({ ...spec, second: spec.second % 2 })),
        { minLength: 2, maxLength: 6 },
      ),
    })
    .chain(({ messageType, specs }) => fc.record({ messageType: fc.constant(messageType), specs: fc.constant(specs), delivery: fc.shuffledSubarray([...specs.keys()], { minLength: specs.length }) }))

  it('knows who is still connected for any delivery order of same-instant events', () => {
    fc.assert(
      fc.property(sameInstantArb, ({ messageType, specs, delivery }) => {
        const events = specs.map((spec) => toEvent(spec, messageType))
        const session = fold(delivery.map((index) => events[index] as ConversationEvent))
        expect(session).toEqual(fold(events))
        for (const agentId of AGENTS) {
          expect(session?.agents[agentId]?.connected ?? false, `agent ${agentId}`).toBe(expectedConnected(events, agentId))
        }
      }),
      { seed: 20261128, numRuns: 300 },
    )
  })
})
