/**
 * As many customers as the agent can serve, through the real handlers on the local cloud: the
 * per-trigger limit, the customers over it deferred to later triggers (of this agent, or in queue scope of any
 * agent) and never messaged twice, the priority order, and the agent's capacity from the Genesys utilization
 * lookup (the simulator), cached, with its fallback when the lookup fails or answers nonsense.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LocalCloud, type LocalCloudOptions } from '../../local/cloud.ts'
import { runScenario, type RunSummary } from '../../local/run-scenario.ts'
import type { ScenarioEntry } from '../../local/scenario.ts'
import { conversationLifecycle, presenceEvent, uuidFrom, type GenesysEnvelope } from '../support/genesys-events.ts'

const AGENT = uuidFrom('capacity', 'agent')
const OTHER_AGENT = uuidFrom('capacity', 'other-agent')
const SERVED_BY = uuidFrom('capacity', 'earlier-agent')
const QUEUE = uuidFrom('capacity', 'queue')
const MINUTE = 60_000
const T0 = Date.parse('2026-03-02T08:00:00Z')

const number = (i: number) => `+1555444${String(1000 + i).slice(-4)}`

/** Customer i's SMS conversation, `i` minutes after T0 (a larger i is more recent), served by `agentId`. */
const served = (i: number, agentId = AGENT): GenesysEnvelope[] =>
  conversationLifecycle({ conversationId: uuidFrom('conversation', i), messageType: 'SMS', start: T0 + i * MINUTE, agentId, queueId: QUEUE, addressFrom: number(i) })
const abandoned = (i: number): GenesysEnvelope[] =>
  conversationLifecycle({ conversationId: uuidFrom('conversation', i), messageType: 'SMS', start: T0 + i * MINUTE, agentId: SERVED_BY, queueId: QUEUE, addressFrom: number(i), abandoned: true })

/** On a break, then On Queue at `at`: one trigger (the default cooldown is 10 minutes). */
const trigger = (at: number, agentId = AGENT): GenesysEnvelope[] => [presenceEvent({ agentId, systemPresence: 'BREAK', at: at - MINUTE }), presenceEvent({ agentId, systemPresence: 'ON_QUEUE', at })]

const entries = (events: readonly GenesysEnvelope[]): ScenarioEntry[] => events.map((event, index) => ({ ok: true, event, origin: `event ${index + 1}` }))

/** The customers Genesys accepted a message for, in the order the messages were sent. */
const messaged = (summary: RunSummary): string[] => summary.genesys.requests.filter((r) => r.status === 200).map((r) => String((r.body as { toAddress?: unknown }).toAddress))

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

async function run(events: readonly GenesysEnvelope[], config: Record<string, string>, options: Partial<LocalCloudOptions> = {}): Promise<RunSummary> {
  cloud = await LocalCloud.start({ ...options, config })
  return runScenario(cloud, entries(events))
}

describe('the per-trigger limit defers, never drops, never repeats', () => {
  it('one agent, limit 2, five customers: 2, then 2, then the last one over three triggers', async () => {
    const customers = [1, 2, 3, 4, 5].flatMap((i) => served(i))
    const summary = await run([...customers, ...trigger(T0 + 30 * MINUTE), ...trigger(T0 + 45 * MINUTE), ...trigger(T0 + 60 * MINUTE)], { MAX_MESSAGES_PER_TRIGGER: '2' })
    expect(summary.triggers).toBe(3)
    // Newest first: 5 and 4, then 3 and 2, then 1.
    expect(messaged(summary)).toEqual([5, 4, 3, 2, 1].map(number))
    // Deferred: 3 at the first trigger, 1 at the second, none at the third.
    expect(summary.messages).toMatchObject({ requested: 5, sent: 5, deferred: 4, capacityFallbacks: 0 })
    expect(summary.genesys.duplicateRecipients).toBe(0)
    expect(summary.reconciliation.balanced).toBe(true)
  })

  it('queue scope: what one agent left is taken by the next agent of the queue, nobody twice', async () => {
    const customers = [1, 2, 3, 4, 5].flatMap((i) => served(i, SERVED_BY))
    const summary = await run(
      [...customers, ...trigger(T0 + 30 * MINUTE, AGENT), ...trigger(T0 + 31 * MINUTE, OTHER_AGENT), ...trigger(T0 + 45 * MINUTE, AGENT)],
      { MAX_MESSAGES_PER_TRIGGER: '2', TARGET_SCOPE: 'queue' },
      { simulator: { queueMemberships: { [AGENT]: [QUEUE], [OTHER_AGENT]: [QUEUE] } } },
    )
    expect(messaged(summary)).toEqual([5, 4, 3, 2, 1].map(number))
    expect(summary.messages).toMatchObject({ requested: 5, sent: 5, deferred: 4 })
    expect(summary.genesys.duplicateRecipients).toBe(0)
  })

  it('a deferred customer whose session left the window is not messaged later', async () => {
    const customers = [1, 2].flatMap((i) => served(i))
    // Limit 1: customer 2 goes at the first trigger; customer 1 is deferred, and its last event is more than 24 h old by the next.
    const summary = await run([...customers, ...trigger(T0 + 30 * MINUTE), ...trigger(T0 + 24 * 60 * MINUTE + 10 * MINUTE)], { MAX_MESSAGES_PER_TRIGGER: '1' })
    expect(messaged(summary)).toEqual([number(2)])
    expect(summary.messages).toMatchObject({ requested: 1, deferred: 1 })
  })
})

