/**
 * Writes test/scenarios-hostile/events.jsonl: hostile events around one legitimate story. The committed .jsonl is
 * what `npm start -- --events test/scenarios-hostile/events.jsonl --json --set GENESYS_ORG_ID=32aa07aa-db1b-4987-abd0-9483601ec29d`
 * and test/integration/hostile-scenario.test.ts replay; regenerate it with `npx tsx test/scenarios-hostile/build.ts`.
 *
 * The story: agent A handles an SMS and a Web Messaging conversation, goes offline, then becomes available:
 * exactly those two customers are messaged. Around it, every hostile event must be rejected or ignored and must
 * not message anyone: another org's and a foreign source's "agent available", a far-future presence that would
 * freeze the agent's state, a conversation from another org naming a customer, ids carrying phone numbers, huge,
 * truncated and type-confused events, `__proto__` keys, and a customer address holding template syntax.
 */
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { conversationEvent, presenceEvent, TEST_ORG_ID, TEST_SOURCE, type GenesysEnvelope } from '../support/genesys-events.ts'
import { genesysEventSourceName } from '#lib/topology.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const MINUTE = 60_000
const T = Date.parse('2025-06-02T09:00:00.000Z')

export const AGENT = 'a9e17000-0000-4000-8000-0000000000a1'
const QUEUE = '90e0e000-0000-4000-8000-0000000000a1'
const OTHER_ORG = genesysEventSourceName('00000000-0000-4000-8000-00000000e71e', 'proactive-messaging')
export const SMS_CUSTOMER = '+13175550177'
export const WEB_CUSTOMER = 'e0c0a7c7-0000-4000-8000-0000000000a7'
/** Customers of hostile events: whoever they are, none may be messaged, and none may appear in a log. */
export const NEVER_MESSAGED = ['+13175550666', '+13175550667', '+13175550668', '13175550669', 'victim@example.com']
const conversationId = (n: number): string => `c0a7e500-0000-4000-8000-${String(n).padStart(12, '0')}`

type Line = GenesysEnvelope | string

function conversation(n: number, messageType: 'SMS' | 'WEBMESSAGING', customer: Record<string, string>, at: number, source = TEST_SOURCE): GenesysEnvelope[] {
  const common = { conversationId: conversationId(n), messageType, source }
  return [
    conversationEvent('customer.start', { ...common, ...customer, at }),
    conversationEvent('user.start', { ...common, userId: AGENT, queueId: QUEUE, at: at + MINUTE }),
    conversationEvent('user.end', { ...common, userId: AGENT, queueId: QUEUE, at: at + 5 * MINUTE }),
    // Ended: without customer.end the customer would still be busy.
    conversationEvent('customer.end', { ...common, ...customer, at: at + 5 * MINUTE }),
  ]
}

const mutate = (event: GenesysEnvelope, change: (copy: Record<string, any>) => void): string => {
  const copy = JSON.parse(JSON.stringify(event)) as Record<string, any>
  change(copy)
  return JSON.stringify(copy)
}

function lines(): Line[] {
  const available = (at: number, source = TEST_SOURCE) => presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at, source })
  const hostileConversation = conversation(90, 'SMS', { addressFrom: NEVER_MESSAGED[0]! }, T)[0]!
  return [
    // The legitimate story, part 1: two conversations with agent A.
    ...conversation(1, 'SMS', { addressFrom: SMS_CUSTOMER }, T),
    ...conversation(2, 'WEBMESSAGING', { externalContactId: WEB_CUSTOMER }, T + MINUTE),
    // Another org's conversation with agent A: the rule (GENESYS_ORG_ID) drops it, so that customer is never a target.
    ...conversation(91, 'SMS', { addressFrom: NEVER_MESSAGED[1]! }, T, OTHER_ORG),
    // A customer address that is template syntax and control characters: stored as data; no SMS can go to it.
    ...conversation(92, 'SMS', { addressFrom: '{{brand}}\u0000\u202e' }, T + 2 * MINUTE),
    presenceEvent({ agentId: AGENT, systemPresence: 'OFFLINE', at: T + 20 * MINUTE }),
    // Hostile events.
    '{"version":"0","id":"truncated","detail-type":"v2.users.{id}.presence","source":"aws.partner/genesys.com/cl',
    mutate(available(T + 21 * MINUTE), (e) => {
      e.detail.topicName = `v2.users.${NEVER_MESSAGED[2]}.presence`
    }),
    mutate(available(T + 22 * MINUTE), (e) => {
      e.detail.eventBody.modifiedDate = '9999-12-31T23:59:59.000Z'
    }),
    mutate(available(T + 23 * MINUTE), (e) => {
      e.detail.eventBody.presenceDefinition = { systemPresence: 42 }
    }),
    mutate(available(T + 24 * MINUTE), (e) => {
      e.detail.eventBody.message = 'x'.repeat(300 * 1024)
    }),
    mutate(hostileConversation, (e) => {
      e.detail.eventBody.eventTime = String(e.detail.eventBody.eventTime)
      e.detail.eventBody.addressFrom = NEVER_MESSAGED[3]
    }),
    mutate(hostileConversation, (e) => {
      e.detail.eventBody.conversationId = conversationId(93)
      e.detail.eventBody.addressFrom = NEVER_MESSAGED[4]
    }),
    // Valid apart from the extra keys, which stay data: accepted, and a break is no trigger.
    `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${JSON.stringify(presenceEvent({ agentId: AGENT, systemPresence: 'BREAK', at: T + 25 * MINUTE })).slice(1)}`,
    mutate(available(T + 26 * MINUTE), (e) => {
      e['detail-type'] = 'v2.users.{id}.conversations'
    }),
    mutate(hostileConversation, (e) => {
      e.detail.eventBody.mediaType = 'CHAT'
    }),
    available(T + 27 * MINUTE, OTHER_ORG),
    available(T + 28 * MINUTE, 'com.example.crm'),
    JSON.stringify({ version: '0', id: 'not-genesys', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }),
    '[]',
    // The legitimate story, part 2: agent A becomes available: exactly the two real customers are messaged.
    available(T + 30 * MINUTE),
  ]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = lines()
    .map((line) => (typeof line === 'string' ? line : JSON.stringify(line)))
    .join('\n')
  writeFileSync(join(HERE, 'events.jsonl'), `${text}\n`)
  console.log(`wrote ${join(HERE, 'events.jsonl')} (org ${TEST_ORG_ID})`)
}
