import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decideAvailability, isAvailable, type AvailabilityDecision, type AvailabilityPolicy } from '#lib/presence/availability.ts'
import { parseGenesysEvent, type AgentAvailabilityEvent } from '#lib/domain/events.ts'
import type { AgentState } from '#lib/domain/model.ts'
import { loadConfig, presenceConfigSchema } from '#lib/config.ts'
import { activityEvent, presenceEvent, routingStatusEvent } from '../support/genesys-events.ts'

const AGENT = '9ed7d9f6-0c59-4360-ac54-40dd35eb9c2f'
const T = Date.parse('2026-03-01T09:00:00.000Z')
const MINUTE = 60_000

/** The policy the presence function builds from its default configuration (ON_QUEUE and IDLE). */
const config = loadConfig('presence', presenceConfigSchema, { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'state', APP_EVENT_BUS_NAME: 'bus' })
const POLICY: AvailabilityPolicy = {
  availablePresences: config.AVAILABLE_PRESENCES,
  availableRoutingStatuses: config.AVAILABLE_ROUTING_STATUSES,
  cooldownMs: config.COOLDOWN_MINUTES * MINUTE,
}
/** `AVAILABLE_PRESENCES=AVAILABLE,ON_QUEUE`: every login and every change off queue fires. */
const OLD_POLICY: AvailabilityPolicy = { ...POLICY, availablePresences: ['AVAILABLE', 'ON_QUEUE'] }

const parsed = new Map<string, AgentAvailabilityEvent>()

/** Builds and parses a presence envelope (cached: the property repeats the same inputs many times). */
function presence(systemPresence: string, at: number, id?: string): AgentAvailabilityEvent {
  const key = `${systemPresence}@${at}@${id ?? ''}`
  const cached = parsed.get(key)
  if (cached) return cached
  const event = parseGenesysEvent(presenceEvent({ agentId: AGENT, systemPresence, at, ...(id ? { id } : {}) })) as AgentAvailabilityEvent
  parsed.set(key, event)
  return event
}

function routing(status: string, at: number): AgentAvailabilityEvent {
  return parseGenesysEvent(routingStatusEvent({ agentId: AGENT, status, at })) as AgentAvailabilityEvent
}

function activity(systemPresence: string | undefined, routingStatus: string | undefined, at: number, times: { presenceAt?: number; routingAt?: number } = {}): AgentAvailabilityEvent {
  return parseGenesysEvent(activityEvent({ agentId: AGENT, at, systemPresence, routingStatus, ...times })) as AgentAvailabilityEvent
}

/** What the presence function does with each decision: store `next`, publish when `trigger`. */
function run(
  events: readonly AgentAvailabilityEvent[],
  start?: AgentState,
  policy: AvailabilityPolicy = POLICY,
): { state: AgentState | undefined; triggers: number[]; decisions: AvailabilityDecision[] } {
  let state = start
  const triggers: number[] = []
  const decisions: AvailabilityDecision[] = []
  for (const event of events) {
    const decision = decideAvailability(state, event, policy)
    decisions.push(decision)
    if (decision.kind === 'stale') continue
    state = decision.next
    if (decision.trigger) triggers.push(event.at)
  }
  return { state, triggers, decisions }
}

const fact = (status: string, at = T) => ({ status, at })

describe('isAvailable: presence in AVAILABLE_PRESENCES and, once seen, routing status in AVAILABLE_ROUTING_STATUSES', () => {
  it.each(['ON_QUEUE', 'On_Queue', 'on_queue', 'OnQueue', 'On Queue', ' ON_QUEUE '])('counts presence %j as available by default', (status) => {
    expect(isAvailable({ presence: fact(status) }, POLICY)).toBe(true)
  })

  it.each(['AVAILABLE', 'AWAY', 'BUSY', 'OFFLINE', 'IDLE', 'MEAL', 'TRAINING', 'MEETING', 'BREAK'])('counts presence %j as not available by default', (status) => {
    expect(isAvailable({ presence: fact(status) }, POLICY)).toBe(false)
  })

  it.each(['IDLE', 'Idle', 'idle'])('counts routing status %j with presence ON_QUEUE as available', (status) => {
    expect(isAvailable({ presence: fact('ON_QUEUE'), routing: fact(status) }, POLICY)).toBe(true)
  })

  it.each(['OFF_QUEUE', 'INTERACTING', 'NOT_RESPONDING', 'COMMUNICATING'])('counts routing status %j as not available, even On Queue', (status) => {
    expect(isAvailable({ presence: fact('ON_QUEUE'), routing: fact(status) }, POLICY)).toBe(false)
  })

  it('is never available without a presence, whatever the routing status', () => {
    expect(isAvailable({ routing: fact('IDLE') }, POLICY)).toBe(false)
    expect(isAvailable({}, POLICY)).toBe(false)
  })

  it.each(['Not Responding', 'not-responding', 'NOT  RESPONDING', 'not_responding'])('reads routing status %j as the configured NOT_RESPONDING (spaces and hyphens are underscores)', (status) => {
    const policy = { ...POLICY, availableRoutingStatuses: ['NOT_RESPONDING'] }
    expect(isAvailable({ presence: fact('ON_QUEUE'), routing: fact(status) }, policy)).toBe(true)
    expect(isAvailable({ presence: fact('ON_QUEUE'), routing: fact('NOTRESPONDING') }, policy)).toBe(false)
  })

  it('uses the configured lists', () => {
    expect(isAvailable({ presence: fact('AVAILABLE') }, OLD_POLICY)).toBe(true)
    expect(isAvailable({ presence: fact('ON_QUEUE'), routing: fact('INTERACTING') }, { ...POLICY, availableRoutingStatuses: ['INTERACTING'] })).toBe(true)
  })
})

