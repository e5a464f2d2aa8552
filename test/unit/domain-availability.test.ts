import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decideAvailability, isAvailable, type AvailabilityDecision, type AvailabilityPolicy } from '../../lib/domain/availability.ts'
import { parseGenesysEvent, type AgentAvailabilityEvent } from '../../lib/domain/events.ts'
import type { AgentState } from '../../lib/domain/model.ts'
import { loadConfig, presenceConfigSchema } from '../../lib/config.ts'
import { presenceEvent, routingStatusEvent } from '../support/genesys-events.ts'

const AGENT = '9ed7d9f6-0c59-4360-ac54-40dd35eb9c2f'
const T = Date.parse('2026-03-01T09:00:00.000Z')
const MINUTE = 60_000

/** The policy the presence function builds from its default configuration. */
const config = loadConfig('presence', presenceConfigSchema, { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'state', APP_EVENT_BUS_NAME: 'bus' })
const POLICY: AvailabilityPolicy = {
  availablePresences: config.AVAILABLE_PRESENCES,
  availableRoutingStatuses: config.AVAILABLE_ROUTING_STATUSES,
  cooldownMs: config.COOLDOWN_MINUTES * MINUTE,
}

const parsed = new Map<string, AgentAvailabilityEvent>()

/** Builds and parses a presence envelope (cached: the property repeats the same inputs many times). */
function presence(systemPresence: string, at: number): AgentAvailabilityEvent {
  const key = `${systemPresence}@${at}`
  const cached = parsed.get(key)
  if (cached) return cached
  const event = parseGenesysEvent(presenceEvent({ agentId: AGENT, systemPresence, at })) as AgentAvailabilityEvent
  parsed.set(key, event)
  return event
}

function routing(status: string, at: number): AgentAvailabilityEvent {
  return parseGenesysEvent(routingStatusEvent({ agentId: AGENT, status, at })) as AgentAvailabilityEvent
}

/** What the presence function does with each decision: store `next`, publish when `trigger`. */
function run(events: readonly AgentAvailabilityEvent[], start?: AgentState): { state: AgentState | undefined; triggers: number[]; decisions: AvailabilityDecision[] } {
  let state = start
  const triggers: number[] = []
  const decisions: AvailabilityDecision[] = []
  for (const event of events) {
    const decision = decideAvailability(state, event, POLICY)
    decisions.push(decision)
    if (decision.kind === 'stale') continue
    state = decision.next
    if (decision.trigger) triggers.push(event.at)
  }
  return { state, triggers, decisions }
}

describe('isAvailable', () => {
  it.each(['AVAILABLE', 'ON_QUEUE', 'Available', 'available', 'On_Queue', 'on_queue', 'OnQueue', 'On Queue', ' AVAILABLE '])('counts presence %j as available', (status) => {
    expect(isAvailable(presence(status, T), POLICY)).toBe(true)
  })

  it.each(['AWAY', 'BUSY', 'OFFLINE', 'IDLE', 'MEAL', 'TRAINING', 'MEETING', 'BREAK', 'Available Soon'])('counts presence %j as not available', (status) => {
    expect(isAvailable(presence(status, T), POLICY)).toBe(false)
  })

  it.each(['IDLE', 'Idle', 'idle'])('counts routing status %j as available', (status) => {
    expect(isAvailable(routing(status, T), POLICY)).toBe(true)
  })

  it.each(['OFF_QUEUE', 'INTERACTING', 'NOT_RESPONDING', 'COMMUNICATING', 'AVAILABLE'])('counts routing status %j as not available', (status) => {
    expect(isAvailable(routing(status, T), POLICY)).toBe(false)
  })

  it('uses the configured lists', () => {
    const policy = { ...POLICY, availablePresences: ['available'] }
    expect(isAvailable(presence('ON_QUEUE', T), policy)).toBe(false)
    expect(isAvailable(presence('AVAILABLE', T), policy)).toBe(true)
  })
})

