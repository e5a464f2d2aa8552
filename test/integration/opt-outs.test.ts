/**
 * Opt-outs through the real handlers on the local cloud: a customer on the opt-out list is
 * never requested by presence, and send refuses one who opted out after being requested (outcome `opted-out`,
 * reported on the app bus, not dead-lettered, no cap used), in live and dry-run mode. The list matches a customer
 * however the address was written.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { afterEach, describe, expect, it } from 'vitest'
import { capKey } from '#lib/adapters/dynamodb-cap-ledger.ts'
import { DynamoDbOptOutAdmin } from '#lib/adapters/dynamodb-opt-out-admin.ts'
import { optOutOfAddress } from '#lib/adapters/dynamodb-opt-out-lookup.ts'
import { customerKey } from '#lib/domain/address.ts'
import { optOutKeyOf } from '#lib/domain/opt-outs.ts'
import { APP_DETAIL_TYPES } from '#lib/topology.ts'
import { LOCAL_NAMES, LocalCloud } from '../../local/cloud.ts'
import { runScenario } from '../../local/run-scenario.ts'
import type { ScenarioEntry } from '../../local/scenario.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { conversationLifecycle, presenceEvent, TEST_ORG_ID, uuidFrom, type GenesysEnvelope } from '../support/genesys-events.ts'

const AGENT = uuidFrom('opt-outs', 'agent')
const QUEUE = uuidFrom('opt-outs', 'queue')
const MINUTE = 60_000
const T0 = Date.parse('2025-06-10T09:00:00Z')
const CONTACT = uuidFrom('opt-outs', 'contact')

/** Three customers AGENT served: two by SMS (numbers as Genesys writes them), one by Web Messaging. */
const conversations: GenesysEnvelope[] = [
  ...conversationLifecycle({ conversationId: uuidFrom('oc', 1), messageType: 'SMS', start: T0, agentId: AGENT, queueId: QUEUE, addressFrom: '+15553330001' }),
  ...conversationLifecycle({ conversationId: uuidFrom('oc', 2), messageType: 'SMS', start: T0 + MINUTE, agentId: AGENT, queueId: QUEUE, addressFrom: '+15553330002' }),
  ...conversationLifecycle({ conversationId: uuidFrom('oc', 3), messageType: 'WEBMESSAGING', start: T0 + 2 * MINUTE, agentId: AGENT, queueId: QUEUE, externalContactId: CONTACT }),
]
const TRIGGER_AT = T0 + 30 * MINUTE
const trigger: GenesysEnvelope[] = [
  presenceEvent({ agentId: AGENT, systemPresence: 'BREAK', at: TRIGGER_AT - 5 * MINUTE }),
  presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: TRIGGER_AT }),
]

const entries = (events: readonly GenesysEnvelope[]): ScenarioEntry[] => events.map((event, index) => ({ ok: true, event, origin: `event ${index + 1}` }))

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

async function start(config: Record<string, string> = {}): Promise<LocalCloud> {
  cloud = await LocalCloud.start({ config: { GENESYS_ORG_ID: TEST_ORG_ID, ...config } })
  return cloud
}

/** Adds a customer to the list as `proactive suppress add` does. */
async function suppress(c: LocalCloud, channel: string, address: string): Promise<void> {
  const key = optOutKeyOf(channel, address)
  if (!key.ok) throw new Error(key.problem)
  await new DynamoDbOptOutAdmin(DynamoDBDocumentClient.from(c.dynamo), LOCAL_NAMES.stateTable).add(key.channel, key.key, Date.now())
}

const recipientsOf = (summary: Awaited<ReturnType<typeof runScenario>>) =>
  summary.genesys.requests.map((request) => {
    const body = request.body as Record<string, unknown>
    return String(body.toAddress ?? body.externalContactId)
  })

describe('presence leaves out customers on the opt-out list', () => {
  it('matched across address formats: a number written with spaces and brackets, a contact id in capitals', async () => {
    const c = await start()
    await suppress(c, 'sms', '+1 (555) 333-0001')
    await suppress(c, 'webmessaging', CONTACT.toUpperCase())
    const summary = await runScenario(c, entries([...conversations, ...trigger]))
    expect(summary.triggers).toBe(1)
    expect(summary.messages).toMatchObject({ requested: 1, sent: 1, optedOut: 2, deadLettered: 0 })
    expect(recipientsOf(summary)).toEqual(['+15553330002'])
    // Not requested at all: no request event for them on the app bus.
    const requested = c.bus.acceptedEvents(LOCAL_NAMES.appBus).filter((event) => event['detail-type'] === APP_DETAIL_TYPES.requested)
    expect(requested).toHaveLength(1)
    expect(summary.reconciliation.balanced).toBe(true)
  })

  it('the stored item is the hash of the normalised key, never the address', async () => {
    const c = await start()
    await suppress(c, 'sms', 'tel:+1 555.333.0001')
    const items = await new DynamoDbOptOutAdmin(DynamoDBDocumentClient.from(c.dynamo), LOCAL_NAMES.stateTable).list()
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ channel: 'sms', hash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(JSON.stringify(items)).not.toContain('5553330001')
    expect(await optOutOfAddress(DynamoDBDocumentClient.from(c.dynamo), LOCAL_NAMES.stateTable, 'sms', '+15553330001')).toEqual({ since: expect.any(Number) })
    expect(await optOutOfAddress(DynamoDBDocumentClient.from(c.dynamo), LOCAL_NAMES.stateTable, 'sms', '+15553330002')).toBeUndefined()
  })
})

describe('send checks again: a customer who opted out after being requested', () => {
  for (const mode of ['live', 'dry-run'] as const) {
    it(`${mode}: outcome opted-out on the app bus, not sent, not dead-lettered, no cap used`, async () => {
      const c = await start({ SENDING_MODE: mode })
      await runScenario(c, entries(conversations))
      // The trigger reaches presence, which requests all three; the customer opts out before send runs.
      for (const event of trigger) {
        c.clock.set(Date.parse(event.time))
        await c.deliverGenesysEvent(event as unknown as EventEnvelope)
        await c.drain({ stages: ['agentEvents'] })
      }
      await suppress(c, 'sms', '+1 555 333 0001')
      await c.drain()
      const summary = await runScenario(c, [])
      expect(summary.messages).toMatchObject({ requested: 3, optedOut: 1, deadLettered: 0, ...(mode === 'live' ? { sent: 2 } : { dryRun: 2, sent: 0 }) })
      expect(summary.deadLetters).toEqual([])
      const optedOut = c.outcomes.filter((event) => (event.detail as { outcome?: string }).outcome === 'opted-out')
      expect(optedOut).toHaveLength(1)
      expect(optedOut[0]).toMatchObject({ 'detail-type': APP_DETAIL_TYPES.failed, detail: { channel: 'sms', reason: 'customer on the opt-out list' } })
      // Outcome events carry no address.
      expect(JSON.stringify(optedOut[0])).not.toContain('5553330001')
      expect(recipientsOf(summary)).not.toContain('+15553330001')
      const cap = await c.dynamo.send(new GetItemCommand({ TableName: LOCAL_NAMES.stateTable, Key: { pk: { S: capKey(customerKey({ channel: 'sms', address: '+15553330001' })) } } }))
      expect(cap.Item).toBeUndefined()
      expect(summary.reconciliation).toMatchObject({ notSentByControl: mode === 'live' ? 1 : 3, balanced: true })
    })
  }
})
