/**
 * The fan-out reads the open-candidate index from the top and stops at the limit; it must choose exactly the
 * customers the full evaluation (test/support/reference-fan-out.ts: every session of the window, every filter,
 * then the limit) chooses. Generated histories: customers with several sessions across two agents and two queues,
 * equal times (ties broken by conversation id), never-served and served sessions, agents still connected, busy
 * customers (a conversation not ended, in or out of scope), capped customers (a reservation inside or outside the
 * cap window, or made by this very trigger), opt-outs, pilot queues, ineligible wrap-up codes, limits from 0 to 6
 * and none. It also pins what the read costs: never more candidates than the ones before the last chosen, plus a
 * page.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AgentAvailabilityEvent } from '#lib/domain/events.ts'
import type { AgentLink, Session } from '#lib/domain/model.ts'
import type { CapReservation } from '#lib/domain/ports.ts'
import { fanOut, type AvailabilityDeps, type AvailabilitySettings } from '#lib/presence/handle-availability.ts'
import { InMemorySessions } from '../support/in-memory-sessions.ts'
import { referenceChoice } from '../support/reference-fan-out.ts'

const HOUR = 3_600_000
const T = Date.parse('2026-03-02T09:00:00.000Z')
const AGENTS = ['a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002'] as const
const QUEUES = ['90000000-0000-4000-8000-000000000001', '90000000-0000-4000-8000-000000000002'] as const
const EVENT_ID = 'e7e7e7e7-0000-4000-8000-000000000001'
const WRAPUP_RESOLVED = 'w0000000-resolved'

const contact = (n: number) => `c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`
const keyOf = (n: number) => `webmessaging:${contact(n)}`

const sessionArb = fc.record({
  customer: fc.integer({ min: 0, max: 7 }),
  // Few distinct times, so equal times (and the conversation-id tie-break) are common; some outside the window.
  hoursAgo: fc.constantFrom<number>(-1, 0.5, 1, 1, 2, 3, 5, 5, 23, 30),
  agent: fc.constantFrom<0 | 1 | undefined>(0, 1, undefined),
  queue: fc.constantFrom<0 | 1 | undefined>(0, 1, undefined),
  served: fc.boolean(),
  connected: fc.constantFrom(false, false, false, true),
  ended: fc.constantFrom(true, true, true, true, false),
  resolved: fc.constantFrom(false, false, false, true),
  noCustomer: fc.constantFrom(false, false, false, false, false, true),
})

const historyArb = fc.record({
  sessions: fc.array(sessionArb, { maxLength: 24 }),
  optedOut: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]),
  capped: fc.array(fc.record({ customer: fc.integer({ min: 0, max: 7 }), hoursAgo: fc.constantFrom(1, 10, 30), own: fc.boolean() }), { maxLength: 4 }),
  scope: fc.constantFrom('agent' as const, 'queue' as const),
  queueIds: fc.subarray([...QUEUES], { minLength: 1 }),
  limit: fc.constantFrom<number | undefined>(0, 1, 2, 3, 6, undefined),
  pilotQueues: fc.constantFrom([] as string[], [QUEUES[0]]),
  excludeResolved: fc.boolean(),
})

type History = typeof historyArb extends fc.Arbitrary<infer H> ? H : never

function sessionsOf(history: History): Session[] {
  return history.sessions.map((spec, index) => {
    const at = T - spec.hoursAgo * HOUR
    const agentId = spec.agent === undefined ? undefined : AGENTS[spec.agent]
    const agents: Record<string, AgentLink> = spec.served && agentId ? { [agentId]: { connected: spec.connected, changedAt: at, connectedAt: at - 60_000 } } : {}
    return {
      conversationId: `5e550000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      channel: 'webmessaging',
      ...(spec.noCustomer ? {} : { customer: { channel: 'webmessaging' as const, externalContactId: contact(spec.customer) } }),
      ...(spec.queue === undefined ? {} : { queueId: QUEUES[spec.queue] }),
      ...(spec.served && agentId ? { lastAgentId: agentId } : {}),
      agents,
      lastActiveAt: at,
      ...(spec.ended ? { customerEndedAt: at } : {}),
      ...(spec.resolved ? { wrapupCodes: [WRAPUP_RESOLVED] } : {}),
      expiresAt: Math.ceil((T + 48 * HOUR) / 1000),
    }
  })
}

function reservationsOf(history: History, sessions: readonly Session[]): Map<string, CapReservation> {
  const reservations = new Map<string, CapReservation>()
  for (const cap of history.capped) {
    // `own`: a reservation this trigger made for the customer's session (a redelivery of the same trigger).
    const theirs = sessions.filter((session) => session.customer?.externalContactId === contact(cap.customer))
    const ownSession = theirs[theirs.length - 1]
    const dedupeKey = cap.own && ownSession ? `${EVENT_ID}:${ownSession.conversationId}` : `earlier-trigger:${cap.customer}`
    reservations.set(keyOf(cap.customer), { reservedAt: T - cap.hoursAgo * HOUR, dedupeKey })
  }
  return reservations
}

async function newChoice(history: History, sessions: Session[], reservations: Map<string, CapReservation>) {
  const store = new InMemorySessions(sessions)
  const settings: AvailabilitySettings = {
    scope: history.scope,
    windowMs: 24 * HOUR,
    capMs: 24 * HOUR,
    cooldownMs: 0,
    availablePresences: ['ON_QUEUE'],
    availableRoutingStatuses: ['IDLE'],
    busy: { staleMs: 4 * HOUR },
    pilot: { agentIds: [], queueIds: history.pilotQueues },
    eligibility: { sessions: 'all', excludeWrapupCodes: history.excludeResolved ? [WRAPUP_RESOLVED] : [] },
    ...(history.limit === undefined ? {} : { perTrigger: { limit: history.limit, fallback: 1 } }),
  }
  const optedOut = new Set(history.optedOut.map(keyOf))
  const deps: AvailabilityDeps = {
    agents: { get: async () => undefined, put: async () => 'written' },
    sessions: store,
    publisher: { publish: async () => {} },
    reservations: { reservationsOf: async (keys) => new Map([...reservations].filter(([key]) => keys.includes(key))) },
    optOuts: { optOutsOf: async (keys) => new Map(keys.filter((key) => optedOut.has(key)).map((key) => [key, { since: T - HOUR }])) },
  }
  const event: AgentAvailabilityEvent = {
    kind: 'agent',
    signal: 'activity',
    agentId: AGENTS[0],
    status: 'ON_QUEUE',
    presence: { status: 'ON_QUEUE', at: T },
    ...(history.scope === 'queue' ? { activeQueueIds: history.queueIds } : {}),
    eventId: EVENT_ID,
    at: T,
    source: 'test',
  }
  const { requests } = await fanOut(event, deps, settings)
  return { chosen: requests.map((request) => request.conversationId), store, settings }
}

describe('the fan-out chooses what the full evaluation chooses', () => {
  it('same customers, same sessions, over generated histories', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        const sessions = sessionsOf(history)
        const reservations = reservationsOf(history, sessions)
        const { chosen } = await newChoice(history, sessions, reservations)
        const expected = referenceChoice(
          { agentId: AGENTS[0], eventId: EVENT_ID, at: T, scope: history.scope, queueIds: history.queueIds },
          { sessions, optedOut: new Set(history.optedOut.map(keyOf)), reservations },
          {
            windowMs: 24 * HOUR,
            capMs: 24 * HOUR,
            busy: { staleMs: 4 * HOUR },
            ...(history.limit === undefined ? {} : { limit: history.limit }),
            pilot: { agentIds: [], queueIds: history.pilotQueues },
            eligibility: { sessions: 'all', excludeWrapupCodes: history.excludeResolved ? [WRAPUP_RESOLVED] : [] },
          },
        )
        // With a limit the order is the priority order; without one, the same set.
        if (history.limit === undefined) expect([...chosen].sort()).toEqual([...expected].sort())
        else expect(chosen).toEqual(expected)
      }),
      { numRuns: 400 },
    )
  })

  it('reads only the top of the index: a 2,000-session history costs what a 20-session one does', async () => {
    const many = (count: number): History => ({
      sessions: Array.from({ length: count }, (_, i) => ({
        customer: i,
        hoursAgo: 1 + (i % 20) / 2,
        agent: 0,
        queue: 0,
        served: true,
        connected: false,
        ended: true,
        resolved: false,
        noCustomer: false,
      })),
      optedOut: [],
      capped: [],
      scope: 'agent',
      queueIds: [QUEUES[0]],
      limit: 4,
      pilotQueues: [],
      excludeResolved: false,
    })
    const reads = async (count: number) => {
      const history = many(count)
      const sessions = sessionsOf(history).map((session, i) => ({ ...session, customer: { channel: 'webmessaging' as const, externalContactId: contact(i) } }))
      const { chosen, store } = await newChoice(history, sessions, new Map())
      expect(chosen).toHaveLength(4)
      return { candidates: store.reads.candidatesRead, lookups: store.reads.byCustomer.length, pages: store.reads.pages }
    }
    const small = await reads(20)
    const large = await reads(2_000)
    expect(large).toEqual(small)
    expect(large.lookups).toBe(4)
  })
})
