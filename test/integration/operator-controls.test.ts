/**
 * Operator controls through the real handlers on the local cloud: sending mode (setting and run-time
 * override with its 30 s cache), dry run leaving the cap untouched, quiet hours at the trigger's time, pilot
 * scope for agents and queues.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { afterEach, describe, expect, it } from 'vitest'
import { DynamoDbSendingModeOverrides, MODE_CACHE_MS } from '#lib/adapters/dynamodb-sending-mode.ts'
import { LOCAL_NAMES, LocalCloud } from '../../local/cloud.ts'
import { runScenario } from '../../local/run-scenario.ts'
import type { ScenarioEntry } from '../../local/scenario.ts'
import { conversationLifecycle, presenceEvent, uuidFrom, type GenesysEnvelope } from '../support/genesys-events.ts'

const AGENT = uuidFrom('controls', 'agent')
const OTHER_AGENT = uuidFrom('controls', 'other-agent')
const QUEUE_1 = uuidFrom('controls', 'queue-1')
const QUEUE_2 = uuidFrom('controls', 'queue-2')
const MINUTE = 60_000
// 2025-06-10 09:00 UTC (a Tuesday); Europe/London is on BST (UTC+1) then.
const T0 = Date.parse('2025-06-10T09:00:00Z')

/** Three customers served by AGENT (SMS and Web Messaging in queue 1, SMS in queue 2), then AGENT's triggers. */
function conversations(agentId = AGENT, start = T0, batch = 0): GenesysEnvelope[] {
  const n = (i: number) => batch * 10 + i
  return [
    ...conversationLifecycle({ conversationId: uuidFrom('c', n(1)), messageType: 'SMS', start, agentId, queueId: QUEUE_1, addressFrom: `+155533300${String(n(1)).padStart(2, '0')}` }),
    ...conversationLifecycle({ conversationId: uuidFrom('c', n(2)), messageType: 'WEBMESSAGING', start: start + MINUTE, agentId, queueId: QUEUE_1, externalContactId: uuidFrom('contact', n(2)) }),
    ...conversationLifecycle({
      conversationId: uuidFrom('c', n(3)),
      messageType: 'SMS',
      start: start + 2 * MINUTE,
      agentId,
      queueId: QUEUE_2,
      addressFrom: `+155533300${String(n(3)).padStart(2, '0')}`,
    }),
  ]
}

/** On a break, then On Queue at `at` (able to take routed work, as Genesys defines it): one trigger. */
const trigger = (at: number, agentId = AGENT): GenesysEnvelope[] => [
  presenceEvent({ agentId, systemPresence: 'BREAK', at: at - 5 * MINUTE }),
  presenceEvent({ agentId, systemPresence: 'ON_QUEUE', at }),
]

const entries = (events: readonly GenesysEnvelope[]): ScenarioEntry[] => events.map((event, index) => ({ ok: true, event, origin: `event ${index + 1}` }))

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

async function start(config: Record<string, string> = {}): Promise<LocalCloud> {
  cloud = await LocalCloud.start({ config: { GENESYS_ORG_ID: '32aa07aa-db1b-4987-abd0-9483601ec29d', ...config } })
  return cloud
}

function modeStore(c: LocalCloud): DynamoDbSendingModeOverrides {
  return new DynamoDbSendingModeOverrides(DynamoDBDocumentClient.from(c.dynamo), LOCAL_NAMES.stateTable)
}