describe('decideAvailability', () => {
  it('fires on not-available → available and records the trigger time', () => {
    const { triggers, state } = run([presence('BREAK', T), presence('AVAILABLE', T + 1000)])
    expect(triggers).toEqual([T + 1000])
    // observedEventIds and availableBefore added on purpose (issue 17): the envelope id and the state before the instant.
    expect(state).toEqual({
      agentId: AGENT,
      available: true,
      observedAt: T + 1000,
      observedEventIds: [presence('AVAILABLE', T + 1000).eventId],
      availableBefore: false,
      lastTriggeredAt: T + 1000,
    })
  })

  it('fires when an agent goes on queue and its routing status becomes IDLE after interacting', () => {
    const { triggers } = run([presence('OFFLINE', T), presence('ON_QUEUE', T + 1000), routing('IDLE', T + 2000), routing('INTERACTING', T + 3000), routing('IDLE', T + 3000 + 15 * MINUTE)])
    expect(triggers).toEqual([T + 1000, T + 3000 + 15 * MINUTE])
  })

  it('does not fire while staying available', () => {
    const { triggers, decisions } = run([presence('BREAK', T), presence('AVAILABLE', T + 1), presence('AVAILABLE', T + 2), presence('ON_QUEUE', T + 3)])
    expect(triggers).toEqual([T + 1])
    expect(decisions.slice(2)).toEqual([expect.objectContaining({ kind: 'update', trigger: false, reason: 'no-transition' }), expect.objectContaining({ reason: 'no-transition' })])
  })

  it('does not fire on available → not available', () => {
    const { triggers, state } = run([presence('AVAILABLE', T), presence('BUSY', T + 20 * MINUTE)], { agentId: AGENT, available: true, observedAt: T - 1 })
    expect(triggers).toEqual([])
    expect(state?.available).toBe(false)
  })

  it('treats a duplicate (same event again) as stale and never fires twice', () => {
    const available = presence('AVAILABLE', T + 1000)
    const { triggers, decisions } = run([presence('BREAK', T), available, available, available])
    expect(triggers).toEqual([T + 1000])
    expect(decisions.slice(2)).toEqual([{ kind: 'stale' }, { kind: 'stale' }])
  })

  it('ignores an older event arriving late, so it cannot undo a newer state or cause a second trigger', () => {
    // Real order: BREAK@1, AVAILABLE@2, BREAK@3, AVAILABLE@4 (within the cooldown). Delivered: 2, 4, 1, 3.
    const delivered = [presence('AVAILABLE', T + 2), presence('AVAILABLE', T + 4), presence('BREAK', T + 1), presence('BREAK', T + 3)]
    const { triggers, state, decisions } = run(delivered, { agentId: AGENT, available: false, observedAt: T })
    expect(triggers).toEqual([T + 2])
    expect(decisions.slice(2)).toEqual([{ kind: 'stale' }, { kind: 'stale' }])
    expect(state).toMatchObject({ available: true, observedAt: T + 4 })
  })

  it('suppresses a flap inside the 10 minute cooldown and fires again exactly at its end', () => {
    const start: AgentState = { agentId: AGENT, available: false, observedAt: T - 1 }
    const inside = run([presence('AVAILABLE', T), presence('BREAK', T + MINUTE), presence('AVAILABLE', T + 10 * MINUTE - 1)], start)
    expect(inside.triggers).toEqual([T])
    expect(inside.decisions[2]).toMatchObject({ kind: 'update', trigger: false, reason: 'cooldown', next: { available: true, lastTriggeredAt: T } })

    const atEnd = run([presence('AVAILABLE', T), presence('BREAK', T + MINUTE), presence('AVAILABLE', T + 10 * MINUTE)], start)
    expect(atEnd.triggers).toEqual([T, T + 10 * MINUTE])
  })

  it('measures the cooldown from the last trigger, not from suppressed transitions', () => {
    const start: AgentState = { agentId: AGENT, available: false, observedAt: T - 1 }
    const { triggers } = run(
      [presence('AVAILABLE', T), presence('BREAK', T + 1 * MINUTE), presence('AVAILABLE', T + 5 * MINUTE), presence('BREAK', T + 8 * MINUTE), presence('AVAILABLE', T + 11 * MINUTE)],
      start,
    )
    expect(triggers).toEqual([T, T + 11 * MINUTE])
  })

  it('fires on the first sighting of an available agent (an unknown previous state counts as not available)', () => {
    expect(run([presence('AVAILABLE', T)]).triggers).toEqual([T])
    expect(run([presence('OFFLINE', T)]).triggers).toEqual([])
  })

  it('keeps the stored version for the repository’s optimistic concurrency', () => {
    const decision = decideAvailability({ agentId: AGENT, available: false, observedAt: T, version: 7 }, presence('AVAILABLE', T + 1), POLICY)
    expect(decision).toMatchObject({ kind: 'update', trigger: true, next: { version: 7 } })
  })

  it('uses the event’s own time, not the wall clock (a replay years later decides the same)', () => {
    const old = Date.parse('2021-01-01T00:00:00Z')
    expect(run([presence('BREAK', old), presence('AVAILABLE', old + 1)]).triggers).toEqual([old + 1])
  })
})

