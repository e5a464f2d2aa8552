/**
 * Only Genesys is trusted as a source. The pure check (lib/domain/source-trust.ts), and the functions on the
 * local cloud: an event put straight on their queues (as a hand redrive or a mis-set rule would) from another
 * source or another org is ignored, counted in EventsIgnored, logged with `source` as the field, and
 * acknowledged (not retried, not dead-lettered), while the trusted events of the same batch are processed.
 */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkEventSource, parseGenesysSource } from '#lib/domain/source-trust.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import { genesysEventSourceName, rulePatterns } from '#lib/topology.ts'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { matchesPattern } from '../../local/event-pattern.ts'
import { captureLogs, fuzzParams, type CapturedLogs } from '../fuzz/harness.ts'
import { conversationEvent, presenceEvent, TEST_ORG_ID, TEST_SOURCE, type GenesysEnvelope } from '../support/genesys-events.ts'

const asEnvelope = (event: GenesysEnvelope): EventEnvelope => event as unknown as EventEnvelope
const OTHER_ORG = '00000000-0000-4000-8000-0000000000ff'
const FOREIGN_SOURCES = [
  'com.example.crm',
  'aws.partner/genesys.com.test/cloud/32aa07aa-db1b-4987-abd0-9483601ec29d/test-event-bus',
  'aws.partner/genesys.com/cloud/32aa07aa-db1b-4987-abd0-9483601ec29d',
  'aws.partner/genesys.com/cloud/32aa07aa-db1b-4987-abd0-9483601ec29d/a/b',
  ' aws.partner/genesys.com/cloud/32aa07aa-db1b-4987-abd0-9483601ec29d/x',
  'proactive-messaging',
  genesysEventSourceName(OTHER_ORG, 'proactive-messaging'),
]

describe('checkEventSource', () => {
  it('trusts every Genesys Cloud partner source when no org is configured', () => {
    fc.assert(
      fc.property(fc.uuid({ version: 4 }), fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/), (orgId, suffix) => {
        expect(checkEventSource(genesysEventSourceName(orgId, suffix))).toEqual({ trusted: true, orgId })
      }),
      fuzzParams(200),
    )
  })

  it('trusts only the configured org, whatever the case of its id', () => {
    expect(checkEventSource(TEST_SOURCE, { orgId: TEST_ORG_ID.toUpperCase() }).trusted).toBe(true)
    const other = checkEventSource(genesysEventSourceName(OTHER_ORG, 'x'), { orgId: TEST_ORG_ID })
    expect(other).toEqual({ trusted: false, field: 'source', problem: `names Genesys Cloud org "${OTHER_ORG}", not the configured org` })
  })

  it('names `source` and quotes a short form of it for anything else', () => {
    for (const source of FOREIGN_SOURCES.slice(0, -1)) {
      const verdict = checkEventSource(source)
      expect(verdict.trusted, source).toBe(false)
      if (!verdict.trusted) expect(verdict.problem).toContain('is not a Genesys Cloud partner event source')
    }
    const long = checkEventSource('x'.repeat(10_000))
    expect(long.trusted === false && long.problem.length < 200).toBe(true)
  })

  it('agrees with the rule patterns: whatever the rule lets through for an org, the function trusts', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...FOREIGN_SOURCES, TEST_SOURCE), fc.string({ maxLength: 80 })), (source) => {
        const pattern = rulePatterns({ orgId: TEST_ORG_ID }).agentEvents
        const event = presenceEvent({ agentId: '6f1c2b7e-4a4b-4d6e-9f0a-1b2c3d4e5f60', systemPresence: 'ON_QUEUE', at: Date.UTC(2026, 0, 1), source })
        if (checkEventSource(source, { orgId: TEST_ORG_ID }).trusted) expect(matchesPattern(pattern, event as unknown as Record<string, unknown>)).toBe(true)
        if (!matchesPattern(pattern, event as unknown as Record<string, unknown>)) expect(checkEventSource(source, { orgId: TEST_ORG_ID }).trusted).toBe(false)
      }),
      fuzzParams(200),
    )
    expect(parseGenesysSource(genesysEventSourceName(TEST_ORG_ID, 'suffix'))).toEqual({ orgId: TEST_ORG_ID, suffix: 'suffix' })
  })
})

