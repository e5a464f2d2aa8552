import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyConversationEvent } from '#lib/domain/session.ts'
import type { ConversationEvent } from '#lib/domain/events.ts'
import type { Session } from '#lib/domain/model.ts'
import { comparePriority, limitRecipients, neverServed, parseMessageLimit, priorityFactsOf, type PriorityFacts } from '#lib/presence/capacity.ts'

const AT = Date.parse('2024-05-01T12:00:00.000Z')
const facts = (conversationId: string, minutesAgo: number, abandoned = false): PriorityFacts => ({ conversationId, lastActiveAt: AT - minutesAgo * 60_000, abandoned })
const ids = (items: readonly PriorityFacts[]) => items.map((item) => item.conversationId)

describe('neverServed: no agent was ever connected to the conversation', () => {
  const base = { conversationId: 'c1', mediaType: 'MESSAGE', channel: 'sms', at: AT } as const
  const fold = (events: Partial<ConversationEvent>[]) =>
    events.reduce(
      (session, event) => {
        const decision = applyConversationEvent(session, { ...base, ...event } as ConversationEvent, { windowMs: 86_400_000 })
        return decision.kind === 'write' ? decision.session : session
      },
      undefined as Session | undefined,
    )!

  it('a customer who left in queue (only customer events) was never served', () => {
    const session = fold([
      { topic: 'customer.start', customerAddress: '+15550000001' },
      { topic: 'customer.end', at: AT + 1000 },
    ])
    expect(neverServed(session)).toBe(true)
  })

  it('an agent who connected (even with the start lost: only user.end or acw seen) served the customer', () => {
    for (const topic of ['user.start', 'user.end', 'acw'] as const) {
      const session = fold([
        { topic: 'customer.start', customerAddress: '+15550000001' },
        { topic, userId: 'agent-1', at: AT + 1000 },
      ])
      expect(neverServed(session), topic).toBe(false)
    }
  })
})

describe('comparePriority: abandoned first, then newest lastActiveAt, then conversation id', () => {
  it('an abandoned conversation comes before a newer served one', () => {
    expect(comparePriority(facts('z', 60, true), facts('a', 1))).toBeLessThan(0)
    expect(comparePriority(facts('a', 1), facts('z', 60, true))).toBeGreaterThan(0)
  })
  it('among the same kind, the newest first', () => {
    expect(comparePriority(facts('z', 1), facts('a', 2))).toBeLessThan(0)
    expect(comparePriority(facts('z', 1, true), facts('a', 2, true))).toBeLessThan(0)
  })
  it('at the same instant, the smaller conversation id first', () => {
    expect(comparePriority(facts('a', 5), facts('b', 5))).toBeLessThan(0)
    expect(comparePriority(facts('b', 5), facts('a', 5))).toBeGreaterThan(0)
    expect(comparePriority(facts('a', 5), facts('a', 5))).toBe(0)
  })
})

describe('limitRecipients', () => {
  it('keeps the first `limit` in priority order and defers the rest, in order', () => {
    const candidates = [facts('old', 300), facts('new', 10), facts('abandoned-old', 600, true), facts('mid', 120), facts('abandoned-new', 30, true)]
    const { chosen, deferred } = limitRecipients(candidates, 3, (c) => c)
    expect(ids(chosen)).toEqual(['abandoned-new', 'abandoned-old', 'new'])
    expect(ids(deferred)).toEqual(['mid', 'old'])
  })
  it('a limit at or above the number of candidates defers nothing', () => {
    const candidates = [facts('a', 1), facts('b', 2)]
    expect(limitRecipients(candidates, 2, (c) => c).deferred).toEqual([])
    expect(ids(limitRecipients(candidates, 9, (c) => c).chosen)).toEqual(['a', 'b'])
  })
  it('reads the facts through the accessor (requests keep their own shape)', () => {
    const requests = [
      { id: 'r1', f: facts('x', 9) },
      { id: 'r2', f: facts('y', 1) },
    ]
    expect(limitRecipients(requests, 1, (r) => r.f).chosen.map((r) => r.id)).toEqual(['r2'])
  })
  it('refuses a limit that is not a whole number', () => {
    expect(() => limitRecipients([], 1.5, (c: PriorityFacts) => c)).toThrow(/whole number/)
    expect(() => limitRecipients([], -1, (c: PriorityFacts) => c)).toThrow(/whole number/)
  })

  const candidatesArb = fc
    .uniqueArray(fc.record({ conversationId: fc.string({ minLength: 1, maxLength: 4 }), lastActiveAt: fc.integer({ min: AT - 5, max: AT }), abandoned: fc.boolean() }), {
      selector: (c) => c.conversationId,
      maxLength: 20,
    })
    .chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }), fc.nat({ max: 25 })))

  it('property: the same candidates in any order give the same chosen and deferred, split at the limit, none lost or repeated', () => {
    fc.assert(
      fc.property(candidatesArb, ([list, shuffled, limit]) => {
        const a = limitRecipients(list, limit, (c) => c)
        const b = limitRecipients(shuffled, limit, (c) => c)
        expect(ids(b.chosen)).toEqual(ids(a.chosen))
        expect(ids(b.deferred)).toEqual(ids(a.deferred))
        expect(a.chosen.length).toBe(Math.min(limit, list.length))
        expect(new Set([...ids(a.chosen), ...ids(a.deferred)])).toEqual(new Set(ids(list)))
        expect(a.chosen.length + a.deferred.length).toBe(list.length)
      }),
    )
  })

  it('property: every chosen candidate comes before every deferred one (abandoned before served, newer before older)', () => {
    fc.assert(
      fc.property(candidatesArb, ([list, , limit]) => {
        const { chosen, deferred } = limitRecipients(list, limit, (c) => c)
        for (const c of chosen) for (const d of deferred) expect(comparePriority(c, d)).toBeLessThan(0)
        for (const d of deferred) if (d.abandoned) expect(chosen.every((c) => c.abandoned)).toBe(true)
      }),
    )
  })

  it('priorityFactsOf reads a session', () => {
    expect(priorityFactsOf({ conversationId: 'c', lastActiveAt: AT, agents: {} })).toEqual({ conversationId: 'c', lastActiveAt: AT, abandoned: true })
    expect(priorityFactsOf({ conversationId: 'c', lastActiveAt: AT, agents: { a: { connected: false, changedAt: AT } } }).abandoned).toBe(false)
  })
})

describe('parseMessageLimit', () => {
  it.each([
    ['agent-capacity', 'agent-capacity'],
    [' Agent-Capacity ', 'agent-capacity'],
    ['1', 1],
    ['12', 12],
  ])('%j → %j', (raw, expected) => expect(parseMessageLimit(raw)).toBe(expected))
  it.each(['0', '-2', '2.5', 'ten', '', '1e3', '99999999999999999999'])('%j is refused', (raw) => expect(parseMessageLimit(raw)).toBeUndefined())
})