describe('decideAvailability (property): duplicates and delivery order never add triggers', () => {
  const STATUSES = ['AVAILABLE', 'ON_QUEUE', 'BREAK', 'OFFLINE', 'AWAY'] as const
  const timelineArb = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }).chain((minutes) =>
    fc.record({
      timeline: fc.tuple(...minutes.sort((a, b) => a - b).map((minute) => fc.record({ minute: fc.constant(minute), status: fc.constantFrom(...STATUSES) }))),
      // A delivery by index: every event at least once, some twice, in any order.
      delivery: fc
        .array(fc.nat({ max: minutes.length - 1 }), { maxLength: 5 })
        .chain((duplicates) => fc.shuffledSubarray([...minutes.keys(), ...duplicates], { minLength: minutes.length + duplicates.length })),
    }),
  )

  it('never fires more than the in-order run, keeps triggers a cooldown apart, and a full redelivery fires nothing', () => {
    fc.assert(
      fc.property(timelineArb, fc.context(), ({ timeline, delivery: order }, ctx) => {
        const events = timeline.map(({ minute, status }) => presence(status, T + minute * MINUTE))
        const inOrder = run(events)
        const delivery = order.map((index) => events[index] as AgentAvailabilityEvent)
        const outOfOrder = run(delivery)
        ctx.log(JSON.stringify({ inOrder: inOrder.triggers, outOfOrder: outOfOrder.triggers }))

        expect(outOfOrder.triggers.length).toBeLessThanOrEqual(inOrder.triggers.length)
        for (const triggers of [inOrder.triggers, outOfOrder.triggers]) {
          expect(new Set(triggers).size).toBe(triggers.length)
          for (let i = 1; i < triggers.length; i++) expect((triggers[i] as number) - (triggers[i - 1] as number)).toBeGreaterThanOrEqual(POLICY.cooldownMs)
        }
        // Each in-order trigger is a real transition: the previous event in time was not available (or there was none).
        for (const at of inOrder.triggers) {
          const index = events.findIndex((e) => e.at === at)
          const before = events[index - 1]
          expect(before === undefined || !isAvailable(before, POLICY)).toBe(true)
        }
        // Redelivering everything after the fact changes nothing.
        expect(run(delivery, outOfOrder.state).triggers).toEqual([])
        expect(run(delivery, outOfOrder.state).state).toEqual(outOfOrder.state)
      }),
      { seed: 424242, numRuns: 120 },
    )
  })
})

describe('decideAvailability: events at the same instant (issue 17)', () => {
  it('applies a different event at the same instant instead of dropping it as stale, whichever arrives first', () => {
    const away = routing('INTERACTING', T)
    const available = presence('AVAILABLE', T)
    expect(away.eventId).not.toBe(available.eventId)
    for (const order of [
      [away, available],
      [available, away],
    ]) {
      const { triggers, state, decisions } = run(order, { agentId: AGENT, available: false, observedAt: T - 1 })
      expect(triggers).toEqual([T])
      expect(state).toMatchObject({ available: true, observedAt: T, availableBefore: false })
      expect(decisions.every((decision) => decision.kind === 'update')).toBe(true)
    }
  })

  it('does not fire at a tie when the agent was already available just before the instant, in either order', () => {
    const busy = presence('BUSY', T)
    const available = presence('ON_QUEUE', T)
    for (const order of [
      [busy, available],
      [available, busy],
    ]) {
      expect(run(order, { agentId: AGENT, available: true, observedAt: T - 1 }).triggers).toEqual([])
    }
  })

  it('dedupes on the envelope id: a redelivery at the same instant is stale', () => {
    const available = presence('AVAILABLE', T)
    const { triggers, decisions } = run([available, routing('IDLE', T), available], { agentId: AGENT, available: false, observedAt: T - 1 })
    expect(triggers).toEqual([T])
    expect(decisions[2]).toEqual({ kind: 'stale' })
  })

  it('treats a tie with a state saved before envelope ids were kept as stale (never fires twice)', () => {
    expect(decideAvailability({ agentId: AGENT, available: false, observedAt: T }, presence('AVAILABLE', T), POLICY)).toEqual({ kind: 'stale' })
  })
})

describe('decideAvailability (property): events at the same instant in any order', () => {
  const STATUSES = ['AVAILABLE', 'BREAK', 'OFFLINE', 'ON_QUEUE'] as const
  // A few instants a cooldown apart, each with one to three distinct presence/routing events (ties), plus duplicates.
  const instantArb = fc.uniqueArray(
    fc.oneof(
      fc.constantFrom(...STATUSES).map((s) => `p:${s}`),
      fc.constantFrom('r:IDLE', 'r:INTERACTING'),
    ),
    { minLength: 1, maxLength: 3 },
  )
  const timelineArb = fc.array(instantArb, { minLength: 1, maxLength: 4 })

  it('fires the same triggers and ends in the same state whatever the order within an instant, and a redelivery changes nothing', () => {
    fc.assert(
      fc.property(timelineArb, fc.infiniteStream(fc.nat()), fc.boolean(), (instants, randomness, startAvailable) => {
        const toEvent = (spec: string, at: number) => (spec.startsWith('p:') ? presence(spec.slice(2), at) : routing(spec.slice(2), at))
        const events = instants.map((specs, i) => specs.map((spec) => toEvent(spec, T + i * 11 * MINUTE)))
        const random = randomness[Symbol.iterator]()
        const shuffled = events.map((group) => [...group].sort(() => ((random.next().value as number) % 3) - 1))
        const start: AgentState = { agentId: AGENT, available: startAvailable, observedAt: T - 1, observedEventIds: ['start'], availableBefore: false }
        const a = run(events.flat(), start)
        const b = run([...shuffled.flat(), ...shuffled.flat()], start)
        expect(b.triggers).toEqual(a.triggers)
        expect(b.state?.available).toBe(a.state?.available)
        // At each instant the agent counts as available if any event of that instant says so.
        expect(a.state?.available).toBe((events.at(-1) ?? []).some((event) => isAvailable(event, POLICY)))
      }),
      { seed: 1717, numRuns: 150 },
    )
  })
})