describe('decideAvailability: the documented examples, under the defaults', () => {
  it('OFFLINE → AVAILABLE (login) fires nothing', () => {
    expect(run([presence('OFFLINE', T), presence('AVAILABLE', T + 1000)]).triggers).toEqual([])
  })

  it('a presence event repeating the same system presence (a status-message edit) fires nothing', () => {
    const { triggers, decisions } = run([presence('AVAILABLE', T), presence('ON_QUEUE', T + 1000), presence('ON_QUEUE', T + 2000)])
    expect(triggers).toEqual([T + 1000])
    expect(decisions[2]).toMatchObject({ kind: 'update', trigger: false, reason: 'no-transition' })
  })

  it('AVAILABLE → ON_QUEUE with routing IDLE fires once', () => {
    const { triggers, state } = run([presence('AVAILABLE', T), routing('OFF_QUEUE', T), routing('IDLE', T + 1000), presence('ON_QUEUE', T + 1000)])
    expect(triggers).toEqual([T + 1000])
    expect(state).toEqual({ agentId: AGENT, observedAt: T + 1000, presence: fact('ON_QUEUE', T + 1000), routing: fact('IDLE', T + 1000), lastTriggeredAt: T + 1000 })
  })

  it('ON_QUEUE with INTERACTING → IDLE fires', () => {
    const start: AgentState = { agentId: AGENT, observedAt: T, presence: fact('ON_QUEUE', T - MINUTE), routing: fact('INTERACTING', T) }
    expect(run([routing('IDLE', T + 15 * MINUTE)], start).triggers).toEqual([T + 15 * MINUTE])
  })

  it('ON_QUEUE → AVAILABLE (going off queue) fires nothing, and neither does the OFF_QUEUE routing status', () => {
    const start: AgentState = { agentId: AGENT, observedAt: T, presence: fact('ON_QUEUE', T - MINUTE), routing: fact('IDLE', T) }
    const { triggers, state } = run([routing('OFF_QUEUE', T + MINUTE), presence('AVAILABLE', T + MINUTE)], start)
    expect(triggers).toEqual([])
    expect(state && isAvailable(state, POLICY)).toBe(false)
  })

  it('an IDLE delivered after the ON_QUEUE it belongs to fires exactly once, and a second delivery of it fires nothing', () => {
    const start: AgentState = { agentId: AGENT, observedAt: T, presence: fact('AVAILABLE', T), routing: fact('OFF_QUEUE', T) }
    const idle = routing('IDLE', T + 1000)
    const { triggers, decisions } = run([presence('ON_QUEUE', T + 1000), idle, idle], start)
    expect(triggers).toEqual([T + 1000])
    expect(decisions[2]).toEqual({ kind: 'stale' })
  })

  it('an IDLE stamped a moment before the ON_QUEUE, delivered after it, fires exactly once', () => {
    const start: AgentState = { agentId: AGENT, observedAt: T, presence: fact('AVAILABLE', T), routing: fact('OFF_QUEUE', T) }
    expect(run([presence('ON_QUEUE', T + 1005), routing('IDLE', T + 1000), routing('IDLE', T + 1000)], start).triggers).toEqual([T + 1000])
  })

  it('a late presence event never overwrites a newer routing status, and the reverse', () => {
    const start: AgentState = { agentId: AGENT, observedAt: T + 5000, presence: fact('ON_QUEUE', T + 5000), routing: fact('IDLE', T + 4000) }
    // An older routing status (INTERACTING@3000) is stale for routing; an older presence (AVAILABLE@1000) for presence.
    const { triggers, state, decisions } = run([routing('INTERACTING', T + 3000), presence('AVAILABLE', T + 1000)], start)
    expect(decisions).toEqual([{ kind: 'stale' }, { kind: 'stale' }])
    expect(triggers).toEqual([])
    expect(state).toEqual(start)
  })

  it('AVAILABLE_PRESENCES=AVAILABLE,ON_QUEUE gives the old behaviour: login fires', () => {
    expect(run([presence('OFFLINE', T), presence('AVAILABLE', T + 1000)], undefined, OLD_POLICY).triggers).toEqual([T + 1000])
  })
})

