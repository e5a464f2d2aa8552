/**
 * Busy customers are left alone, through the real handlers on the local cloud (dynalite,
 * local SQS, the local buses, the Genesys simulator): in agent and queue scope, a customer chatting with
 * another agent, one in a transfer gap and one whose conversation has no customer.end are not messaged; a
 * conversation stale for ACTIVE_CONVERSATION_STALE_HOURS no longer blocks; and send checks again just before
 * sending, for a customer who started a conversation after the request.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LocalCloud } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { runScenario, summarise } from '../../local/run-scenario.ts'
import { activityEvent, conversationEvent, conversationLifecycle, presenceEvent, uuidFrom, type GenesysEnvelope } from '../support/genesys-events.ts'

const AGENT_A = uuidFrom('busy', 'agent-a')
const AGENT_B = uuidFrom('busy', 'agent-b')
const QUEUE = uuidFrom('busy', 'queue')
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const T = Date.parse('2025-06-10T12:00:00Z')
const number = (n: number) => `+1555444${String(n).padStart(4, '0')}`
const conversationId = (name: string) => uuidFrom('busy-conversation', name)

/** customer n's conversation with AGENT_A, ended (customer.end) 2 h before T. */
const endedWithA = (n: number): GenesysEnvelope[] =>
  conversationLifecycle({ conversationId: conversationId(`ended-${n}`), messageType: 'SMS', start: T - 2 * HOUR, agentId: AGENT_A, queueId: QUEUE, addressFrom: number(n) })

const sms = (name: string, n: number) => ({ conversationId: conversationId(name), messageType: 'SMS', addressFrom: number(n) }) as const

/** The customers: 1 free; 2 chatting with B now; 3 in a transfer gap; 4 with no customer.end; 5 stale (no event for 4 h). */
function conversations(): GenesysEnvelope[] {
  return [
    ...[1, 2, 3, 4, 5].flatMap((n) => (n === 3 || n === 4 ? [] : endedWithA(n))),
    // 2: a new conversation with agent B, still going.
    conversationEvent('customer.start', { ...sms('with-b', 2), at: T - 20 * MINUTE }),
    conversationEvent('acd.start', { ...sms('with-b', 2), addressFrom: undefined, queueId: QUEUE, at: T - 20 * MINUTE + 1_000 }),
    conversationEvent('user.start', { ...sms('with-b', 2), addressFrom: undefined, queueId: QUEUE, userId: AGENT_B, at: T - 19 * MINUTE }),
    // 3: A transferred it back to the queue (user.end, then acd.start); nobody has picked it up yet.
    conversationEvent('customer.start', { ...sms('transfer', 3), at: T - 40 * MINUTE }),
    conversationEvent('user.start', { ...sms('transfer', 3), addressFrom: undefined, queueId: QUEUE, userId: AGENT_A, at: T - 39 * MINUTE }),
    conversationEvent('user.end', { ...sms('transfer', 3), addressFrom: undefined, queueId: QUEUE, userId: AGENT_A, at: T - 30 * MINUTE, extra: { disconnectType: 'TRANSFER' } }),
    conversationEvent('acd.start', { ...sms('transfer', 3), addressFrom: undefined, queueId: QUEUE, at: T - 30 * MINUTE + 1_000 }),
    // 4: A left it (user.end) but the customer's side has not ended.
    conversationEvent('customer.start', { ...sms('no-end', 4), at: T - 50 * MINUTE }),
    conversationEvent('user.start', { ...sms('no-end', 4), addressFrom: undefined, queueId: QUEUE, userId: AGENT_A, at: T - 49 * MINUTE }),
    conversationEvent('user.end', { ...sms('no-end', 4), addressFrom: undefined, queueId: QUEUE, userId: AGENT_A, at: T - 45 * MINUTE }),
    // 5: another conversation, never ended, silent for exactly 4 h (the default stale time): counts as ended.
    conversationEvent('customer.start', { ...sms('stale', 5), at: T - 4 * HOUR }),
  ]
}

const entries = (events: readonly GenesysEnvelope[]) => events.map((event, index) => ({ ok: true as const, event, origin: `event ${index + 1}` }))
const recipients = (cloud: LocalCloud) => (cloud.simulator?.agentlessRequests() ?? []).filter((r) => r.status === 200).map((r) => (r.body as { toAddress?: string }).toAddress)

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

