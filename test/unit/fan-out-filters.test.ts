/**
 * presence's fan-out (`fanOut`) filter by filter, against in-memory ports: pilot, queue scope, eligibility,
 * opt-outs, the cap read and the per-trigger limit (numeric, the agent's capacity, the fallback). Each count is
 * what the operator sees in the `triggered` outcome and the presence log line; each filter runs before the limit,
 * so the limit counts only customers who can be messaged.
 * The save/publish/clear order is test/unit/handle-availability.test.ts; the same flows through the real handlers
 * are test/integration/capacity.test.ts and the pilot/eligibility scenarios.
 */
import { describe, expect, it } from 'vitest'
import type { AgentAvailabilityEvent } from '#lib/domain/events.ts'
import type { Session } from '#lib/domain/model.ts'
import type { OptOut } from '#lib/domain/opt-outs.ts'
import type { CapReservation, SessionRepository } from '#lib/domain/ports.ts'
import { InMemorySessions } from '../support/in-memory-sessions.ts'
import { fanOut, type AvailabilityDeps, type TriggeredOutcome } from '#lib/presence/handle-availability.ts'

import { TEST_AVAILABILITY_SETTINGS } from '../support/availability-settings.ts'
const AGENT = '9ed7d9f6-0c59-4360-ac54-40dd35eb9c2f'
const QUEUE_A = '33333333-0000-4000-8000-00000000000a'
const QUEUE_B = '33333333-0000-4000-8000-00000000000b'
const HOUR = 3_600_000
const T = Date.parse('2026-03-02T09:00:00.000Z')
const SETTINGS = TEST_AVAILABILITY_SETTINGS

const trigger = (extra: Partial<AgentAvailabilityEvent> = {}): AgentAvailabilityEvent => ({
  kind: 'agent',
  signal: 'presence',
  agentId: AGENT,
  status: 'ON_QUEUE',
  presence: { status: 'ON_QUEUE', at: T },
  eventId: 'trigger',
  at: T,
  source: 'test',
  ...extra,
})

const id = (n: number) => String(n).padStart(12, '0')
const conversation = (n: number) => `c0000000-0000-4000-8000-${id(n)}`
const contact = (n: number) => `e0000000-0000-4000-8000-${id(n)}`
const keyOf = (n: number) => `webmessaging:${contact(n)}`

/** An ended conversation of customer n with AGENT, `minutesAgo` before the trigger. */
function session(n: number, minutesAgo = n, extra: Partial<Session> = {}): Session {
  const at = T - minutesAgo * 60_000
  return {
    conversationId: conversation(n),
    channel: 'webmessaging',
    customer: { channel: 'webmessaging', externalContactId: contact(n) },
    queueId: QUEUE_A,
    lastAgentId: AGENT,
    agents: { [AGENT]: { connected: false, changedAt: at, connectedAt: at - 60_000 } },
    lastActiveAt: at,
    customerEndedAt: at,
    expiresAt: Math.ceil((T + 48 * HOUR) / 1000),
    ...extra,
  }
}

/** A conversation no agent ever connected to (abandoned in queue). */
const abandoned = (n: number, minutesAgo = n, extra: Partial<Session> = {}): Session => session(n, minutesAgo, { agents: {}, lastAgentId: undefined, ...extra })

interface Calls {
  byAgent: { agentId: string; from: number; to: number }[]
  byQueue: { queueId: string; from: number; to: number }[]
  directory: string[]
  optOutKeys: string[][]
  reservationKeys: string[][]
  capacity: string[]
}

