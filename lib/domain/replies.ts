/**
 * Replies to proactive messages, recognised from the conversation events the session recorder already consumes
 * (no Genesys request). A reply is the customer's activity after the latest proactive message to them, within
 * the reply window, either:
 *
 * - threaded: on the agentless conversation the send got back (`genesysConversationId`). Going by Genesys's
 *   messaging threading timeline (72 h by default), a reply inside it continues that conversation (UNVERIFIED in a
 *   real org). Which events a threaded reply emits is UNVERIFIED too: an inbound `customer.start`, the reply
 *   entering a queue (`acd.start`) or an agent connecting (`user.start`) each count;
 * - new: an inbound `customer.start` of another conversation of the same customer (address.ts `customerKey`).
 *
 * Only the latest message to a customer can be answered (the record is per customer), once; an agent connecting
 * to the reply afterwards says who served it. Pure: the use case (lib/session-recorder/recognise-reply.ts) reads and
 * marks the record.
 */
import type { ConversationEvent } from './events.ts'
import type { Channel, Session } from './model.ts'

/** What send records for the latest message it sent to a customer: ids only, no address or text. */
export interface SentMessage {
  readonly dedupeKey: string
  /** The agent whose availability triggered the message. */
  readonly agentId: string
  readonly channel: Channel
  readonly queueId?: string
  /** When send got Genesys's answer (the pipeline's clock). */
  readonly sentAt: number
  /** The agentless conversation Genesys answered with (`SendAgentlessOutboundMessageResponse.conversationId`). */
  readonly genesysConversationId?: string
  readonly answer?: ReplyMark
  readonly served?: ServedMark
}

export type ReplyKind = 'threaded' | 'new-conversation'
export type ServedBy = 'triggering-agent' | 'other-agent'

/** The reply, as recorded on the message: counted once, re-published only for a redelivery of the same event. */
export interface ReplyMark {
  readonly at: number
  readonly conversationId: string
  readonly eventId: string
  readonly kind: ReplyKind
}

export interface ServedMark {
  readonly agentId: string
  readonly by: ServedBy
  readonly eventId: string
}

export interface ReplyPolicy {
  /** REPLY_WINDOW_HOURS: activity later than this after the message is not a reply. */
  readonly windowMs: number
}

export type ReplyDecision =
  | { readonly kind: 'none'; readonly reason: ReplyIgnoredReason }
  | { readonly kind: 'answered'; readonly answer: ReplyMark; readonly served?: ServedMark }
  | { readonly kind: 'served'; readonly served: ServedMark }

export type ReplyIgnoredReason = 'not-reply-activity' | 'no-message' | 'before-message' | 'after-window' | 'already-answered' | 'already-served' | 'not-the-reply'

/** Topics that can be a customer's reply or an agent connecting to it; the others are never looked up. */
export const REPLY_TOPICS: ReadonlySet<ConversationEvent['topic']> = new Set(['customer.start', 'acd.start', 'user.start'])

const isInbound = (event: ConversationEvent): boolean => (event.direction ?? 'INBOUND').toUpperCase() !== 'OUTBOUND'

/**
 * What `event` means for the latest message sent to its customer. `session`: the event's conversation after the
 * event was recorded (its agents, for a reply whose agent connected before its customer.start arrived).
 */
export function replyDecision(message: SentMessage | undefined, event: ConversationEvent, session: Session | undefined, policy: ReplyPolicy): ReplyDecision {
  if (!REPLY_TOPICS.has(event.topic)) return { kind: 'none', reason: 'not-reply-activity' }
  if (!message) return { kind: 'none', reason: 'no-message' }
  if (message.answer) return afterAnswer(message, message.answer, event)
  if (event.at <= message.sentAt) return { kind: 'none', reason: 'before-message' }
  if (event.at > message.sentAt + policy.windowMs) return { kind: 'none', reason: 'after-window' }
  const threaded = message.genesysConversationId !== undefined && message.genesysConversationId === event.conversationId
  const replied = threaded ? event.topic !== 'customer.start' || isInbound(event) : event.topic === 'customer.start' && isInbound(event)
  if (!replied) return { kind: 'none', reason: 'not-reply-activity' }
  const answer: ReplyMark = { at: event.at, conversationId: event.conversationId, eventId: event.eventId, kind: threaded ? 'threaded' : 'new-conversation' }
  const servingAgent = event.topic === 'user.start' ? event.userId : threaded ? undefined : connectedSince(session, message.sentAt)
  return servingAgent ? { kind: 'answered', answer, served: servedMark(message, servingAgent, event.eventId) } : { kind: 'answered', answer }
}