describe('busy customers are left alone', () => {
  it('agent scope: only the free customer and the stale one are messaged; the busy three are counted', async () => {
    cloud = await LocalCloud.start({})
    const summary = await runScenario(
      cloud,
      entries([...conversations(), presenceEvent({ agentId: AGENT_A, systemPresence: 'OFFLINE', at: T - 10 * MINUTE }), presenceEvent({ agentId: AGENT_A, systemPresence: 'ON_QUEUE', at: T })]),
    )
    expect(summary.triggers).toBe(1)
    expect(recipients(cloud).sort()).toEqual([number(1), number(5)])
    expect(summary.messages).toMatchObject({ customerBusy: 3, requested: 2, sent: 2 })
  })

  it('queue scope: the same customers, found through the queue, with the same verdicts', async () => {
    cloud = await LocalCloud.start({ config: { TARGET_SCOPE: 'queue' } })
    const available = activityEvent({ agentId: AGENT_B, at: T, systemPresence: 'ON_QUEUE', routingStatus: 'IDLE', activeQueueIds: [QUEUE] })
    const before = activityEvent({ agentId: AGENT_B, at: T - 10 * MINUTE, systemPresence: 'OFFLINE', activeQueueIds: [QUEUE] })
    const summary = await runScenario(cloud, entries([...conversations(), before, available]))
    expect(summary.triggers).toBe(1)
    // Customer 2's conversation with B is still connected: skipped as served, not counted as busy.
    expect(recipients(cloud).sort()).toEqual([number(1), number(5)])
    expect(summary.messages.customerBusy).toBe(2)
  })

  it('a shorter ACTIVE_CONVERSATION_STALE_HOURS frees the customer whose conversation went quiet', async () => {
    cloud = await LocalCloud.start({ config: { ACTIVE_CONVERSATION_STALE_HOURS: '0.5' } })
    await runScenario(
      cloud,
      entries([...conversations(), presenceEvent({ agentId: AGENT_A, systemPresence: 'OFFLINE', at: T - 10 * MINUTE }), presenceEvent({ agentId: AGENT_A, systemPresence: 'ON_QUEUE', at: T })]),
    )
    // 4 (last event 45 min ago) and 5 are stale at 30 min; 2 (19 min) and 3 (30 min less 1 s) are still active.
    expect(recipients(cloud).sort()).toEqual([number(1), number(4), number(5)])
  })

  it('send checks again: a customer who starts a conversation after the request is not messaged (customer-busy)', async () => {
    cloud = await LocalCloud.start({})
    await runScenario(cloud, entries([...endedWithA(1), ...endedWithA(6), presenceEvent({ agentId: AGENT_A, systemPresence: 'OFFLINE', at: T - 10 * MINUTE })]))
    const deliver = async (event: GenesysEnvelope, at: number) => {
      cloud?.clock.set(at)
      await cloud?.deliverGenesysEvent(event as unknown as EventEnvelope)
    }
    // The trigger: presence requests both customers; send has not run yet.
    await deliver(presenceEvent({ agentId: AGENT_A, systemPresence: 'ON_QUEUE', at: T }), T)
    await cloud.drain({ stages: ['agentEvents'] })
    // Customer 6 writes in before send gets to the request.
    await deliver(conversationEvent('customer.start', { ...sms('late', 6), at: T + 30_000 }), T + 30_000)
    await cloud.drain({ stages: ['conversationEvents'] })
    await cloud.drain()
    const summary = await summarise(cloud, { received: 0, accepted: 0, rejected: 0, ignored: 0 })
    expect(recipients(cloud)).toEqual([number(1)])
    expect(summary.messages).toMatchObject({ requested: 2, sent: 1, customerBusy: 1, deadLettered: 0 })
    // Reported like the other deliberate non-sends: settled once, no dead letter, no cap used.
    expect(summary.reconciliation).toMatchObject({ notSentByControl: 1, balanced: true })
    const outcome = cloud.outcomes.map((event) => event.detail as { outcome?: string; conversationId?: string }).find((detail) => detail.conversationId === conversationId('ended-6'))
    expect(outcome?.outcome).toBe('customer-busy')
  })
})