describe('decideAvailability: the activity topic carries both facts', () => {
  it('fires once when one event completes the condition, and the routing or presence event of the same change adds nothing', () => {
    const start: AgentState = { agentId: AGENT, observedAt: T, presence: fact('AVAILABLE', T), routing: fact('OFF_QUEUE', T) }
    const { triggers, decisions } = run([activity('ON_QUEUE', 'IDLE', T + 1000), routing('IDLE', T + 1000), presence('ON_QUEUE', T + 1000)], start)
    expect(triggers).toEqual([T + 1000])
    expect(decisions.slice(1)).toEqual([{ kind: 'stale' }, { kind: 'stale' }])
  })

  it('keeps each fact’s own time: a newer presence with an older routing status applies only the presence', () => {
    const start: AgentState = { agentId: AGENT, observedAt: T + 2000, presence: fact('AVAILABLE', T), routing: fact('INTERACTING', T + 2000) }
    const { state, triggers } = run([activity('ON_QUEUE', 'IDLE', T + 3000, { routingAt: T + 1000 })], start)
    expect(state).toMatchObject({ presence: fact('ON_QUEUE', T + 3000), routing: fact('INTERACTING', T + 2000) })
    expect(triggers).toEqual([])
  })

  it('accepts an activity event with only one of the facts', () => {
    const start: AgentState = { agentId: AGENT, observedAt: T, presence: fact('ON_QUEUE', T), routing: fact('INTERACTING', T) }
    expect(run([activity(undefined, 'IDLE', T + MINUTE)], start).triggers).toEqual([T + MINUTE])
  })
})

