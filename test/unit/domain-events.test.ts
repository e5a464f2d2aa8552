import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EventValidationError, UnsupportedEventError, parseEnvelopeJson, parseGenesysEvent, type AgentAvailabilityEvent, type ConversationEvent } from '#lib/domain/events.ts'
import { parseMessageRequest } from '#lib/domain/requests.ts'
import { APP_DETAIL_TYPES, APP_EVENT_SOURCE, DETAIL_TYPES } from '#lib/topology.ts'
import { activityEvent, conversationEvent, presenceEvent, routingStatusEvent, TEST_SOURCE, type ConversationTopicName } from '../support/genesys-events.ts'
import { problemsOf } from '../support/event-problems.ts'

const fixture = (name: string): Record<string, any> => JSON.parse(readFileSync(new URL(`../fixtures/genesys/${name}`, import.meta.url), 'utf8'))

const AGENT = '9ed7d9f6-0c59-4360-ac54-40dd35eb9c2f'
const CONVERSATION = '2f7bf00a-0fc2-4d6a-9b56-92238191433e'
const QUEUE = 'a1b2c3d4-0000-4000-8000-000000000001'
const T = Date.parse('2026-03-01T10:00:00.000Z')

function asConversation(input: unknown): ConversationEvent {
  const event = parseGenesysEvent(input)
  if (event.kind !== 'conversation') throw new Error(`expected a conversation event, got ${event.kind}`)
  return event
}

function asAgent(input: unknown): AgentAvailabilityEvent {
  const event = parseGenesysEvent(input)
  if (event.kind !== 'agent') throw new Error(`expected an agent event, got ${event.kind}`)
  return event
}

describe('verbatim Genesys fixtures', () => {
  it('parses the customer.start sample as a CHAT conversation event', () => {
    const event = asConversation(fixture('eventbridge-conversation-customer-start.json'))
    expect(event).toMatchObject({
      kind: 'conversation',
      topic: 'customer.start',
      eventId: 'adbcfa5b-0116-4baa-b66b-a3f5902e95bf',
      conversationId: CONVERSATION,
      at: 1649237444949,
      mediaType: 'CHAT',
      direction: 'INBOUND',
      externalContactId: 'uwu',
      correlationId: 'fe8a8579-b83f-4f07-b371-2b39398f91a8',
      source: 'aws.partner/genesys.com.test/cloud/32aa07aa-db1b-4987-abd0-9483601ec29d/test-event-bus',
    })
    expect(event.channel).toBeUndefined()
    expect(event.messageType).toBeUndefined()
  })

  it('parses the customer.end sample, taking the time from eventTime, not the disagreeing envelope times', () => {
    const event = asConversation(fixture('eventbridge-conversation-customer-end.json'))
    expect(event).toMatchObject({ topic: 'customer.end', conversationId: CONVERSATION, at: 1649237504949, mediaType: 'CHAT' })
    expect(event.externalContactId).toBe('12456349-b5c7-4d8f-9eb4-f4df18bce9a9')
  })

  it('rejects the unknown detail-type sample with UnsupportedEventError', () => {
    const input = fixture('eventbridge-unknown-detail-type.json')
    expect(() => parseGenesysEvent(input)).toThrow(UnsupportedEventError)
    expect(() => parseGenesysEvent(input)).toThrow(/v2\.something\.but\.conversation/)
  })

  it('rejects the audit presence sample with UnsupportedEventError (the old blueprint topic is not ours)', () => {
    const input = fixture('eventbridge-audit-user-presence.json')
    let caught: unknown
    try {
      parseGenesysEvent(input)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(UnsupportedEventError)
    expect((caught as UnsupportedEventError).detailType).toBe('v2.audits.entitytype.{id}.entityid.{id}')
  })

  it('parses the developer-center presence notification wrapped in an envelope: user id from topicName, time from the envelope', () => {
    const detail = { ...fixture('notification-user-presence.json'), timestamp: '2026-03-01T10:00:00.250Z' }
    const input = { ...presenceEvent({ agentId: AGENT, systemPresence: 'BUSY', at: T }), detail }
    const event = asAgent(input)
    expect(event).toMatchObject({
      kind: 'agent',
      signal: 'presence',
      agentId: AGENT,
      status: 'AVAILABLE',
      presenceDefinitionId: '6a3af858-942f-489d-9700-5f9bcdcdae9b',
      at: Date.parse('2026-03-01T10:00:00.250Z'),
      correlationId: '290034f4-c3d7-46fd-8342-ee5bc859b7e9',
    })
  })

  it('falls back to the envelope time when there is neither modifiedDate nor detail.timestamp', () => {
    const built = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T + 700, omitModifiedDate: true })
    const { timestamp: _dropped, ...detail } = built.detail
    expect(asAgent({ ...built, detail }).at).toBe(Date.parse(built.time))
  })
})

