/**
 * Triggers at the same moment (the 9:00 login storm in miniature), through the real handlers.
 * - Two agents who both served one customer: the first trigger claims the customer, the second leaves them to it,
 *   so one request, one message. A third agent coming back later does not request the customer either: presence
 *   reads the reservation send made.
 * - Queue scope, two agents of one queue On Queue and Idle at the same instant, 10 eligible customers, a limit of
 *   3: six different customers requested, none capped at send, four left for later triggers.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { APP_DETAIL_TYPES } from '#lib/topology.ts'
import { activityEvent, conversationLifecycle, presenceEvent } from '../support/genesys-events.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'

const MINUTE = 60_000
const AT = Date.parse('2026-03-02T09:00:00.000Z')
const AGENTS = ['a9e17000-0000-4000-8000-0000000000c1', 'a9e17000-0000-4000-8000-0000000000c2', 'a9e17000-0000-4000-8000-0000000000c3']
const QUEUE = '90e0e000-0000-4000-8000-0000000000c1'
const PHONE = '+13175550188'

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

async function deliver(local: LocalCloud, events: readonly unknown[], { drainEach }: { drainEach: boolean }): Promise<void> {
  for (const event of events as EventEnvelope[]) {
    local.clock.set(Date.parse(event.time as string))
    await local.deliverGenesysEvent(event)
    if (drainEach) await local.drain()
  }
  // Presence handles every event before send sees any request, however SQS batches them: otherwise, on a busy
  // machine, send could reserve the customer before the second trigger reads the reservations.
  await local.drain({ stages: ['agentEvents'] })
  await local.drain()
}

describe('concurrent triggers for one customer', () => {
  it('messages the customer once: the second trigger finds them claimed, and a later trigger requests nothing', async () => {
    const local = (cloud = await LocalCloud.start())
    // Each agent handled one SMS conversation with the same customer earlier this morning.
    const history = AGENTS.flatMap((agentId, i) =>
      conversationLifecycle({ conversationId: `c0a7e500-0000-4000-8000-0000000000c${i + 1}`, messageType: 'SMS', start: AT - (3 - i) * 60 * MINUTE, agentId, queueId: QUEUE, addressFrom: PHONE }),
    )
    await deliver(local, [...history, ...AGENTS.map((agentId) => presenceEvent({ agentId, systemPresence: 'OFFLINE', at: AT - 10 * MINUTE }))], { drainEach: true })

    // The first two come back together: both triggers run before any request is sent.
    await deliver(
      local,
      AGENTS.slice(0, 2).map((agentId, i) => presenceEvent({ agentId, systemPresence: 'ON_QUEUE', at: AT + i })),
      { drainEach: false },
    )

    const requested = local.bus.acceptedEvents(LOCAL_NAMES.appBus).filter((event) => event['detail-type'] === APP_DETAIL_TYPES.requested)
    expect(requested).toHaveLength(1)
    expect(local.tally.total(METRIC_NAMES.messagesClaimedElsewhere)).toBe(1)
    const accepted = local.simulator!.agentlessRequests().filter((request) => request.status === 202 || request.status === 200)
    expect(accepted).toHaveLength(1)
    expect(local.outcomes.map((event) => (event.detail as { outcome: string }).outcome)).toEqual(['sent'])

    // The third agent comes back later: the customer is already reserved, so presence requests nothing.
    await deliver(local, [presenceEvent({ agentId: AGENTS[2]!, systemPresence: 'ON_QUEUE', at: AT + 5 * MINUTE })], { drainEach: false })
    expect(local.bus.acceptedEvents(LOCAL_NAMES.appBus).filter((event) => event['detail-type'] === APP_DETAIL_TYPES.requested)).toHaveLength(1)
    expect(local.simulator!.agentlessRequests()).toHaveLength(1)
  })

  it('queue scope: two agents at the same instant, 10 eligible customers, limit 3: six different customers, none capped at send', async () => {
    const local = (cloud = await LocalCloud.start({ config: { TARGET_SCOPE: 'queue', MAX_MESSAGES_PER_TRIGGER: '3' } }))
    const [first, second, served] = AGENTS as [string, string, string]
    const history = Array.from({ length: 10 }, (_, i) =>
      conversationLifecycle({
        conversationId: `c0a7e500-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`,
        messageType: 'SMS',
        start: AT - (5 * 60 - i * 10) * MINUTE,
        agentId: served,
        queueId: QUEUE,
        addressFrom: `+131755502${String(i).padStart(2, '0')}`,
      }),
    ).flat()
    const away = [first, second].map((agentId) => activityEvent({ agentId, systemPresence: 'OFFLINE', routingStatus: 'OFF_QUEUE', at: AT - 10 * MINUTE }))
    await deliver(local, [...history, ...away], { drainEach: true })

    const back = [first, second].map((agentId) => activityEvent({ agentId, systemPresence: 'ON_QUEUE', routingStatus: 'IDLE', activeQueueIds: [QUEUE], at: AT }))
    await deliver(local, back, { drainEach: false })

    const requested = local.bus.acceptedEvents(LOCAL_NAMES.appBus).filter((event) => event['detail-type'] === APP_DETAIL_TYPES.requested)
    const conversations = new Set(requested.map((event) => (event.detail as { conversationId: string }).conversationId))
    expect(requested).toHaveLength(6)
    expect(conversations.size).toBe(6)
    expect(local.outcomes.map((event) => (event.detail as { outcome: string }).outcome)).toEqual(Array(6).fill('sent'))
    expect(local.simulator!.agentlessRequests().filter((request) => request.status === 202 || request.status === 200)).toHaveLength(6)
    expect(local.tally.total(METRIC_NAMES.messagesCapped)).toBe(0)
  })
})