describe('decideAvailability: order, duplicates, cooldown', () => {
  it('fires on the first sighting of an On Queue agent (an unknown previous state counts as not available)', () => {
    expect(run([presence('ON_QUEUE', T)]).triggers).toEqual([T])
    expect(run([presence('OFFLINE', T)]).triggers).toEqual([])
  })

  it('does not fire on available → not available', () => {
    const { triggers, state } = run([presence('ON_QUEUE', T), presence('BUSY', T + 20 * MINUTE)], { agentId: AGENT, observedAt: T - 1, presence: fact('ON_QUEUE', T - 1) })
    expect(triggers).toEqual([])
    expect(state && isAvailable(state, POLICY)).toBe(false)
  })

  it('ignores an older event arriving late, so it cannot undo a newer state or cause a second trigger', () => {
    const delivered = [presence('ON_QUEUE', T + 2), presence('ON_QUEUE', T + 4), presence('BREAK', T + 1), presence('BREAK', T + 3)]
    const { triggers, state } = run(delivered, { agentId: AGENT, observedAt: T, presence: fact('BREAK', T) })
    expect(triggers).toEqual([T + 2])
    expect(state).toMatchObject({ observedAt: T + 4 })
  })

  it('suppresses a flap inside the 10 minute cooldown and fires again exactly at its end', () => {
    const start: AgentState = { agentId: AGENT, observedAt: T - 1 }
    const inside = run([presence('ON_QUEUE', T), presence('BREAK', T + MINUTE), presence('ON_QUEUE', T + 10 * MINUTE - 1)], start)
    expect(inside.triggers).toEqual([T])
    expect(inside.decisions[2]).toMatchObject({ kind: 'update', trigger: false, reason: 'cooldown', next: { lastTriggeredAt: T } })
    const atEnd = run([presence('ON_QUEUE', T), presence('BREAK', T + MINUTE), presence('ON_QUEUE', T + 10 * MINUTE)], start)
    expect(atEnd.triggers).toEqual([T, T + 10 * MINUTE])
  })

  it('keeps the stored version for the repository’s optimistic concurrency', () => {
    const decision = decideAvailability({ agentId: AGENT, observedAt: T, version: 7 }, presence('ON_QUEUE', T + 1), POLICY)
    expect(decision).toMatchObject({ kind: 'update', trigger: true, next: { version: 7 } })
  })

  it('at one instant, two different presences: the available one wins, whichever arrives first', () => {
    const start: AgentState = { agentId: AGENT, observedAt: T - 1, presence: fact('AVAILABLE', T - 1) }
    for (const order of [
      [presence('BUSY', T), presence('ON_QUEUE', T)],
      [presence('ON_QUEUE', T), presence('BUSY', T)],
    ]) {
      const { triggers, state } = run(order, start)
      expect(triggers).toEqual([T])
      expect(state).toMatchObject({ presence: fact('ON_QUEUE', T) })
    }
  })

  it('at one instant, the presence that loses the tie changes nothing (stale), and the one that wins fires', () => {
    const start: AgentState = { agentId: AGENT, observedAt: T - 1, presence: fact('AVAILABLE', T - 1) }
    expect(run([presence('ON_QUEUE', T), presence('BUSY', T)], start).decisions).toEqual([
      { kind: 'update', trigger: true, next: { agentId: AGENT, observedAt: T, presence: fact('ON_QUEUE', T), lastTriggeredAt: T } },
      { kind: 'stale' },
    ])
    expect(run([presence('BUSY', T), presence('ON_QUEUE', T)], start).decisions[1]).toEqual({
      kind: 'update',
      trigger: true,
      next: { agentId: AGENT, observedAt: T, presence: fact('ON_QUEUE', T), lastTriggeredAt: T },
    })
  })

  it('a same-instant tie on one fact never drops the other fact of the same activity event', () => {
    // Stored: ON_QUEUE at T, INTERACTING before. The activity event at T ties on presence (the same status, or one
    // that loses the tie) but carries a real routing change to IDLE: it is applied, and completes the condition.
    const start: AgentState = { agentId: AGENT, observedAt: T, presence: fact('ON_QUEUE', T), routing: fact('INTERACTING', T - 1000) }
    for (const tied of ['ON_QUEUE', 'on queue', 'BUSY']) {
      const { triggers, state } = run([activity(tied, 'IDLE', T)], start)
      expect(triggers).toEqual([T])
      expect(state).toEqual({ agentId: AGENT, observedAt: T, presence: fact('ON_QUEUE', T), routing: fact('IDLE', T), lastTriggeredAt: T })
    }
  })

  it('judges the state before an event by the current lists, as saved under older settings', () => {
    // Saved while AVAILABLE_PRESENCES=AVAILABLE,ON_QUEUE (then available). Under the default lists AVAILABLE is not
    // available, so ON_QUEUE is a transition and fires.
    const savedUnderOldPolicy: AgentState = { agentId: AGENT, observedAt: T - 1, presence: fact('AVAILABLE', T - 1) }
    expect(run([presence('ON_QUEUE', T)], savedUnderOldPolicy).triggers).toEqual([T])
    expect(run([presence('ON_QUEUE', T)], savedUnderOldPolicy, OLD_POLICY).triggers).toEqual([])
  })

  it('a redelivery with a new envelope id of the same presence at the same time is stale', () => {
    const { triggers, decisions } = run([presence('ON_QUEUE', T), presence('ON_QUEUE', T, 'd0b1e000-0000-4000-8000-000000000001')])
    expect(triggers).toEqual([T])
    expect(decisions[1]).toEqual({ kind: 'stale' })
  })
})

