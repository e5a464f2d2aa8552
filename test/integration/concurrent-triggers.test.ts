/**
 * Two agents who both served one customer come back at the same moment (the 9:00 login storm in miniature).
 * Presence publishes a request from each trigger, since neither has been sent yet; send reserves the customer
 * before sending, so the customer is messaged once and the other request ends as `capped`. A third agent
 * coming back after that does not even request the customer: presence reads the reservation first.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { APP_DETAIL_TYPES } from '#lib/topology.ts'
import { conversationLifecycle, presenceEvent } from '../support/genesys-events.ts'

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
  it('messages the customer once; the other request is capped by send, and a later trigger requests nothing', async () => {
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
    expect(requested).toHaveLength(2)
    const accepted = local.simulator!.agentlessRequests().filter((request) => request.status === 202 || request.status === 200)
    expect(accepted).toHaveLength(1)
    const outcomes = local.outcomes.map((event) => event.detail as { outcome: string; reason?: string; dedupeKey: string })
    expect(outcomes.map((outcome) => outcome.outcome).sort()).toEqual(['capped', 'sent'])
    expect(outcomes.find((outcome) => outcome.outcome === 'capped')?.reason).toMatch(/messaged within the last 24 hours/)
    expect(new Set(outcomes.map((outcome) => outcome.dedupeKey))).toEqual(new Set(requested.map((event) => (event.detail as { dedupeKey: string }).dedupeKey)))

    // The third agent comes back later: the customer is already reserved, so presence requests nothing.
    await deliver(local, [presenceEvent({ agentId: AGENTS[2]!, systemPresence: 'ON_QUEUE', at: AT + 5 * MINUTE })], { drainEach: false })
    expect(local.bus.acceptedEvents(LOCAL_NAMES.appBus).filter((event) => event['detail-type'] === APP_DETAIL_TYPES.requested)).toHaveLength(2)
    expect(local.simulator!.agentlessRequests()).toHaveLength(1)
  })
})
