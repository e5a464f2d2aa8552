/**
 * Writes the events.jsonl of every end-to-end scenario in this folder. The committed .jsonl files are what the
 * tests read; this script only exists to regenerate them readably: `npx tsx test/scenarios/build.ts`.
 * The expected.json next to each file is written by hand from the requirements, not generated.
 *
 * All event times are in 2025, so a pipeline that measured the 24 h window from the wall clock would find nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { agentlessConversationId } from '../../local/genesys-simulator/routes/agentless.ts'
import { conversationEvent, conversationLifecycle, customerReply, presenceEvent, type GenesysEnvelope, type MessagingType } from '../support/genesys-events.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

const AGENT = {
  a: 'a9e17000-0000-4000-8000-00000000000a',
  b: 'a9e17000-0000-4000-8000-00000000000b',
  c: 'a9e17000-0000-4000-8000-00000000000c',
} as const
const QUEUE = {
  q1: '90e0e000-0000-4000-8000-000000000001',
  q2: '90e0e000-0000-4000-8000-000000000002',
  q3: '90e0e000-0000-4000-8000-000000000003',
} as const
/** The wrap-up code the `wrapup-excluded` scenario excludes (EXCLUDE_WRAPUP_CODES). */
const WRAPUP_RESOLVED = '3e50e7ed-0000-4000-8000-000000000001'
const conversationId = (n: number): string => `c0a7e500-0000-4000-8000-${String(n).padStart(12, '0')}`
const contactId = (n: number): string => `e0c0a7c7-0000-4000-8000-${String(n).padStart(12, '0')}`

type Line = GenesysEnvelope | string

interface Customer {
  readonly messageType: MessagingType
  /** WEBMESSAGING: the external contact id; other channels: the customer's address (`addressFrom`). */
  readonly address: string
}

const customerFields = (customer: Customer) => (customer.messageType === 'WEBMESSAGING' ? { externalContactId: customer.address } : { addressFrom: customer.address })

interface ShortConversation {
  readonly n: number
  readonly customer: Customer
  readonly agentId: string
  readonly queueId?: string
  /** eventTime of user.end and customer.end: the newest event, so the session's lastActiveAt. */
  readonly endedAt: number
  /** Leave out user.end and customer.end: the agent is still connected (lastActiveAt is then the user.start time). */
  readonly stillConnected?: boolean
}

/**
 * customer.start (−60 s), user.start (−30 s), user.end and customer.end (at `endedAt`), in delivery order. A
 * conversation without customer.end is still active, and its customer is left alone.
 */
function shortConversation(input: ShortConversation): GenesysEnvelope[] {
  const common = { conversationId: conversationId(input.n), messageType: input.customer.messageType, queueId: input.queueId ?? QUEUE.q1 }
  const events = [
    conversationEvent('customer.start', { ...common, ...customerFields(input.customer), queueId: undefined, at: input.endedAt - 60 * SECOND }),
    conversationEvent('user.start', { ...common, userId: input.agentId, at: input.endedAt - 30 * SECOND }),
  ]
  if (!input.stillConnected) {
    events.push(conversationEvent('user.end', { ...common, userId: input.agentId, at: input.endedAt }))
    events.push(conversationEvent('customer.end', { ...common, ...customerFields(input.customer), queueId: undefined, at: input.endedAt }))
  }
  return events
}

const presence = (agentId: string, systemPresence: string, at: number, id?: string) => presenceEvent({ agentId, systemPresence, at, ...(id ? { id } : {}) })

const sms = (n: number): Customer => ({ messageType: 'SMS', address: `+1317555${String(100 + n).padStart(4, '0')}` })
const web = (n: number): Customer => ({ messageType: 'WEBMESSAGING', address: contactId(n) })