describe('agent events', () => {
  it('parses presence: agent id from detail.topicName, status as delivered, time from modifiedDate', () => {
    const envelope = presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: T, id: 'evt-1' })
    expect(envelope['detail-type']).toBe('v2.users.{id}.presence')
    expect(asAgent(envelope)).toMatchObject({ kind: 'agent', signal: 'presence', agentId: AGENT, status: 'ON_QUEUE', at: T, eventId: 'evt-1', source: TEST_SOURCE })
  })

  it('lower-cases the agent id so the same agent is one key whatever the case', () => {
    const envelope = presenceEvent({ agentId: AGENT.toUpperCase(), systemPresence: 'AVAILABLE', at: T })
    expect(asAgent(envelope).agentId).toBe(AGENT)
  })

  it('parses routingStatus: status from routingStatus.status, time from startTime', () => {
    const envelope = routingStatusEvent({ agentId: AGENT, status: 'IDLE', at: T + 5 })
    expect(envelope['detail-type']).toBe('v2.users.{id}.routingStatus')
    expect(asAgent(envelope)).toMatchObject({ signal: 'routingStatus', agentId: AGENT, status: 'IDLE', at: T + 5 })
  })

  it('parses activity (AgentActivityChangedTopicAgentActivity): both facts, each with its own time, and activeQueueIds', () => {
    const queues = ['90e0e000-0000-4000-8000-000000000001', '90e0e000-0000-4000-8000-000000000002']
    const envelope = activityEvent({ agentId: AGENT, at: T + 9, systemPresence: 'ON_QUEUE', presenceAt: T + 9, routingStatus: 'IDLE', routingAt: T + 4, activeQueueIds: queues })
    expect(envelope['detail-type']).toBe('v2.users.{id}.activity')
    expect(asAgent(envelope)).toMatchObject({
      signal: 'activity',
      agentId: AGENT,
      status: 'ON_QUEUE/IDLE',
      presence: { status: 'ON_QUEUE', at: T + 9 },
      routing: { status: 'IDLE', at: T + 4 },
      activeQueueIds: queues,
      at: T + 9,
    })
  })

  it('parses an activity event with only a routing status, and rejects one with neither fact', () => {
    expect(asAgent(activityEvent({ agentId: AGENT, at: T, routingStatus: 'INTERACTING' }))).toMatchObject({ routing: { status: 'INTERACTING', at: T } })
    expect(asAgent(activityEvent({ agentId: AGENT, at: T, routingStatus: 'IDLE' })).presence).toBeUndefined()
    expect(problemsOf(activityEvent({ agentId: AGENT, at: T }))).toEqual([{ field: 'detail.eventBody', problem: 'carries neither presence nor routingStatus' }])
  })

  it('rejects an activity event whose activeQueueIds is not a list of ids', () => {
    const envelope = activityEvent({ agentId: AGENT, at: T, systemPresence: 'ON_QUEUE' })
    ;(envelope.detail.eventBody as Record<string, unknown>).activeQueueIds = 'q1'
    expect(problemsOf(envelope)).toEqual([{ field: 'detail.eventBody.activeQueueIds', problem: expect.any(String) }])
  })

  it('rejects a topicName whose signal does not match the detail-type', () => {
    const envelope = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T })
    envelope.detail.topicName = `v2.users.${AGENT}.routingStatus`
    expect(problemsOf(envelope)).toEqual([{ field: 'detail.topicName', problem: expect.stringContaining('v2.users.{uuid}.presence') }])
  })

  it('rejects a topicName without a user id', () => {
    const envelope = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T })
    envelope.detail.topicName = 'v2.users.{id}.presence'
    expect(problemsOf(envelope).map((p) => p.field)).toEqual(['detail.topicName'])
  })

  it('names the missing presenceDefinition.systemPresence', () => {
    const envelope = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T })
    envelope.detail.eventBody.presenceDefinition = { id: 'x' }
    const problems = problemsOf(envelope)
    expect(problems).toHaveLength(1)
    expect(problems[0]?.field).toBe('detail.eventBody.presenceDefinition.systemPresence')
    expect(problems[0]?.problem).toMatch(/expected string/)
  })

  it('names a modifiedDate that is no date', () => {
    const envelope = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T })
    envelope.detail.eventBody.modifiedDate = 'yesterday-ish'
    expect(problemsOf(envelope)).toEqual([{ field: 'detail.eventBody.modifiedDate', problem: expect.stringMatching(/ISO 8601/) }])
  })

  it('names the activity status after the facts it carries: presence alone, routing alone, the time of the one given', () => {
    const presenceOnly = asAgent(activityEvent({ agentId: AGENT, at: T, systemPresence: 'AVAILABLE', presenceAt: T + 3 }))
    expect(presenceOnly).toMatchObject({ status: 'AVAILABLE', presence: { status: 'AVAILABLE', at: T + 3 }, at: T + 3 })
    expect(presenceOnly.routing).toBeUndefined()
    const routingOnly = asAgent(activityEvent({ agentId: AGENT, at: T, routingStatus: 'IDLE', routingAt: T + 4 }))
    expect(routingOnly).toMatchObject({ status: 'IDLE', routing: { status: 'IDLE', at: T + 4 }, at: T + 4 })
  })

  it.each([
    ['routingStatus without status', { routingStatus: {} }, 'detail.eventBody.routingStatus.status'],
    ['presence without presenceDefinition', { presence: {} }, 'detail.eventBody.presence.presenceDefinition'],
    ['presence without systemPresence', { presence: { presenceDefinition: { id: 'p' } } }, 'detail.eventBody.presence.presenceDefinition.systemPresence'],
  ])('names an activity %s', (_case, body, field) => {
    const envelope = activityEvent({ agentId: AGENT, at: T })
    Object.assign(envelope.detail.eventBody, body)
    expect(problemsOf(envelope).map((p) => p.field)).toEqual([field])
  })

  it('parses a routingStatus event whose body has no id (the user id comes from topicName)', () => {
    const envelope = routingStatusEvent({ agentId: AGENT, status: 'IDLE', at: T })
    delete envelope.detail.eventBody.id
    expect(asAgent(envelope)).toMatchObject({ signal: 'routingStatus', agentId: AGENT, status: 'IDLE' })
  })

  it('parses an event without detail.metadata, with no correlation id', () => {
    const envelope: Record<string, any> = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T })
    delete envelope.detail.metadata
    const event = asAgent(envelope)
    expect(event.agentId).toBe(AGENT)
    expect(event.correlationId).toBeUndefined()
  })

  it.each([
    ['a number', 7],
    ['longer than 128 characters', 'c'.repeat(129)],
  ])('names a detail.metadata.CorrelationId that is %s', (_case, correlationId) => {
    const envelope: Record<string, any> = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T })
    envelope.detail.metadata.CorrelationId = correlationId
    expect(problemsOf(envelope).map((p) => p.field)).toEqual(['detail.metadata.CorrelationId'])
  })

  it('quotes at most 100 characters of a wrong topicName or an unhandled detail-type', () => {
    const long = `v2.users.${AGENT}.presence.${'x'.repeat(300)}`
    const agent = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T })
    agent.detail.topicName = long
    expect(problemsOf(agent)).toEqual([{ field: 'detail.topicName', problem: `expected v2.users.{uuid}.presence, got ${JSON.stringify(long.slice(0, 100))}` }])
    const conversation = conversationEvent('user.start', { conversationId: CONVERSATION, at: T, messageType: 'SMS', userId: AGENT })
    conversation.detail.topicName = long
    expect(problemsOf(conversation)).toEqual([{ field: 'detail.topicName', problem: `expected v2.detail.events.conversation.{uuid}.user.start, got ${JSON.stringify(long.slice(0, 100))}` }])
    const detailType = `v2.users.{id}.${'y'.repeat(200)}`
    expect(() => parseGenesysEvent({ ...presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T }), 'detail-type': detailType })).toThrow(new UnsupportedEventError(detailType).message)
    expect(new UnsupportedEventError(detailType).message).toBe(`detail-type ${JSON.stringify(detailType.slice(0, 100))} is not a topic this pipeline handles`)
  })

  it('names a routingStatus.status of the wrong type', () => {
    const envelope = routingStatusEvent({ agentId: AGENT, status: 'IDLE', at: T })
    envelope.detail.eventBody.routingStatus = { status: 3 }
    expect(problemsOf(envelope)).toEqual([{ field: 'detail.eventBody.routingStatus.status', problem: expect.stringMatching(/expected string/) }])
  })
})