function world(
  found: Session[],
  options: {
    queues?: Record<string, Session[]>
    suppressed?: string[]
    reservations?: Record<string, CapReservation>
    capacity?: () => Promise<number>
    directory?: string[]
  } = {},
) {
  const store = new InMemorySessions([...found, ...Object.values(options.queues ?? {}).flat()])
  const recorded = { directory: [] as string[], optOutKeys: [] as string[][], reservationKeys: [] as string[][], capacity: [] as string[] }
  const calls: Calls = {
    ...recorded,
    get byAgent() {
      return store.reads.openCandidates.flatMap(({ partition, from, to }) => ('agentId' in partition ? [{ agentId: partition.agentId, from, to }] : []))
    },
    get byQueue() {
      return store.reads.openCandidates.flatMap(({ partition, from, to }) => ('queueId' in partition ? [{ queueId: partition.queueId, from, to }] : []))
    },
  }
  const sessions: SessionRepository = store
  const since: OptOut = { since: T - HOUR }
  const deps: AvailabilityDeps = {
    agents: { get: async () => undefined, put: async () => 'written' },
    sessions,
    publisher: { publish: async () => {} },
    reservations: {
      reservationsOf: async (keys) => {
        calls.reservationKeys.push([...keys])
        return new Map(Object.entries(options.reservations ?? {}).filter(([key]) => keys.includes(key)))
      },
    },
    optOuts: {
      optOutsOf: async (keys) => {
        calls.optOutKeys.push([...keys])
        return new Map((options.suppressed ?? []).filter((key) => keys.includes(key)).map((key) => [key, since]))
      },
    },
    ...(options.directory ? { queues: { queueIdsOf: async (agentId: string) => (calls.directory.push(agentId), options.directory ?? []) } } : {}),
    ...(options.capacity ? { capacity: { messageCapacityOf: async (agentId: string) => (calls.capacity.push(agentId), options.capacity!()) } } : {}),
  }
  return { deps, calls }
}

/** A trigger in queue scope, active on QUEUE_A (an activity event): never-served sessions have no agent to be found by. */
const inQueueA = () => trigger({ activeQueueIds: [QUEUE_A] })

const requested = (result: Awaited<ReturnType<typeof fanOut>>) => result.requests.map((request) => request.conversationId)
const triggered = (result: Awaited<ReturnType<typeof fanOut>>) => result.outcome as TriggeredOutcome

describe('fanOut: pilot scope (ENABLED_AGENT_IDS, ENABLED_QUEUE_IDS)', () => {
  it('an agent outside the pilot requests nothing and reads no session', async () => {
    const { deps, calls } = world([session(1)])
    const result = await fanOut(trigger(), deps, { ...SETTINGS, pilot: { agentIds: ['someone-else'], queueIds: [] } })
    expect(result).toEqual({ outcome: { kind: 'outside-pilot' }, requests: [] })
    expect(calls.byAgent).toEqual([])
  })

  it('an agent in the pilot: sessions from queues outside it are counted, not requested', async () => {
    const { deps } = world([session(1), session(2, 2, { queueId: QUEUE_B }), session(3, 3, { queueId: undefined })])
    const result = await fanOut(trigger(), deps, { ...SETTINGS, pilot: { agentIds: [AGENT], queueIds: [QUEUE_A] } })
    expect(requested(result)).toEqual([conversation(1)])
    expect(triggered(result)).toMatchObject({ kind: 'triggered', sessionsFound: 3, requested: 1, outsidePilot: 2 })
  })
})

describe('fanOut: where the sessions come from', () => {
  it('agent scope: the agent’s open candidates over exactly [trigger − window, trigger]', async () => {
    const { deps, calls } = world([session(1)])
    await fanOut(trigger(), deps, SETTINGS)
    expect(calls.byAgent).toEqual([{ agentId: AGENT, from: T - 24 * HOUR, to: T }])
  })

  it('queue scope with an activity event: the queues it lists, no directory call', async () => {
    const { deps, calls } = world([], { queues: { [QUEUE_A]: [session(1)], [QUEUE_B]: [session(2, 2, { queueId: QUEUE_B })] }, directory: ['never-asked'] })
    const result = await fanOut(trigger({ activeQueueIds: [QUEUE_A, QUEUE_B] }), deps, { ...SETTINGS, scope: 'queue' })
    expect(calls.directory).toEqual([])
    expect(calls.byQueue).toEqual([
      { queueId: QUEUE_A, from: T - 24 * HOUR, to: T },
      { queueId: QUEUE_B, from: T - 24 * HOUR, to: T },
    ])
    expect(requested(result)).toEqual([conversation(1), conversation(2)])
    expect(result.requests.every((request) => request.scope === 'queue')).toBe(true)
  })

  it('queue scope without one: the agent’s queues from the directory; none wired is an error naming the Genesys call', async () => {
    const { deps, calls } = world([], { queues: { [QUEUE_B]: [session(2, 2, { queueId: QUEUE_B })] }, directory: [QUEUE_B] })
    const result = await fanOut(trigger(), deps, { ...SETTINGS, scope: 'queue' })
    expect(calls.directory).toEqual([AGENT])
    expect(requested(result)).toEqual([conversation(2)])
    const { deps: noDirectory } = world([])
    await expect(fanOut(trigger(), noDirectory, { ...SETTINGS, scope: 'queue' })).rejects.toThrow('queue scope needs a queue directory (Genesys GET /api/v2/users/{userId}/queues)')
  })
})