const scenarios: Record<string, () => Line[]> = {
  'window-edges': () => {
    const T = Date.parse('2025-03-15T12:00:00.000Z')
    return [
      ...shortConversation({ n: 1, customer: sms(1), agentId: AGENT.a, endedAt: T - 24 * HOUR }),
      ...shortConversation({ n: 2, customer: sms(2), agentId: AGENT.a, endedAt: T - 24 * HOUR - 1 }),
      ...shortConversation({ n: 3, customer: web(3), agentId: AGENT.a, endedAt: T - HOUR }),
      presence(AGENT.a, 'OFFLINE', T - 30 * MINUTE),
      presence(AGENT.a, 'AVAILABLE', T),
    ]
  },

  'channel-payloads': () => {
    const T = Date.parse('2025-04-02T09:00:00.000Z')
    const lifecycle = (n: number, messageType: MessagingType, customer: { externalContactId?: string; addressFrom?: string }, start: number) =>
      conversationLifecycle({ conversationId: conversationId(n), messageType, start, agentId: AGENT.a, queueId: QUEUE.q1, ...customer })
    return [
      ...lifecycle(1, 'WEBMESSAGING', { externalContactId: contactId(1) }, T - 4 * HOUR),
      ...lifecycle(2, 'SMS', { addressFrom: '+13175550142' }, T - 3 * HOUR),
      ...lifecycle(3, 'WHATSAPP', { addressFrom: '+447700900123' }, T - 2 * HOUR),
      ...lifecycle(4, 'OPEN', { addressFrom: 'customer-42@example-messaging.test' }, T - HOUR),
      presence(AGENT.a, 'OFFLINE', T - 10 * MINUTE),
      presence(AGENT.a, 'AVAILABLE', T),
    ]
  },

  duplicates: () => {
    const T = Date.parse('2025-05-10T10:00:00.000Z')
    const [start, userStart, userEnd, customerEnd] = shortConversation({ n: 1, customer: sms(1), agentId: AGENT.a, endedAt: T - 2 * HOUR }) as [
      GenesysEnvelope,
      GenesysEnvelope,
      GenesysEnvelope,
      GenesysEnvelope,
    ]
    const available = presence(AGENT.a, 'AVAILABLE', T)
    return [
      start,
      start, // the same envelope id delivered twice
      userStart,
      userEnd,
      userEnd,
      customerEnd,
      presence(AGENT.a, 'OFFLINE', T - HOUR),
      available,
      available, // the same envelope id delivered twice
      presence(AGENT.a, 'AVAILABLE', T, 'd0b1e000-0000-4000-8000-000000000001'), // same state, same time, new envelope id
    ]
  },

  'out-of-order': () => {
    const T = Date.parse('2025-06-01T15:00:00.000Z')
    // Conversation 1 (agent B): user.end is delivered before user.start; the agent is not connected any more.
    const c1 = { conversationId: conversationId(1), messageType: 'SMS' as const, queueId: QUEUE.q1 }
    // Conversation 2 (agent B): its oldest event (customer.start, 25 h before the trigger) arrives last and must
    // not move lastActiveAt back out of the window.
    const c2 = { conversationId: conversationId(2), messageType: 'WEBMESSAGING' as const, queueId: QUEUE.q1 }
    return [
      conversationEvent('customer.start', { ...c1, addressFrom: sms(1).address, queueId: undefined, at: T - 2 * HOUR }),
      conversationEvent('user.end', { ...c1, userId: AGENT.b, at: T - 2 * HOUR + 5 * MINUTE }),
      conversationEvent('user.start', { ...c1, userId: AGENT.b, at: T - 2 * HOUR + 30 * SECOND }),
      conversationEvent('customer.end', { ...c1, addressFrom: sms(1).address, queueId: undefined, at: T - 2 * HOUR + 5 * MINUTE }),
      conversationEvent('user.start', { ...c2, userId: AGENT.b, at: T - 23 * HOUR }),
      conversationEvent('customer.end', { ...c2, externalContactId: contactId(2), queueId: undefined, at: T - 23 * HOUR + 5 * MINUTE }),
      conversationEvent('user.end', { ...c2, userId: AGENT.b, at: T - 23 * HOUR + 5 * MINUTE }),
      conversationEvent('customer.start', { ...c2, externalContactId: contactId(2), queueId: undefined, at: T - 25 * HOUR }),
      // Conversation 3 (agent A): ended, in the window; A never really becomes available, so it is not messaged.
      ...shortConversation({ n: 3, customer: sms(3), agentId: AGENT.a, endedAt: T - 3 * HOUR }),
      presence(AGENT.b, 'OFFLINE', T - HOUR),
      presence(AGENT.a, 'OFFLINE', T - 10 * MINUTE),
      // Older than A's last known OFFLINE: delivered late, it is no transition.
      presence(AGENT.a, 'AVAILABLE', T - 20 * MINUTE),
      presence(AGENT.b, 'AVAILABLE', T),
    ]
  },

  flapping: () => {
    const T = Date.parse('2025-07-07T08:00:00.000Z')
    return [
      ...shortConversation({ n: 1, customer: sms(1), agentId: AGENT.a, endedAt: T - 5 * HOUR }),
      ...shortConversation({ n: 2, customer: web(2), agentId: AGENT.a, endedAt: T - 4 * HOUR }),
      presence(AGENT.a, 'OFFLINE', T - HOUR),
      presence(AGENT.a, 'AVAILABLE', T), // trigger 1
      presence(AGENT.a, 'AWAY', T + 2 * MINUTE),
      presence(AGENT.a, 'AVAILABLE', T + 5 * MINUTE), // within the 10 min cooldown: no trigger
      presence(AGENT.a, 'AWAY', T + 15 * MINUTE),
      presence(AGENT.a, 'AVAILABLE', T + 40 * MINUTE), // after the cooldown: trigger 2, customers capped
    ]
  },

  'still-connected': () => {
    const T = Date.parse('2025-08-20T13:00:00.000Z')
    const c3 = { conversationId: conversationId(3), messageType: 'SMS' as const, queueId: QUEUE.q1 }
    return [
      ...shortConversation({ n: 1, customer: sms(1), agentId: AGENT.a, endedAt: T - 3 * HOUR }),
      ...shortConversation({ n: 2, customer: web(2), agentId: AGENT.a, endedAt: T - 2 * HOUR, stillConnected: true }),
      // Conversation 3: A handled it first, then it was transferred to B, who connected last.
      conversationEvent('customer.start', { ...c3, addressFrom: sms(3).address, queueId: undefined, at: T - 5 * HOUR }),
      conversationEvent('user.start', { ...c3, userId: AGENT.a, at: T - 5 * HOUR + MINUTE }),
      conversationEvent('user.end', { ...c3, userId: AGENT.a, at: T - 5 * HOUR + 5 * MINUTE, extra: { disconnectType: 'TRANSFER' } }),
      conversationEvent('user.start', { ...c3, userId: AGENT.b, at: T - 5 * HOUR + 6 * MINUTE }),
      conversationEvent('user.end', { ...c3, userId: AGENT.b, at: T - 5 * HOUR + 20 * MINUTE }),
      conversationEvent('customer.end', { ...c3, addressFrom: sms(3).address, queueId: undefined, at: T - 5 * HOUR + 20 * MINUTE }),
      presence(AGENT.a, 'OFFLINE', T - HOUR),
      presence(AGENT.b, 'OFFLINE', T - HOUR),
      presence(AGENT.a, 'AVAILABLE', T),
      presence(AGENT.b, 'AVAILABLE', T + MINUTE),
    ]
  },

  'same-customer': () => {
    const T = Date.parse('2025-09-09T16:00:00.000Z')
    return [
      ...shortConversation({ n: 1, customer: sms(1), agentId: AGENT.a, endedAt: T - 5 * HOUR }),
      ...shortConversation({ n: 2, customer: web(9), agentId: AGENT.a, endedAt: T - 4 * HOUR }),
      ...shortConversation({ n: 3, customer: sms(3), agentId: AGENT.a, endedAt: T - 3 * HOUR }),
      ...shortConversation({ n: 4, customer: sms(1), agentId: AGENT.a, endedAt: T - 2 * HOUR }),
      ...shortConversation({ n: 5, customer: web(9), agentId: AGENT.a, endedAt: T - HOUR }),
      presence(AGENT.a, 'OFFLINE', T - 30 * MINUTE),
      presence(AGENT.a, 'AVAILABLE', T),
    ]
  },

  'queue-scope': () => {
    const T = Date.parse('2025-10-01T09:00:00.000Z')
    const open = { messageType: 'OPEN' as const, address: 'customer-404@example-messaging.test' }
    return [
      // Q1, handled by B (not a member of any queue here): A and C are members of Q1.
      ...shortConversation({ n: 1, customer: sms(1), agentId: AGENT.b, queueId: QUEUE.q1, endedAt: T - 6 * HOUR }),
      // Q2, handled by A, but A is no member of Q2.
      ...shortConversation({ n: 2, customer: sms(2), agentId: AGENT.a, queueId: QUEUE.q2, endedAt: T - 5 * HOUR }),
      // Q1, B still connected.
      ...shortConversation({ n: 3, customer: web(3), agentId: AGENT.b, queueId: QUEUE.q1, endedAt: T - 4 * HOUR, stillConnected: true }),
      // Q3: only C is a member.
      ...shortConversation({ n: 4, customer: open, agentId: AGENT.b, queueId: QUEUE.q3, endedAt: T - 3 * HOUR }),
      presence(AGENT.a, 'OFFLINE', T - HOUR),
      presence(AGENT.c, 'OFFLINE', T - HOUR),
      presence(AGENT.a, 'AVAILABLE', T),
      presence(AGENT.c, 'ON_QUEUE', T + MINUTE),
    ]
  },

  'capacity-deferral': () => {
    const T = Date.parse('2025-11-03T10:00:00.000Z')
    // Conversation 1 gave up waiting in Q1 (no agent ever joined); 2 to 5 were served by B, 5 the most recent.
    const abandonedCommon = { conversationId: conversationId(1), messageType: 'SMS' as const }
    return [
      conversationEvent('customer.start', { ...abandonedCommon, addressFrom: sms(1).address, at: T - 8 * HOUR }),
      conversationEvent('acd.start', { ...abandonedCommon, queueId: QUEUE.q1, at: T - 8 * HOUR + SECOND }),
      conversationEvent('customer.end', { ...abandonedCommon, addressFrom: sms(1).address, at: T - 8 * HOUR + 2 * MINUTE }),
      ...[2, 3, 4, 5].flatMap((n) => shortConversation({ n, customer: sms(n), agentId: AGENT.b, queueId: QUEUE.q1, endedAt: T - (7 - n) * HOUR })),
      // A and C, both members of Q1, come back one after the other; A again after its cooldown.
      presence(AGENT.a, 'OFFLINE', T - HOUR),
      presence(AGENT.c, 'OFFLINE', T - HOUR),
      presence(AGENT.a, 'ON_QUEUE', T),
      presence(AGENT.c, 'ON_QUEUE', T + MINUTE),
      presence(AGENT.a, 'BREAK', T + 5 * MINUTE),
      presence(AGENT.a, 'ON_QUEUE', T + 20 * MINUTE),
    ]
  },

  'capacity-lookup': () => {
    const T = Date.parse('2025-11-04T10:00:00.000Z')
    return [
      ...[1, 2, 3].flatMap((n) => shortConversation({ n, customer: sms(n), agentId: AGENT.a, endedAt: T - (5 - n) * HOUR })),
      ...[4, 5, 6].flatMap((n) => shortConversation({ n, customer: sms(n), agentId: AGENT.b, endedAt: T - (8 - n) * HOUR })),
      presence(AGENT.a, 'OFFLINE', T - HOUR),
      presence(AGENT.b, 'OFFLINE', T - HOUR),
      presence(AGENT.a, 'ON_QUEUE', T),
      presence(AGENT.b, 'ON_QUEUE', T + MINUTE),
    ]
  },

  'capacity-fallback': () => {
    const T = Date.parse('2025-11-05T10:00:00.000Z')
    return [
      ...[1, 2, 3].flatMap((n) => shortConversation({ n, customer: sms(n), agentId: AGENT.a, endedAt: T - (5 - n) * HOUR })),
      presence(AGENT.a, 'OFFLINE', T - HOUR),
      presence(AGENT.a, 'ON_QUEUE', T),
    ]
  },

  'eligible-unserved': () => {
    const T = Date.parse('2025-11-06T10:00:00.000Z')
    // Conversation 1 gave up waiting in Q1 (no agent ever joined); 2 and 3 were served by B.
    const abandonedCommon = { conversationId: conversationId(1), messageType: 'SMS' as const }
    return [
      conversationEvent('customer.start', { ...abandonedCommon, addressFrom: sms(1).address, at: T - 3 * HOUR }),
      conversationEvent('acd.start', { ...abandonedCommon, queueId: QUEUE.q1, at: T - 3 * HOUR + SECOND }),
      conversationEvent('customer.end', { ...abandonedCommon, addressFrom: sms(1).address, at: T - 3 * HOUR + 2 * MINUTE }),
      ...[2, 3].flatMap((n) => shortConversation({ n, customer: sms(n), agentId: AGENT.b, queueId: QUEUE.q1, endedAt: T - n * HOUR })),
      presence(AGENT.a, 'OFFLINE', T - HOUR),
      presence(AGENT.a, 'ON_QUEUE', T),
    ]
  },

  'wrapup-excluded': () => {
    const T = Date.parse('2025-11-07T10:00:00.000Z')
    // A served 1 and 2; 2 was wrapped up with the excluded code (its acw after user.end).
    return [
      ...[1, 2].flatMap((n) => shortConversation({ n, customer: sms(n), agentId: AGENT.a, endedAt: T - n * HOUR })),
      conversationEvent('acw', { conversationId: conversationId(2), messageType: 'SMS', queueId: QUEUE.q1, userId: AGENT.a, at: T - 2 * HOUR, extra: { wrapupCode: WRAPUP_RESOLVED } }),
      presence(AGENT.a, 'OFFLINE', T - HOUR),
      presence(AGENT.a, 'ON_QUEUE', T),
    ]
  },

  'presence-states': () => {
    const T = Date.parse('2025-02-03T07:30:00.000Z')
    return [
      ...shortConversation({ n: 1, customer: sms(1), agentId: AGENT.a, endedAt: T - 2 * HOUR }),
      ...shortConversation({ n: 2, customer: sms(2), agentId: AGENT.b, endedAt: T - 2 * HOUR }),
      ...shortConversation({ n: 3, customer: sms(3), agentId: AGENT.c, endedAt: T - 2 * HOUR }),
      presence(AGENT.a, 'OFFLINE', T - HOUR),
      presence(AGENT.b, 'BREAK', T - HOUR),
      presence(AGENT.c, 'OFFLINE', T - HOUR),
      presence(AGENT.a, 'available', T), // case-insensitive
      presence(AGENT.b, 'On_Queue', T + MINUTE), // case-insensitive
      presence(AGENT.c, 'BUSY', T + 2 * MINUTE), // not an available state
    ]
  },

  'cap-window': () => {
    const T = Date.parse('2025-12-01T09:00:00.000Z')
    return [
      ...shortConversation({ n: 1, customer: sms(1), agentId: AGENT.a, endedAt: T - HOUR }),
      ...shortConversation({ n: 2, customer: web(2), agentId: AGENT.a, endedAt: T - 2 * HOUR }),
      presence(AGENT.a, 'OFFLINE', T - 30 * MINUTE),
      presence(AGENT.a, 'AVAILABLE', T), // both customers messaged
      // The first customer comes back the next day; the second does not.
      ...shortConversation({ n: 3, customer: sms(1), agentId: AGENT.a, endedAt: T + 20 * HOUR }),
      presence(AGENT.a, 'OFFLINE', T + 21 * HOUR),
      // 24 h 1 min after the first message: the cap is over for customer 1; customer 2's session (26 h) is out of the window.
      presence(AGENT.a, 'AVAILABLE', T + 24 * HOUR + MINUTE),
    ]
  },

  replies: () => {
    const T = Date.parse('2025-12-03T09:00:00.000Z')
    const customers = [sms(1), web(2), sms(3), sms(4)]
    return [
      ...customers.flatMap((customer, index) => shortConversation({ n: index + 1, customer, agentId: AGENT.a, endedAt: T - HOUR })),
      presence(AGENT.a, 'OFFLINE', T - 30 * MINUTE),
      presence(AGENT.a, 'AVAILABLE', T), // all four messaged
      // 1 replies on the agentless conversation the simulator answered with (threaded); A takes it.
      ...customerReply({ messageType: 'SMS', threadedOn: agentlessConversationId('sms', sms(1).address), at: T + HOUR, queueId: QUEUE.q1, agentId: AGENT.a }),
      // A customer never messaged writes in: not a reply.
      ...customerReply({ messageType: 'SMS', conversationId: conversationId(5), addressFrom: sms(5).address, at: T + HOUR + MINUTE, queueId: QUEUE.q1, agentId: AGENT.b }),
      // 2 comes back in a new conversation; B takes it.
      ...customerReply({ messageType: 'WEBMESSAGING', conversationId: conversationId(6), externalContactId: contactId(2), at: T + 2 * HOUR, queueId: QUEUE.q1, agentId: AGENT.b }),
      // 3 writes 73 h later: after the 72 h reply window, not a reply. 4 never writes.
      ...customerReply({ messageType: 'SMS', conversationId: conversationId(7), addressFrom: sms(3).address, at: T + 73 * HOUR, queueId: QUEUE.q1, agentId: AGENT.a }),
    ]
  },

  'malformed-mixed': () => {
    const T = Date.parse('2025-11-11T11:00:00.000Z')
    const [start, userStart, userEnd, customerEnd] = shortConversation({ n: 1, customer: sms(1), agentId: AGENT.a, endedAt: T - HOUR }) as [
      GenesysEnvelope,
      GenesysEnvelope,
      GenesysEnvelope,
      GenesysEnvelope,
    ]
    const wrongTypes = conversationEvent('customer.start', { conversationId: conversationId(2), messageType: 'SMS', addressFrom: sms(2).address, at: T - 50 * MINUTE })
    wrongTypes.detail.eventBody.eventTime = 'yesterday'
    wrongTypes.detail.eventBody.conversationId = 12345
    const missingFields = conversationEvent('user.start', { conversationId: conversationId(3), messageType: 'SMS', userId: AGENT.a, at: T - 45 * MINUTE })
    delete missingFields.detail.eventBody.conversationId
    delete missingFields.detail.eventBody.eventTime
    const presenceWithoutState = presence(AGENT.a, 'AVAILABLE', T - 40 * MINUTE)
    delete presenceWithoutState.detail.eventBody.presenceDefinition
    const presenceWrongType = presence(AGENT.a, 'AVAILABLE', T - 39 * MINUTE)
    presenceWrongType.detail.eventBody.presenceDefinition = { id: 'x', systemPresence: 42 }
    const unknownDetailType = conversationEvent('customer.start', { conversationId: conversationId(4), messageType: 'SMS', addressFrom: sms(4).address, at: T - 35 * MINUTE })
    unknownDetailType['detail-type'] = 'v2.users.{id}.conversations'
    const foreignSource = conversationEvent('customer.start', { conversationId: conversationId(5), messageType: 'SMS', addressFrom: sms(5).address, at: T - 30 * MINUTE, source: 'com.example.crm' })
    const chat = conversationEvent('customer.start', { conversationId: conversationId(6), messageType: undefined, mediaType: 'CHAT', externalContactId: contactId(6), at: T - 25 * MINUTE })
    const otherMessaging = conversationEvent('customer.start', { conversationId: conversationId(7), messageType: 'FACEBOOK', addressFrom: 'fb-user-7', at: T - 20 * MINUTE })
    return [
      start,
      '{"version": "0", "id": "broken-line", "detail-type": ', // not JSON
      '42', // JSON, but not an envelope
      wrongTypes,
      userStart,
      missingFields,
      unknownDetailType,
      userEnd,
      customerEnd,
      foreignSource,
      chat,
      otherMessaging,
      presence(AGENT.a, 'OFFLINE', T - 41 * MINUTE),
      presenceWithoutState,
      presenceWrongType,
      presence(AGENT.a, 'AVAILABLE', T),
    ]
  },
}

for (const [name, build] of Object.entries(scenarios)) {
  const file = join(HERE, name, 'events.jsonl')
  mkdirSync(dirname(file), { recursive: true })
  const lines = build().map((line) => (typeof line === 'string' ? line : JSON.stringify(line)))
  writeFileSync(file, `${lines.join('\n')}\n`)
  process.stdout.write(`${file}: ${lines.length} events\n`)
}