describe('the functions ignore events from untrusted sources', () => {
  let cloud: LocalCloud
  let logs: CapturedLogs

  beforeAll(async () => {
    cloud = await LocalCloud.start({ logLevel: 'DEBUG', config: { GENESYS_ORG_ID: TEST_ORG_ID } })
    logs = captureLogs()
  })

  afterAll(async () => {
    logs?.restore()
    await cloud?.close()
  })

  const at = Date.UTC(2026, 5, 1, 12)
  const conversation = (n: number, source: string): GenesysEnvelope =>
    conversationEvent('customer.start', { conversationId: `2f7bf00a-0fc2-4d6a-9b56-${String(n).padStart(12, '0')}`, at, messageType: 'SMS', addressFrom: '+13175550142', source })

  async function stored(dynamo: DynamoDBClient, conversationId: string): Promise<boolean> {
    const { Item } = await dynamo.send(new GetItemCommand({ TableName: LOCAL_NAMES.sessionsTable, Key: { conversationId: { S: conversationId } } }))
    return Item !== undefined
  }

  it('session-recorder: a batch mixing trusted and foreign events records only the trusted ones', async () => {
    const events = [conversation(1, TEST_SOURCE), ...FOREIGN_SOURCES.map((source, i) => conversation(10 + i, source)), conversation(2, TEST_SOURCE)]
    await cloud.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: cloud.queueUrl('conversationEvents'),
        Entries: events.slice(0, 10).map((event, i) => ({ Id: String(i), MessageBody: JSON.stringify(event) })),
      }),
    )
    logs.clear()
    await cloud.drain()

    expect(cloud.tally.get('session-recorder', METRIC_NAMES.eventsIgnored)).toBe(FOREIGN_SOURCES.length)
    expect(cloud.tally.get('session-recorder', METRIC_NAMES.eventsRejected)).toBe(0)
    expect(await stored(cloud.dynamo, events[0]!.detail.eventBody.conversationId as string)).toBe(true)
    expect(await stored(cloud.dynamo, events.at(-1)!.detail.eventBody.conversationId as string)).toBe(true)
    for (const event of events.slice(1, -1)) expect(await stored(cloud.dynamo, event.detail.eventBody.conversationId as string)).toBe(false)

    const ignored = logs.lines().filter((line) => line.message === 'event ignored: untrusted source')
    expect(ignored).toHaveLength(FOREIGN_SOURCES.length)
    for (const line of ignored) {
      expect(line.field).toBe('source')
      expect(line.level).toBe('WARN')
      expect(typeof line.messageId).toBe('string')
    }
    // Acknowledged: nothing is left to be retried or dead-lettered.
    expect(await cloud.deadLetters()).toEqual([])
  })

  it('presence: a foreign "agent available" event triggers nothing', async () => {
    const agentId = '6f1c2b7e-4a4b-4d6e-9f0a-1b2c3d4e5f60'
    const foreign = presenceEvent({ agentId, systemPresence: 'ON_QUEUE', at, source: genesysEventSourceName(OTHER_ORG, 'x') })
    await cloud.sqs.send(new SendMessageBatchCommand({ QueueUrl: cloud.queueUrl('agentEvents'), Entries: [{ Id: '0', MessageBody: JSON.stringify(foreign) }] }))
    logs.clear()
    await cloud.drain()
    expect(cloud.tally.get('presence', METRIC_NAMES.eventsIgnored)).toBe(1)
    expect(cloud.tally.total(METRIC_NAMES.availabilityTriggers)).toBe(0)
    expect(cloud.tally.total(METRIC_NAMES.messagesRequested)).toBe(0)
    expect(logs.lines().find((line) => line.message === 'event ignored: untrusted source')?.field).toBe('source')
    expect(await cloud.deadLetters()).toEqual([])
  })

  it("the partner-bus rules already drop another org's events when GENESYS_ORG_ID is set", async () => {
    expect(await cloud.deliverGenesysEvent(asEnvelope(conversation(3, genesysEventSourceName(OTHER_ORG, 'x'))))).toEqual([])
    expect(await cloud.deliverGenesysEvent(asEnvelope(conversation(4, TEST_SOURCE)))).toEqual(['conversation-events'])
    await cloud.drain()
  })
})