describe('fanOut: eligibility, opt-outs and the cap read', () => {
  it('ELIGIBLE_SESSIONS=unserved and EXCLUDE_WRAPUP_CODES: the others are counted as ineligible', async () => {
    const { deps } = world([abandoned(1), session(2), abandoned(3, 3, { wrapupCodes: ['resolved'] })])
    const result = await fanOut(inQueueA(), deps, { ...SETTINGS, scope: 'queue', eligibility: { sessions: 'unserved', excludeWrapupCodes: ['resolved'] } })
    expect(requested(result)).toEqual([conversation(1)])
    expect(triggered(result)).toMatchObject({ requested: 1, ineligible: 2 })
  })

  it('without the settings every session is eligible, wrap-up codes or not', async () => {
    const { deps } = world([session(1, 1, { wrapupCodes: ['resolved'] }), abandoned(2)])
    const result = await fanOut(inQueueA(), deps, { ...SETTINGS, scope: 'queue' })
    // In priority order: never served first.
    expect(requested(result)).toEqual([conversation(2), conversation(1)])
    expect(triggered(result)).toMatchObject({ requested: 2, ineligible: 0 })
  })

  it('an opted-out customer is counted, not requested; the list is read once for the remaining customers', async () => {
    const { deps, calls } = world([session(1), session(2), session(3)], { suppressed: [keyOf(2)] })
    const result = await fanOut(trigger(), deps, SETTINGS)
    expect(requested(result)).toEqual([conversation(1), conversation(3)])
    expect(triggered(result)).toMatchObject({ requested: 2, optedOut: 1 })
    expect(calls.optOutKeys).toEqual([[keyOf(1), keyOf(2), keyOf(3)]])
  })

  it('nobody left to check: neither the opt-out list nor the cap ledger is read', async () => {
    const { deps, calls } = world([session(1)])
    const result = await fanOut(trigger(), deps, { ...SETTINGS, pilot: { agentIds: [], queueIds: [QUEUE_B] } })
    expect(triggered(result)).toMatchObject({ requested: 0, outsidePilot: 1, optedOut: 0, capped: 0 })
    expect(calls.optOutKeys).toEqual([])
    expect(calls.reservationKeys).toEqual([])
  })

  it('the cap: a reservation inside the cap window caps, one exactly capMs old or this trigger’s own does not', async () => {
    const reservations: Record<string, CapReservation> = {
      [keyOf(1)]: { reservedAt: T - 24 * HOUR + 1, dedupeKey: 'earlier' },
      [keyOf(2)]: { reservedAt: T - 24 * HOUR, dedupeKey: 'earlier' },
      [keyOf(3)]: { reservedAt: T - 1, dedupeKey: `trigger:${conversation(3)}` },
      [keyOf(4)]: { reservedAt: T - HOUR, dedupeKey: 'earlier' },
    }
    const { deps, calls } = world([session(1), session(2), session(3), session(4)], { reservations })
    const result = await fanOut(trigger(), deps, SETTINGS)
    expect(requested(result)).toEqual([conversation(2), conversation(3)])
    expect(triggered(result)).toMatchObject({ requested: 2, capped: 2 })
    expect(calls.reservationKeys).toHaveLength(1)
    expect(calls.reservationKeys[0]).toEqual([keyOf(1), keyOf(2), keyOf(3), keyOf(4)])
  })
})