describe('sending mode', () => {
  it('paused: availability is tracked and the trigger counted; nothing read, requested or sent', async () => {
    const live = await runScenario(await start(), entries([...conversations(), ...trigger(T0 + 30 * MINUTE)]))
    await cloud!.close()
    cloud = undefined
    expect(live.messages.sent).toBe(3)
    const paused = await runScenario(await start({ SENDING_MODE: 'paused' }), entries([...conversations(), ...trigger(T0 + 30 * MINUTE)]))
    expect(paused.triggers).toBe(1)
    expect(paused.pausedTriggers).toBe(1)
    expect(paused.messages).toMatchObject({ requested: 0, sent: 0, deadLettered: 0, paused: 0, capped: 0, deferred: 0 })
    expect(paused.genesys.requests).toEqual([])
    expect(paused.reconciliation.balanced).toBe(true)
  })

  it('an override (proactive mode) takes effect within the 30 s cache, without a restart', async () => {
    const c = await start()
    const first = await runScenario(c, entries([...conversations(), ...trigger(T0 + 30 * MINUTE)]))
    expect(first.messages.sent).toBe(3)
    await modeStore(c).write('paused', Date.now())
    // New customers for the next trigger (the first three are capped).
    const later = T0 + 60 * MINUTE
    c.clock.advance(MODE_CACHE_MS)
    const second = await runScenario(c, entries([...conversations(AGENT, later, 1), ...trigger(later + 30 * MINUTE)]))
    // The summary counts over the cloud's life: the second trigger added a paused trigger, nothing else.
    expect(second.triggers).toBe(2)
    expect(second.pausedTriggers).toBe(1)
    expect(second.messages).toMatchObject({ requested: 3, sent: 3, paused: 0 })
    expect(second.genesys.requests).toHaveLength(3)
  })

  it('dry run: every check runs, nothing is posted, the masked body is reported; no cap is used, so a later live trigger messages the same customers', async () => {
    const c = await start({ SENDING_MODE: 'dry-run' })
    const dry = await runScenario(c, entries([...conversations(), ...trigger(T0 + 30 * MINUTE)]))
    expect(dry.messages).toMatchObject({ requested: 3, sent: 0, dryRun: 3, deadLettered: 0 })
    expect(dry.genesys.requests).toEqual([])
    expect(dry.reconciliation).toMatchObject({ notSentByControl: 3, balanced: true })
    const sms = dry.dryRuns.map((run) => run.body as Record<string, unknown>).filter((body) => body.toAddressMessengerType === 'sms')
    expect(sms.map((body) => body.toAddress).sort()).toEqual(['…0001', '…0003'])
    expect(sms[0]).toMatchObject({ fromAddress: '+13175550100', textBody: expect.stringContaining('agent is available') })
    expect(JSON.stringify(dry.dryRuns)).not.toContain('+15553330001')

    await modeStore(c).write('live', Date.now())
    c.clock.advance(MODE_CACHE_MS)
    const live = await runScenario(c, entries(trigger(T0 + 50 * MINUTE)))
    expect(live.messages.sent).toBe(3)
    const recipients = live.genesys.requests.map((request) => (request.body as Record<string, unknown>).toAddress ?? (request.body as Record<string, unknown>).externalContactId)
    expect(recipients.sort()).toEqual(['+15553330001', '+15553330003', uuidFrom('contact', 2)].sort())
  })
})

describe('quiet hours', () => {
  it("a trigger inside its channel's window is not sent; outside it is (Europe/London, BST)", async () => {
    // 09:30 UTC is 10:30 in London on 10 June: inside 10:00-11:00 for SMS only.
    const c = await start({ QUIET_HOURS_SMS: '10:00-11:00', QUIET_HOURS_TIMEZONE: 'Europe/London' })
    const summary = await runScenario(c, entries([...conversations(), ...trigger(T0 + 30 * MINUTE)]))
    expect(summary.messages).toMatchObject({ requested: 3, sent: 1, quietHours: 2, deadLettered: 0 })
    expect(summary.genesys.requests.map((request) => (request.body as Record<string, unknown>).toAddressMessengerType)).toEqual(['webmessaging'])
    expect(summary.reconciliation.balanced).toBe(true)
  })

  it('a window across midnight, judged by the trigger time, not the wall clock', async () => {
    // 23:30 UTC on 10 June: inside 22:00-06:00 UTC.
    const late = Date.parse('2025-06-10T23:00:00Z')
    const c = await start({ QUIET_HOURS: '22:00-06:00' })
    const summary = await runScenario(c, entries([...conversations(AGENT, late - 60 * MINUTE), ...trigger(late + 30 * MINUTE)]))
    expect(summary.messages).toMatchObject({ requested: 3, sent: 0, quietHours: 3 })
  })
})

describe('pilot scope', () => {
  it('a trigger from an agent outside ENABLED_AGENT_IDS requests nothing', async () => {
    const c = await start({ ENABLED_AGENT_IDS: OTHER_AGENT })
    const summary = await runScenario(c, entries([...conversations(), ...trigger(T0 + 30 * MINUTE)]))
    expect(summary.messages).toMatchObject({ requested: 0, sent: 0 })
    expect(c.tally.total('TriggersOutsidePilot')).toBe(1)
  })

  it('with ENABLED_QUEUE_IDS only sessions from those queues are targeted; the others are counted', async () => {
    const c = await start({ ENABLED_QUEUE_IDS: QUEUE_1, ENABLED_AGENT_IDS: `${OTHER_AGENT},${AGENT}` })
    const summary = await runScenario(c, entries([...conversations(), ...trigger(T0 + 30 * MINUTE)]))
    expect(summary.messages).toMatchObject({ requested: 2, sent: 2 })
    expect(c.tally.total('MessagesOutsidePilot')).toBe(1)
    const recipients = summary.genesys.requests.map((request) => (request.body as Record<string, unknown>).toAddress ?? (request.body as Record<string, unknown>).externalContactId)
    expect(recipients).not.toContain('+15553330003')
  })

  it('with ENABLED_CHANNELS only customers on those channels are requested; the others are counted as outside the pilot', async () => {
    const c = await start({ ENABLED_CHANNELS: 'webmessaging' })
    const summary = await runScenario(c, entries([...conversations(), ...trigger(T0 + 30 * MINUTE)]))
    expect(summary.messages).toMatchObject({ requested: 1, sent: 1 })
    expect(c.tally.total('MessagesOutsidePilot')).toBe(2)
    expect(summary.genesys.requests.map((request) => (request.body as Record<string, unknown>).toAddressMessengerType)).toEqual(['webmessaging'])
  })
})