const TOPICS: readonly ConversationTopicName[] = ['customer.start', 'customer.end', 'acd.start', 'user.start', 'user.end', 'acw']
const DETAIL_TYPE_BY_TOPIC: Record<ConversationTopicName, string> = {
  'customer.start': DETAIL_TYPES.customerStart,
  'customer.end': DETAIL_TYPES.customerEnd,
  'acd.start': DETAIL_TYPES.acdStart,
  'user.start': DETAIL_TYPES.userStart,
  'user.end': DETAIL_TYPES.userEnd,
  acw: DETAIL_TYPES.acw,
}

describe('conversation detail events', () => {
  it.each(TOPICS)('parses %s with the topic from the detail-type and the ids from topicName', (topic) => {
    const envelope = conversationEvent(topic, { conversationId: CONVERSATION, at: T, messageType: 'WEBMESSAGING', queueId: QUEUE, userId: AGENT })
    expect(envelope['detail-type']).toBe(DETAIL_TYPE_BY_TOPIC[topic])
    expect(envelope['detail-type']).toContain('{id}')
    expect(asConversation(envelope)).toMatchObject({ kind: 'conversation', topic, conversationId: CONVERSATION, at: T, mediaType: 'MESSAGE', queueId: QUEUE, userId: AGENT })
  })

  it.each([
    ['WEBMESSAGING', 'webmessaging'],
    ['SMS', 'sms'],
    ['WHATSAPP', 'whatsapp'],
    ['OPEN', 'open'],
    ['sms', 'sms'],
  ] as const)('maps messageType %s to the agentless channel %s', (messageType, channel) => {
    const event = asConversation(conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType }))
    expect(event.channel).toBe(channel)
    expect(event.messageType).toBe(messageType.toUpperCase())
  })

  it.each(['FACEBOOK', 'INSTAGRAM', 'APPLE', 'UNKNOWN'])('parses messageType %s but gives it no agentless channel', (messageType) => {
    const event = asConversation(conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType }))
    expect(event.messageType).toBe(messageType)
    expect(event.channel).toBeUndefined()
  })

  it('keeps the Web Messaging externalContactId, falling back to conversationExternalContactIds', () => {
    const direct = conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType: 'WEBMESSAGING', externalContactId: CONTACT_1.toUpperCase() })
    // Contact ids are kept in their canonical (lower-case) UUID form.
    expect(asConversation(direct).externalContactId).toBe(CONTACT_1)
    const listed = conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType: 'WEBMESSAGING', extra: { conversationExternalContactIds: [CONTACT_2] } })
    expect(asConversation(listed).externalContactId).toBe(CONTACT_2)
  })

  it('falls back to conversationExternalContactIds[0] only on customer.* events: on an agent event the list is not this customer', () => {
    for (const topic of ['user.start', 'user.end', 'acw'] as const) {
      const listed = conversationEvent(topic, { conversationId: CONVERSATION, at: T, messageType: 'WEBMESSAGING', userId: AGENT, extra: { conversationExternalContactIds: [CONTACT_2] } })
      expect(asConversation(listed).externalContactId).toBeUndefined()
    }
    const end = conversationEvent('customer.end', { conversationId: CONVERSATION, at: T, messageType: 'WEBMESSAGING', extra: { conversationExternalContactIds: [CONTACT_3] } })
    expect(asConversation(end).externalContactId).toBe(CONTACT_3)
    const direct = conversationEvent('user.start', { conversationId: CONVERSATION, at: T, messageType: 'WEBMESSAGING', userId: AGENT, externalContactId: CONTACT_1 })
    expect(asConversation(direct).externalContactId).toBe(CONTACT_1)
  })

  it('takes the customer address from addressFrom (inbound), else ani; from addressTo (outbound), else dnis', () => {
    const base = { conversationId: CONVERSATION, at: T, messageType: 'SMS' } as const
    expect(asConversation(conversationEvent('customer.start', { ...base, addressFrom: '+15550001111', addressTo: '+15550009999' })).customerAddress).toBe('+15550001111')
    expect(asConversation(conversationEvent('customer.start', { ...base, extra: { ani: '+15550002222' } })).customerAddress).toBe('+15550002222')
    expect(asConversation(conversationEvent('customer.start', { ...base, direction: 'OUTBOUND', addressFrom: '+15550009999', addressTo: '+15550003333' })).customerAddress).toBe('+15550003333')
    expect(asConversation(conversationEvent('customer.start', { ...base, direction: 'OUTBOUND', extra: { dnis: '+15550004444' } })).customerAddress).toBe('+15550004444')
  })

  it('takes the address of a conversation no agentless channel reaches from the same fields, unchecked, inbound when no direction is given', () => {
    const chat = (fields: Record<string, unknown>) =>
      asConversation(conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType: 'FACEBOOK', extra: { direction: undefined, ...fields } }))
    expect(chat({ addressFrom: 'guest from', addressTo: 'bot to' }).customerAddress).toBe('guest from')
    expect(chat({ direction: 'inbound', ani: 'guest ani' }).customerAddress).toBe('guest ani')
    expect(chat({ direction: 'OUTBOUND', addressFrom: 'bot from', addressTo: 'guest to' }).customerAddress).toBe('guest to')
    expect(chat({ direction: 'outbound', dnis: 'guest dnis' }).customerAddress).toBe('guest dnis')
    expect(chat({ addressFrom: 'guest from', addressTo: 'bot to' }).channel).toBeUndefined()
  })

  it('takes no address on Web Messaging (the customer is its contact id), whatever addressFrom holds', () => {
    const event = asConversation(conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType: 'WEBMESSAGING', externalContactId: CONTACT_1, addressFrom: 'Guest 42' }))
    expect(event).toMatchObject({ channel: 'webmessaging', externalContactId: CONTACT_1, contactIdField: 'externalContactId' })
    expect(event.customerAddress).toBeUndefined()
    expect(event.addressField).toBeUndefined()
  })

  it('says which field gave the contact id, and names conversationExternalContactIds.0 when that one is no contact id', () => {
    const listed = conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType: 'WEBMESSAGING', extra: { conversationExternalContactIds: [CONTACT_2] } })
    expect(asConversation(listed)).toMatchObject({ externalContactId: CONTACT_2, contactIdField: 'conversationExternalContactIds' })
    const bad = conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType: 'WEBMESSAGING', extra: { conversationExternalContactIds: ['not-a-contact'] } })
    expect(problemsOf(bad)).toEqual([{ field: 'detail.eventBody.conversationExternalContactIds.0', problem: expect.stringContaining('is not a contact id') }])
    const badDirect = conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType: 'WEBMESSAGING', extra: { externalContactId: 'not-a-contact' } })
    expect(problemsOf(badDirect)).toEqual([{ field: 'detail.eventBody.externalContactId', problem: expect.stringContaining('is not a contact id') }])
  })

  it.each([`x${AGENT}`, `${AGENT}x`])('refuses a userId that only contains a UUID (%s)', (userId) => {
    const envelope = conversationEvent('user.start', { conversationId: CONVERSATION, at: T, messageType: 'SMS', userId: AGENT })
    envelope.detail.eventBody.userId = userId
    expect(problemsOf(envelope)).toEqual([{ field: 'detail.eventBody.userId', problem: 'expected a UUID (8-4-4-4-12 hexadecimal digits)' }])
  })

  it('normalises ids to lower case and media types to upper case', () => {
    const upper = CONVERSATION.toUpperCase()
    const envelope = conversationEvent('user.start', { conversationId: upper, at: T, messageType: 'sms', mediaType: 'message', userId: AGENT.toUpperCase() })
    expect(asConversation(envelope)).toMatchObject({ conversationId: CONVERSATION, mediaType: 'MESSAGE', messageType: 'SMS', userId: AGENT })
  })

  it('accepts unknown extra fields at every level', () => {
    const envelope: Record<string, any> = conversationEvent('acd.start', { conversationId: CONVERSATION, at: T, messageType: 'OPEN', queueId: QUEUE })
    envelope.newEnvelopeField = 1
    envelope.detail.someNewDetailField = { nested: true }
    envelope.detail.eventBody.journeyContext = { customer: { id: 'x' } }
    envelope.detail.eventBody.utilizationLabel = 'label'
    envelope.detail.metadata.Extra = 'x'
    expect(asConversation(envelope).queueId).toBe(QUEUE)
  })

  it('names eventTime and what was expected when it is a string', () => {
    const envelope = conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType: 'SMS' })
    envelope.detail.eventBody.eventTime = '2026-03-01T10:00:00Z'
    expect(problemsOf(envelope)).toEqual([{ field: 'detail.eventBody.eventTime', problem: expect.stringMatching(/expected number/) }])
  })

  it('names every bad field at once', () => {
    const envelope = conversationEvent('user.start', { conversationId: CONVERSATION, at: T, messageType: 'SMS', userId: AGENT })
    envelope.detail.eventBody.mediaType = 7
    envelope.detail.eventBody.userId = ''
    delete envelope.detail.eventBody.eventTime
    const fields = problemsOf(envelope).map((p) => p.field)
    expect(fields).toEqual(expect.arrayContaining(['detail.eventBody.mediaType', 'detail.eventBody.userId', 'detail.eventBody.eventTime']))
  })

  it('rejects an eventBody conversationId that differs from the one in topicName', () => {
    const envelope = conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType: 'SMS' })
    envelope.detail.eventBody.conversationId = '00000000-0000-4000-8000-000000000000'
    expect(problemsOf(envelope)).toEqual([{ field: 'detail.eventBody.conversationId', problem: expect.stringContaining('topicName') }])
  })

  it('rejects a topicName for another topic than the detail-type', () => {
    const envelope = conversationEvent('user.start', { conversationId: CONVERSATION, at: T, messageType: 'SMS', userId: AGENT })
    envelope.detail.topicName = `v2.detail.events.conversation.${CONVERSATION}.user.end`
    expect(problemsOf(envelope)).toEqual([{ field: 'detail.topicName', problem: expect.stringContaining('.user.start') }])
  })

  it('rejects topics it does not handle, e.g. acd.end or conversationsummary', () => {
    const acdEnd = { ...conversationEvent('acd.start', { conversationId: CONVERSATION, at: T, messageType: 'SMS' }), 'detail-type': 'v2.detail.events.conversation.{id}.acd.end' }
    expect(() => parseGenesysEvent(acdEnd)).toThrow(UnsupportedEventError)
    const summary = { ...presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T }), 'detail-type': 'v2.users.{id}.conversationsummary' }
    expect(() => parseGenesysEvent(summary)).toThrow(UnsupportedEventError)
  })
})

