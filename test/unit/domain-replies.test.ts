/**
 * replyDecision's edges the integration tests do not reach: the agentless send's own outbound customer.start, a
 * new conversation whose agent connected before its customer.start arrived, a redelivered answering event, a
 * second agent after the first, and activity at the window's edges.
 */
import { describe, expect, it } from 'vitest'
import type { ConversationEvent } from '#lib/domain/events.ts'
import type { Session } from '#lib/domain/model.ts'
import { replyDecision, type SentMessage } from '#lib/domain/replies.ts'

const HOUR = 3_600_000
const T = Date.parse('2025-06-10T12:00:00Z')
const AGENT = 'a0000000-0000-4000-8000-000000000001'
const OTHER = 'a0000000-0000-4000-8000-000000000002'
const THREAD = 'c0000000-0000-4000-8000-000000000001'
const NEW = 'c0000000-0000-4000-8000-000000000002'
const policy = { windowMs: 72 * HOUR }
const message: SentMessage = { dedupeKey: 'k', agentId: AGENT, channel: 'sms', sentAt: T, genesysConversationId: THREAD }

const event = (topic: ConversationEvent['topic'], conversationId: string, at: number, extra: Partial<ConversationEvent> = {}): ConversationEvent => ({
  kind: 'conversation',
  topic,
  conversationId,
  at,
  eventId: `${topic}-${conversationId}-${at}`,
  source: 'aws.partner/genesys.com/cloud/org/x',
  mediaType: 'MESSAGE',
  channel: 'sms',
  ...extra,
})

describe('replyDecision', () => {
  it("the send's own outbound customer.start on the agentless conversation is not a reply; an inbound one is", () => {
    expect(replyDecision(message, event('customer.start', THREAD, T + 1_000, { direction: 'OUTBOUND' }), undefined, policy)).toEqual({ kind: 'none', reason: 'not-reply-activity' })
    expect(replyDecision(message, event('customer.start', THREAD, T + 1_000, { direction: 'INBOUND' }), undefined, policy)).toMatchObject({ kind: 'answered', answer: { kind: 'threaded' } })
  })

  it('in a new conversation only an inbound customer.start is a reply; its agent may have connected first', () => {
    expect(replyDecision(message, event('acd.start', NEW, T + HOUR), undefined, policy)).toEqual({ kind: 'none', reason: 'not-reply-activity' })
    const session: Session = { conversationId: NEW, agents: { [OTHER]: { connected: true, changedAt: T + HOUR, connectedAt: T + HOUR } }, lastAgentId: OTHER, lastActiveAt: T + HOUR, expiresAt: 0 }
    expect(replyDecision(message, event('customer.start', NEW, T + HOUR - 1_000), session, policy)).toMatchObject({
      kind: 'answered',
      answer: { kind: 'new-conversation', conversationId: NEW },
      served: { agentId: OTHER, by: 'other-agent' },
    })
  })

  it('the window: at the message or before is not a reply, at its end is, a moment later is not', () => {
    expect(replyDecision(message, event('acd.start', THREAD, T), undefined, policy)).toEqual({ kind: 'none', reason: 'before-message' })
    expect(replyDecision(message, event('acd.start', THREAD, T + 72 * HOUR), undefined, policy).kind).toBe('answered')
    expect(replyDecision(message, event('acd.start', THREAD, T + 72 * HOUR + 1), undefined, policy)).toEqual({ kind: 'none', reason: 'after-window' })
  })

  it('once answered: the same event again re-reports it, another conversation does not count, the first agent serves it once', () => {
    const answering = event('acd.start', THREAD, T + HOUR)
    const answered: SentMessage = { ...message, answer: { at: T + HOUR, conversationId: THREAD, eventId: answering.eventId, kind: 'threaded' } }
    expect(replyDecision(answered, answering, undefined, policy)).toMatchObject({ kind: 'answered', answer: { eventId: answering.eventId } })
    expect(replyDecision(answered, event('customer.start', NEW, T + 2 * HOUR), undefined, policy)).toEqual({ kind: 'none', reason: 'already-answered' })
    const first = event('user.start', THREAD, T + HOUR + 5_000, { userId: AGENT })
    expect(replyDecision(answered, first, undefined, policy)).toEqual({ kind: 'served', served: { agentId: AGENT, by: 'triggering-agent', eventId: first.eventId } })
    const served: SentMessage = { ...answered, served: { agentId: AGENT, by: 'triggering-agent', eventId: first.eventId } }
    expect(replyDecision(served, event('user.start', THREAD, T + 2 * HOUR, { userId: OTHER }), undefined, policy)).toEqual({ kind: 'none', reason: 'already-served' })
    expect(replyDecision(served, first, undefined, policy)).toMatchObject({ kind: 'served' })
  })

  it('a customer never messaged, and the topics that are never a reply', () => {
    expect(replyDecision(undefined, event('customer.start', NEW, T), undefined, policy)).toEqual({ kind: 'none', reason: 'no-message' })
    for (const topic of ['customer.end', 'user.end', 'acw'] as const)
      expect(replyDecision(message, event(topic, THREAD, T + HOUR), undefined, policy)).toEqual({ kind: 'none', reason: 'not-reply-activity' })
  })
})
