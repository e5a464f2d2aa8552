/** The per-trigger limit and its order (lib/domain/capacity.ts): which customers go first, the rest deferred. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { byPriority, limitRequests, parseMessagesPerTrigger, wasEverServed } from '#lib/domain/capacity.ts'
import type { MessageRequest, Session } from '#lib/domain/model.ts'

const AT = 1_800_000_000_000
const session = (conversationId: string, lastActiveAt: number, served: boolean): Session => ({
  conversationId,
  lastActiveAt,
  expiresAt: 0,
  agents: served ? { 'agent-1': { connected: false, changedAt: lastActiveAt - 1, connectedAt: lastActiveAt - 5 } } : {},
})
const requestFor = (s: Session): MessageRequest => ({
  dedupeKey: `t:${s.conversationId}`,
  conversationId: s.conversationId,
  customer: { channel: 'sms', address: `+1317555${s.conversationId.padStart(4, '0').slice(-4)}` },
  agentId: 'agent-1',
  scope: 'agent',
  requestedAt: AT,
  triggerEventId: 't',
})

describe('MAX_MESSAGES_PER_TRIGGER', () => {
  it('is a positive whole number or agent-capacity', () => {
    expect(parseMessagesPerTrigger('agent-capacity')).toEqual({ kind: 'agent-capacity' })
    expect(parseMessagesPerTrigger(' Agent-Capacity ')).toEqual({ kind: 'agent-capacity' })
    expect(parseMessagesPerTrigger('1')).toEqual({ kind: 'fixed', limit: 1 })
    expect(parseMessagesPerTrigger('25')).toEqual({ kind: 'fixed', limit: 25 })
    for (const bad of ['0', '-1', '2.5', '', 'four', '1e3', 'capacity', '99999999999999999999']) expect(parseMessagesPerTrigger(bad), bad).toBeUndefined()
  })
})

describe('priority when the limit bites', () => {
  it('a conversation no agent joined goes first, whatever its age', () => {
    const old = session('0001', AT - 20 * 3_600_000, false)
    const recent = session('0002', AT - 60_000, true)
    const { chosen, deferred } = limitRequests([requestFor(recent), requestFor(old)], [recent, old], 1)
    expect(chosen.map((r) => r.conversationId)).toEqual(['0001'])
    expect(deferred.map((r) => r.conversationId)).toEqual(['0002'])
  })

  it('then the newest, then the conversation id', () => {
    const a = session('000b', AT - 1_000, true)
    const b = session('000a', AT - 1_000, true)
    const c = session('000c', AT - 500, true)
    const { chosen, deferred } = limitRequests([a, b, c].map(requestFor), [a, b, c], 2)
    expect(chosen.map((r) => r.conversationId)).toEqual(['000c', '000a'])
    expect(deferred.map((r) => r.conversationId)).toEqual(['000b'])
  })

  it('a limit at or above the candidates defers nobody; 0 defers everybody', () => {
    const all = [session('0001', AT - 3, true), session('0002', AT - 2, false)]
    expect(limitRequests(all.map(requestFor), all, 2).deferred).toEqual([])
    expect(limitRequests(all.map(requestFor), all, 5).chosen).toHaveLength(2)
    expect(limitRequests(all.map(requestFor), all, 0)).toEqual({ chosen: [], deferred: [requestFor(all[1] as Session), requestFor(all[0] as Session)] })
  })

  it('any input order gives the same choice, and chosen + deferred are the candidates once each', () => {
    const sessionArb = fc.record({ id: fc.integer({ min: 0, max: 40 }), ago: fc.integer({ min: 0, max: 5 }), served: fc.boolean() })
    fc.assert(
      fc.property(fc.uniqueArray(sessionArb, { selector: (s) => s.id, maxLength: 12 }), fc.integer({ min: 0, max: 12 }), fc.integer(), (specs, limit, seed) => {
        const sessions = specs.map((s) => session(String(s.id).padStart(4, '0'), AT - s.ago * 1_000, s.served))
        const requests = sessions.map(requestFor)
        const shuffled = [...requests].sort((x, y) => ((x.conversationId.charCodeAt(3) * 31 + seed) % 7) - ((y.conversationId.charCodeAt(3) * 31 + seed) % 7))
        const one = limitRequests(requests, sessions, limit)
        const two = limitRequests(shuffled, [...sessions].reverse(), limit)
        expect(two).toEqual(one)
        expect(one.chosen).toHaveLength(Math.min(limit, requests.length))
        expect([...one.chosen, ...one.deferred].map((r) => r.conversationId).sort()).toEqual(requests.map((r) => r.conversationId).sort())
        // Nobody deferred ranks above anybody chosen.
        const bySession = new Map(sessions.map((s) => [s.conversationId, s]))
        const rank = (r: MessageRequest) => {
          const s = bySession.get(r.conversationId) as Session
          return { request: r, unserved: !wasEverServed(s), lastActiveAt: s.lastActiveAt }
        }
        for (const c of one.chosen) for (const d of one.deferred) expect(byPriority(rank(c), rank(d))).toBeLessThan(0)
      }),
    )
  })

  it('a session any agent joined counts as served, even when the start was lost', () => {
    expect(wasEverServed({ agents: {} })).toBe(false)
    expect(wasEverServed({ agents: { a: { connected: false, changedAt: 1 } } })).toBe(true)
  })
})