describe('envelope validation', () => {
  it('names missing envelope fields', () => {
    const { 'detail-type': _dt, ...rest } = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T })
    expect(problemsOf(rest)).toEqual([{ field: 'detail-type', problem: expect.stringMatching(/expected string/) }])
  })

  it('names a missing detail.topicName and a non-object eventBody', () => {
    const envelope: Record<string, any> = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T })
    delete envelope.detail.topicName
    envelope.detail.eventBody = 'nope'
    const problems = problemsOf(envelope)
    expect(problems.map((p) => p.field).sort()).toEqual(['detail.eventBody', 'detail.topicName'])
    expect(problems.find((p) => p.field === 'detail.eventBody')?.problem).toMatch(/expected object/)
  })

  it('names a body that is not an object at all', () => {
    expect(problemsOf('a string')).toEqual([{ field: '(body)', problem: expect.stringMatching(/expected object/) }])
    expect(problemsOf(null)).toEqual([{ field: '(body)', problem: expect.stringMatching(/expected object/) }])
  })

  it('names a time that is no date', () => {
    const envelope = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T })
    envelope.time = 'not a time'
    expect(problemsOf(envelope)).toEqual([{ field: 'time', problem: expect.stringMatching(/ISO 8601/) }])
  })

  it('puts every problem in the error message, field then problem, separated by "; " (the dead-letter detail)', () => {
    const error = new EventValidationError([
      { field: 'time', problem: 'expected a date-time' },
      { field: 'detail.topicName', problem: 'is empty' },
    ])
    expect(error.message).toBe('time: expected a date-time; detail.topicName: is empty')
  })

  it('parseEnvelopeJson names the body when it is not JSON', () => {
    expect(parseEnvelopeJson('{"a":1}')).toEqual({ a: 1 })
    try {
      parseEnvelopeJson('{oops')
      throw new Error('expected a failure')
    } catch (error) {
      expect(error).toBeInstanceOf(EventValidationError)
      expect((error as EventValidationError).problems[0]).toMatchObject({ field: '(body)', problem: expect.stringMatching(/not valid JSON/) })
    }
  })

  it('round-trips through JSON as an SQS body would carry it', () => {
    const envelope = conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType: 'WHATSAPP', addressFrom: '15550001111' })
    expect(asConversation(parseEnvelopeJson(JSON.stringify(envelope)))).toMatchObject({ channel: 'whatsapp', customerAddress: '15550001111' })
  })
})