describe('priority', () => {
  it('a customer who was never served goes before newer ones who were; then the newest', async () => {
    // Customer 1 gave up waiting in the queue (oldest); 2 and 3 were served later.
    const events = [...abandoned(1), ...served(2, SERVED_BY), ...served(3, SERVED_BY), ...trigger(T0 + 30 * MINUTE), ...trigger(T0 + 45 * MINUTE), ...trigger(T0 + 60 * MINUTE)]
    const summary = await run(events, { MAX_MESSAGES_PER_TRIGGER: '1', TARGET_SCOPE: 'queue' }, { simulator: { queueMemberships: { [AGENT]: [QUEUE] } } })
    expect(messaged(summary)).toEqual([1, 3, 2].map(number))
    expect(summary.messages).toMatchObject({ requested: 3, deferred: 3 })
  })
})

describe('agent-capacity: the limit is the agent’s messaging capacity in Genesys', () => {
  const utilizationCalls = (c: LocalCloud) => (c.simulator?.requests ?? []).filter((r) => r.path === `/api/v2/routing/users/${AGENT}/utilization`)

  it('is the default: capacity 2 in Genesys gives 2 customers a trigger, looked up again once the cache is stale', async () => {
    const customers = [1, 2, 3, 4, 5].flatMap((i) => served(i))
    const summary = await run([...customers, ...trigger(T0 + 30 * MINUTE), ...trigger(T0 + 45 * MINUTE)], {}, { simulator: { utilization: { perUser: { [AGENT]: 2 } } } })
    expect(messaged(summary)).toEqual([5, 4, 3, 2].map(number))
    expect(summary.messages).toMatchObject({ requested: 4, deferred: 4, capacityFallbacks: 0 })
    // Two triggers 15 minutes apart, a 5-minute cache: two lookups; with a 60-minute cache, one.
    expect(utilizationCalls(cloud as LocalCloud)).toHaveLength(2)
  })

  it('is cached per agent for CAPACITY_CACHE_MINUTES', async () => {
    const customers = [1, 2, 3, 4, 5].flatMap((i) => served(i))
    await run([...customers, ...trigger(T0 + 30 * MINUTE), ...trigger(T0 + 45 * MINUTE)], { CAPACITY_CACHE_MINUTES: '60' }, { simulator: { utilization: { messageCapacity: 2 } } })
    expect(utilizationCalls(cloud as LocalCloud)).toHaveLength(1)
  })

  it.each(['unavailable', 'malformed'] as const)('a lookup that is %s falls back to FALLBACK_MESSAGES_PER_TRIGGER, counted, and the batch goes on', async (answer) => {
    const customers = [1, 2, 3].flatMap((i) => served(i))
    const summary = await run([...customers, ...trigger(T0 + 30 * MINUTE)], { FALLBACK_MESSAGES_PER_TRIGGER: '1' }, { simulator: { utilization: { answer } } })
    expect(messaged(summary)).toEqual([number(3)])
    expect(summary.messages).toMatchObject({ requested: 1, sent: 1, deferred: 2, capacityFallbacks: 1 })
    expect(summary.reconciliation.balanced).toBe(true)
  })

  it('a numeric limit makes no lookup at all', async () => {
    await run([...served(1), ...trigger(T0 + 30 * MINUTE)], { MAX_MESSAGES_PER_TRIGGER: '3' })
    expect(utilizationCalls(cloud as LocalCloud)).toEqual([])
  })
})