describe('decideAvailability (property): duplicates and delivery order never add triggers', () => {
  const PRESENCES = ['AVAILABLE', 'ON_QUEUE', 'BREAK', 'OFFLINE'] as const
  const ROUTING = ['IDLE', 'INTERACTING', 'OFF_QUEUE'] as const
  const timelineArb = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }).chain((minutes) =>
    fc.record({
      timeline: fc.tuple(
        ...minutes
          .sort((a, b) => a - b)
          .map((minute) => fc.record({ minute: fc.constant(minute), routing: fc.boolean(), presence: fc.constantFrom(...PRESENCES), status: fc.constantFrom(...ROUTING) })),
      ),
      delivery: fc
        .array(fc.nat({ max: minutes.length - 1 }), { maxLength: 5 })
        .chain((duplicates) => fc.shuffledSubarray([...minutes.keys(), ...duplicates], { minLength: minutes.length + duplicates.length })),
    }),
  )

  it('with one fact never fires more than the in-order run; always keeps triggers a cooldown apart, and a full redelivery fires nothing', () => {
    fc.assert(
      fc.property(timelineArb, fc.context(), ({ timeline, delivery: order }, ctx) => {
        const events = timeline.map((step) => (step.routing ? routing(step.status, T + step.minute * MINUTE) : presence(step.presence, T + step.minute * MINUTE)))
        const inOrder = run(events)
        const outOfOrder = run(order.map((index) => events[index] as AgentAvailabilityEvent))
        ctx.log(JSON.stringify({ inOrder: inOrder.triggers, outOfOrder: outOfOrder.triggers }))
        // With one fact, a late event is simply stale. With two, a presence delivered before the routing status
        // that preceded it is judged without it ("once any routing status has been seen"): that may fire early.
        if (timeline.every((step) => !step.routing)) expect(outOfOrder.triggers.length).toBeLessThanOrEqual(inOrder.triggers.length)
        for (const triggers of [inOrder.triggers, outOfOrder.triggers]) {
          expect(new Set(triggers).size).toBe(triggers.length)
          for (let i = 1; i < triggers.length; i++) expect((triggers[i] as number) - (triggers[i - 1] as number)).toBeGreaterThanOrEqual(POLICY.cooldownMs)
        }
        // Each in-order trigger is a real transition of the combined condition.
        let state: AgentState | undefined
        for (const event of events) {
          const before = state !== undefined && isAvailable(state, POLICY)
          const decision = decideAvailability(state, event, POLICY)
          if (decision.kind === 'stale') continue
          if (decision.trigger) expect(before).toBe(false)
          state = decision.next
        }
        const delivery = order.map((index) => events[index] as AgentAvailabilityEvent)
        expect(run(delivery, outOfOrder.state).triggers).toEqual([])
        expect(run(delivery, outOfOrder.state).state).toEqual(outOfOrder.state)
        // Out of order, the facts end where in order they end.
        expect({ presence: outOfOrder.state?.presence, routing: outOfOrder.state?.routing }).toEqual({ presence: inOrder.state?.presence, routing: inOrder.state?.routing })
      }),
      { seed: 424242, numRuns: 120 },
    )
  })
})

describe('decideAvailability (property): events at the same instant in any order', () => {
  // The same-instant property, over the two facts. Ties of one fact (two presences,
  // or two routing statuses, at one millisecond) fire the same whatever the order; with ties of both facts, the end
  // state is the same (a trigger may differ: each event is judged when it arrives, "whichever event completes it").
  const instantArb = fc.uniqueArray(
    fc.oneof(
      fc.constantFrom('AVAILABLE', 'BREAK', 'OFFLINE', 'ON_QUEUE').map((s) => `p:${s}`),
      fc.constantFrom('r:IDLE', 'r:INTERACTING'),
    ),
    { minLength: 1, maxLength: 3 },
  )
  const timelineArb = fc.array(instantArb, { minLength: 1, maxLength: 4 })

  it('ends in the same facts whatever the order within an instant and after a redelivery; fires the same with one event at each instant', () => {
    fc.assert(
      fc.property(timelineArb, fc.infiniteStream(fc.nat()), fc.boolean(), (instants, randomness, startAvailable) => {
        const toEvent = (spec: string, at: number) => (spec.startsWith('p:') ? presence(spec.slice(2), at) : routing(spec.slice(2), at))
        const events = instants.map((specs, i) => specs.map((spec) => toEvent(spec, T + i * 11 * MINUTE)))
        const random = randomness[Symbol.iterator]()
        const shuffled = events.map((group) => [...group].sort(() => ((random.next().value as number) % 3) - 1))
        const start: AgentState = { agentId: AGENT, observedAt: T - 1, ...(startAvailable ? { presence: fact('ON_QUEUE', T - 1) } : {}) }
        const a = run(events.flat(), start)
        const b = run([...shuffled.flat(), ...shuffled.flat()], start)
        // One event per fact per instant: order within the instant cannot matter. With two presences at one
        // millisecond, the end state is the same but whether the agent "was available just before" is not kept.
        const onePerFact = instants.every((specs) => specs.filter((spec) => spec.startsWith('p:')).length <= 1 && specs.filter((spec) => spec.startsWith('r:')).length <= 1)
        const oneFact = instants.every((specs) => new Set(specs.map((spec) => spec.slice(0, 2))).size === 1)
        if (onePerFact && oneFact) {
          expect(b.triggers).toEqual(a.triggers)
          expect(b.state).toEqual(a.state)
        } else {
          const { lastTriggeredAt: _a, ...factsA } = a.state ?? ({} as AgentState)
          const { lastTriggeredAt: _b, ...factsB } = b.state ?? ({} as AgentState)
          expect(factsB).toEqual(factsA)
        }
      }),
      { seed: 1717, numRuns: 150 },
    )
  })
})