const CONTACT_1 = 'c0417ac7-0000-4000-8000-000000000001'
const CONTACT_2 = 'c0417ac7-0000-4000-8000-000000000002'
const CONTACT_3 = 'c0417ac7-0000-4000-8000-000000000003'

describe('parseMessageRequest (own bus, read back by the send side)', () => {
  const detail = {
    dedupeKey: 'evt-1:conv-1',
    conversationId: 'conv-1',
    customer: { channel: 'webmessaging', externalContactId: 'contact-1' },
    queueId: QUEUE,
    agentId: AGENT,
    scope: 'agent',
    requestedAt: T,
    triggerEventId: 'evt-1',
  }
  const body = (d: unknown, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ version: '0', id: 'x', source: APP_EVENT_SOURCE, 'detail-type': APP_DETAIL_TYPES.requested, detail: d, ...extra })

  const fieldsOf = (text: string): string[] => {
    try {
      parseMessageRequest(text)
    } catch (error) {
      expect(error).toBeInstanceOf(EventValidationError)
      return (error as EventValidationError).problems.map((p) => p.field)
    }
    throw new Error('expected an EventValidationError')
  }

  it('returns the request detail', () => {
    expect(parseMessageRequest(body(detail))).toEqual(detail)
  })

  it('rejects another source or detail-type', () => {
    expect(fieldsOf(body(detail, { source: 'someone-else' }))).toEqual(['source'])
    expect(fieldsOf(body(detail, { 'detail-type': APP_DETAIL_TYPES.sent }))).toEqual(['detail-type'])
  })

  it('rejects a customer without any address, naming it', () => {
    expect(fieldsOf(body({ ...detail, customer: { channel: 'sms' } }))).toEqual(['detail.customer'])
    expect(() => parseMessageRequest(body({ ...detail, customer: { channel: 'sms' } }))).toThrow('detail.customer: needs externalContactId or address')
  })

  it('accepts both scopes, agent and queue, and nothing else', () => {
    expect(parseMessageRequest(body({ ...detail, scope: 'queue' })).scope).toBe('queue')
    expect(parseMessageRequest(body({ ...detail, scope: 'agent' })).scope).toBe('agent')
    expect(fieldsOf(body({ ...detail, scope: '' }))).toEqual(['detail.scope'])
  })

  it('rejects an unknown channel and unknown detail fields (hand-written queue messages)', () => {
    expect(fieldsOf(body({ ...detail, customer: { channel: 'email', address: 'a@b' } }))).toEqual(['detail.customer.channel'])
    expect(fieldsOf(body({ ...detail, text: 'hello' }))).toEqual(['detail'])
  })

  it('names a non-JSON body, and a JSON body that is no object', () => {
    expect(fieldsOf('not json')).toEqual(['(body)'])
    expect(fieldsOf('42')).toEqual(['(body)'])
    expect(fieldsOf('null')).toEqual(['(body)'])
  })
})
