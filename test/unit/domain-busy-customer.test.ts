import { describe, expect, it } from 'vitest'
import { activeConversationOf, busyLookupFrom, isActiveConversation, isCustomerBusy, type BusyPolicy } from '#lib/domain/busy-customer.ts'
import { parseGenesysEvent, type ConversationEvent } from '#lib/domain/events.ts'
import type { Session } from '#lib/domain/model.ts'
import { applyConversationEvent } from '#lib/domain/session.ts'
import { conversationEvent, type ConversationEventInput, type ConversationTopicName } from '../support/genesys-events.ts'

const AGENT_A = '11111111-0000-4000-8000-00000000000a'
const AGENT_B = '22222222-0000-4000-8000-00000000000b'
const QUEUE = '33333333-0000-4000-8000-000000000001'
const T = Date.parse('2026-03-01T10:00:00.000Z')
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const POLICY: BusyPolicy = { staleMs: 4 * HOUR }
const CUSTOMER = { addressFrom: '+13175550123' }

/** A session as the recorder folds it from these events (topic, minutes after T, extra fields). */
function sessionOf(n: number, events: readonly [ConversationTopicName, number, Partial<ConversationEventInput>?][]): Session {
  let session: Session | undefined
  for (const [topic, minutes, extra] of events) {
    const parsed = parseGenesysEvent(
      conversationEvent(topic, { conversationId: `5a6b7c8d-0000-4000-8000-${String(n).padStart(12, '0')}`, messageType: 'SMS', at: T + minutes * MINUTE, ...CUSTOMER, ...extra }),
    )
    if (parsed.kind !== 'conversation') throw new Error('expected a conversation event')
    const decision = applyConversationEvent(session, parsed as ConversationEvent, { windowMs: 24 * HOUR })
    if (decision.kind === 'write') session = decision.session
  }
  if (!session) throw new Error('expected a session')
  return session
}

const ended = (n: number) =>
  sessionOf(n, [
    ['customer.start', 0],
    ['user.start', 1, { userId: AGENT_A }],
    ['user.end', 5, { userId: AGENT_A }],
    ['customer.end', 5],
  ])

describe('busy customers', () => {
  it('a customer whose conversations all ended (customer.end) is not busy', () => {
    expect(isCustomerBusy([ended(1), ended(2)], T + 10 * MINUTE, POLICY)).toBe(false)
  })

  it('case 1: a customer now chatting with another agent is busy', () => {
    const withB = sessionOf(3, [
      ['customer.start', 6],
      ['user.start', 7, { userId: AGENT_B }],
    ])
    expect(activeConversationOf([ended(1), withB], T + 10 * MINUTE, POLICY)?.conversationId).toBe(withB.conversationId)
  })

  it('case 2: a customer in a transfer gap (user.end, then acd.start back to the queue) is busy', () => {
    const transferred = sessionOf(4, [
      ['customer.start', 0],
      ['user.start', 1, { userId: AGENT_A }],
      ['user.end', 5, { userId: AGENT_A, extra: { disconnectType: 'TRANSFER' } }],
      ['acd.start', 5, { queueId: QUEUE }],
    ])
    expect(Object.values(transferred.agents).some((link) => link.connected)).toBe(false)
    expect(isCustomerBusy([transferred], T + 10 * MINUTE, POLICY)).toBe(true)
  })

  it('case 3: a customer whose conversation has no customer.end yet is busy, even with no agent connected', () => {
    const noEnd = sessionOf(5, [
      ['customer.start', 0],
      ['user.start', 1, { userId: AGENT_A }],
      ['user.end', 5, { userId: AGENT_A }],
    ])
    expect(isCustomerBusy([noEnd], T + 10 * MINUTE, POLICY)).toBe(true)
    // The same conversation once customer.end arrives (late, out of order, whichever): no longer busy.
    expect(isActiveConversation({ ...noEnd, customerEndedAt: T + 6 * MINUTE }, T + 10 * MINUTE, POLICY)).toBe(false)
  })

  it('staleness: a conversation with no event for ACTIVE_CONVERSATION_STALE_HOURS counts as ended, to the millisecond', () => {
    const noEnd = sessionOf(6, [
      ['customer.start', 0],
      ['user.end', 5, { userId: AGENT_A }],
    ])
    const lastEvent = T + 5 * MINUTE
    expect(noEnd.lastActiveAt).toBe(lastEvent)
    expect(isCustomerBusy([noEnd], lastEvent + POLICY.staleMs - 1, POLICY)).toBe(true)
    expect(isCustomerBusy([noEnd], lastEvent + POLICY.staleMs, POLICY)).toBe(false)
    expect(isCustomerBusy([noEnd], lastEvent + 24 * HOUR, POLICY)).toBe(false)
    // The lookup bound reaches exactly the sessions that can still be active.
    const now = lastEvent + POLICY.staleMs - 1
    expect(busyLookupFrom(now, POLICY)).toBe(lastEvent)
    expect(busyLookupFrom(now + 1, POLICY)).toBe(lastEvent + 1)
  })

  it('a conversation whose newest event is after now (started after the trigger) is active', () => {
    const later = sessionOf(7, [['customer.start', 30]])
    expect(isCustomerBusy([later], T, POLICY)).toBe(true)
  })

  it('no sessions: not busy', () => {
    expect(isCustomerBusy([], T, POLICY)).toBe(false)
  })
})