function afterAnswer(message: SentMessage, answer: ReplyMark, event: ConversationEvent): ReplyDecision {
  // A redelivery of the event that answered: report it again (the outcome events are at least once).
  if (answer.eventId === event.eventId) {
    const served = message.served?.eventId === event.eventId ? message.served : undefined
    return served ? { kind: 'answered', answer, served } : { kind: 'answered', answer }
  }
  if (event.conversationId !== answer.conversationId || event.topic !== 'user.start' || !event.userId) {
    return { kind: 'none', reason: event.conversationId === answer.conversationId ? 'not-reply-activity' : 'already-answered' }
  }
  if (message.served) {
    return message.served.eventId === event.eventId ? { kind: 'served', served: message.served } : { kind: 'none', reason: 'already-served' }
  }
  if (event.at < answer.at) return { kind: 'none', reason: 'not-the-reply' }
  return { kind: 'served', served: servedMark(message, event.userId, event.eventId) }
}

function servedMark(message: SentMessage, agentId: string, eventId: string): ServedMark {
  return { agentId, by: agentId === message.agentId ? 'triggering-agent' : 'other-agent', eventId }
}

/** The agent who connected to this (new) conversation after the message, if its user.start came first. */
function connectedSince(session: Session | undefined, sentAt: number): string | undefined {
  if (!session?.lastAgentId) return undefined
  const link = Object.hasOwn(session.agents, session.lastAgentId) ? session.agents[session.lastAgentId] : undefined
  return link?.connectedAt !== undefined && link.connectedAt > sentAt ? session.lastAgentId : undefined
}

/** The `ProactiveMessageAnswered` event: ids, channel and times only (no address, no text). */
export interface ReplyAnsweredDetail {
  readonly dedupeKey: string
  readonly channel: Channel
  /** The triggering agent. */
  readonly agentId: string
  readonly queueId?: string
  readonly messagedAt: number
  readonly repliedAt: number
  readonly timeToReplyMs: number
  readonly reply: ReplyKind
  /** The conversation the reply came in on (the agentless one when threaded). */
  readonly conversationId: string
}

/** The `ProactiveReplyServed` event. */
export interface ReplyServedDetail {
  readonly dedupeKey: string
  readonly channel: Channel
  readonly agentId: string
  readonly queueId?: string
  readonly servedBy: ServedBy
  readonly servedByAgentId: string
  readonly conversationId: string
}

export function answeredDetail(message: SentMessage, answer: ReplyMark): ReplyAnsweredDetail {
  return {
    dedupeKey: message.dedupeKey,
    channel: message.channel,
    agentId: message.agentId,
    ...(message.queueId !== undefined ? { queueId: message.queueId } : {}),
    messagedAt: message.sentAt,
    repliedAt: answer.at,
    timeToReplyMs: answer.at - message.sentAt,
    reply: answer.kind,
    conversationId: answer.conversationId,
  }
}

export function servedDetail(message: SentMessage, conversationId: string, served: ServedMark): ReplyServedDetail {
  return {
    dedupeKey: message.dedupeKey,
    channel: message.channel,
    agentId: message.agentId,
    ...(message.queueId !== undefined ? { queueId: message.queueId } : {}),
    servedBy: served.by,
    servedByAgentId: served.agentId,
    conversationId,
  }
}