describe('fanOut: the per-trigger limit (MAX_MESSAGES_PER_TRIGGER)', () => {
  it('no limit set: everyone left is requested, nothing deferred, no capacity lookup', async () => {
    const { deps, calls } = world([session(1), session(2), session(3)], { capacity: async () => 1 })
    const result = await fanOut(trigger(), deps, SETTINGS)
    expect(triggered(result)).toMatchObject({ requested: 3, deferred: 0, capacityFallback: false })
    expect(calls.capacity).toEqual([])
  })

  it('a number: never-served first, then the newest; the rest deferred; no capacity lookup', async () => {
    const { deps, calls } = world([session(1), session(2), abandoned(3, 30), session(4)], { capacity: async () => 99 })
    const result = await fanOut(inQueueA(), deps, { ...SETTINGS, scope: 'queue', perTrigger: { limit: 2, fallback: 4 } })
    expect(requested(result)).toEqual([conversation(3), conversation(1)])
    expect(triggered(result)).toMatchObject({ requested: 2, deferred: 2, capacityFallback: false })
    expect(triggered(result)).not.toHaveProperty('capacityLookupError')
    expect(calls.capacity).toEqual([])
  })

  it('counts only customers who can be messaged: opted-out and capped ones never take a place', async () => {
    const reservations = { [keyOf(2)]: { reservedAt: T - HOUR, dedupeKey: 'earlier' } }
    const { deps } = world([session(1), session(2), session(3), session(4)], { suppressed: [keyOf(1)], reservations })
    const result = await fanOut(trigger(), deps, { ...SETTINGS, perTrigger: { limit: 2, fallback: 4 } })
    expect(requested(result)).toEqual([conversation(3), conversation(4)])
    expect(triggered(result)).toMatchObject({ requested: 2, optedOut: 1, capped: 1, deferred: 0 })
  })

  it('agent-capacity: the agent’s message capacity from Genesys', async () => {
    const { deps, calls } = world([session(1), session(2), session(3)], { capacity: async () => 2 })
    const result = await fanOut(trigger(), deps, { ...SETTINGS, perTrigger: { limit: 'agent-capacity', fallback: 1 } })
    expect(calls.capacity).toEqual([AGENT])
    expect(requested(result)).toEqual([conversation(1), conversation(2)])
    expect(triggered(result)).toMatchObject({ requested: 2, deferred: 1, capacityFallback: false })
    expect(triggered(result)).not.toHaveProperty('capacityLookupError')
  })

  it('agent-capacity with nobody to message: no Genesys call', async () => {
    const { deps, calls } = world([session(1)], { capacity: async () => 2, suppressed: [keyOf(1)] })
    const result = await fanOut(trigger(), deps, { ...SETTINGS, perTrigger: { limit: 'agent-capacity', fallback: 1 } })
    expect(calls.capacity).toEqual([])
    expect(triggered(result)).toMatchObject({ requested: 0, deferred: 0, capacityFallback: false })
  })

  it('a failed lookup never fails the trigger: the fallback applies, counted with the reason', async () => {
    const { deps } = world([session(1), session(2), session(3)], { capacity: async () => Promise.reject(new Error('Genesys 403 missing.permissions')) })
    const result = await fanOut(trigger(), deps, { ...SETTINGS, perTrigger: { limit: 'agent-capacity', fallback: 1 } })
    expect(requested(result)).toEqual([conversation(1)])
    expect(triggered(result)).toMatchObject({ requested: 1, deferred: 2, capacityFallback: true, capacityLookupError: 'Genesys 403 missing.permissions' })

    const { deps: rejectsText } = world([session(1), session(2)], { capacity: async () => Promise.reject('socket hang up') })
    const text = await fanOut(trigger(), rejectsText, { ...SETTINGS, perTrigger: { limit: 'agent-capacity', fallback: 1 } })
    expect(triggered(text)).toMatchObject({ requested: 1, deferred: 1, capacityFallback: true, capacityLookupError: 'socket hang up' })
  })

  it('no capacity lookup wired: the fallback, with the reason', async () => {
    const { deps } = world([session(1), session(2)])
    const result = await fanOut(trigger(), deps, { ...SETTINGS, perTrigger: { limit: 'agent-capacity', fallback: 1 } })
    expect(triggered(result)).toMatchObject({ requested: 1, deferred: 1, capacityFallback: true, capacityLookupError: 'no capacity lookup wired' })
  })

  it('paused first: nothing read, no Genesys call, nothing requested', async () => {
    const { deps, calls } = world([session(1), session(2), session(3)], { capacity: async () => 2, directory: [QUEUE_A] })
    const paused = { ...deps, mode: { current: async () => 'paused' as const } }
    expect(await fanOut(trigger(), paused, { ...SETTINGS, scope: 'queue', perTrigger: { limit: 'agent-capacity', fallback: 4 } })).toEqual({ outcome: { kind: 'paused' }, requests: [] })
    expect(calls).toMatchObject({ byAgent: [], byQueue: [], directory: [], optOutKeys: [], reservationKeys: [], capacity: [] })
    const { deps: live } = world([session(1)])
    expect(triggered(await fanOut(trigger(), { ...live, mode: { current: async () => 'live' } }, SETTINGS))).toMatchObject({ requested: 1 })
  })
})
