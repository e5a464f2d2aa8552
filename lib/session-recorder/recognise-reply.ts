/**
 * session-recorder's second step: whether a conversation event is a customer's reply to a proactive message, or an
 * agent connecting to one. Reads the latest sent-message record of the event's customer (by the agentless
 * conversation, else by the customer key of the recorded session), marks it once, then publishes and counts.
 * Marking before publishing, with the event's id in the mark, makes a redelivered event publish again rather than
 * never: consumers dedupe by `dedupeKey`.
 */
import { customerKey } from '../domain/address.ts'
import type { ConversationEvent } from '../domain/events.ts'
import type { Session } from '../domain/model.ts'
import type { ReplyEventPublisher, SentMessageRecords, StoredSentMessage, Telemetry } from '../domain/ports.ts'
import { answeredDetail, REPLY_TOPICS, replyDecision, servedDetail, type ReplyIgnoredReason, type ReplyMark, type ReplyPolicy, type ServedBy, type ServedMark } from '../domain/replies.ts'
import { METRIC_DIMENSIONS, METRIC_NAMES } from '../metrics-names.ts'

export interface ReplyDeps {
  readonly records: SentMessageRecords
  readonly publisher: ReplyEventPublisher
  readonly telemetry: Telemetry
}

export type ReplyOutcome =
  | { readonly kind: 'none'; readonly reason: ReplyIgnoredReason | 'marked-by-another-event' }
  | { readonly kind: 'answered'; readonly reply: ReplyMark['kind']; readonly timeToReplyMs: number; readonly servedBy?: ServedBy }
  | { readonly kind: 'served'; readonly servedBy: ServedBy }

export async function recogniseReply(event: ConversationEvent, session: Session | undefined, deps: ReplyDeps, policy: ReplyPolicy): Promise<ReplyOutcome> {
  // Only activity that can be a reply costs a look-up: the recorder's other events read nothing more.
  if (!REPLY_TOPICS.has(event.topic)) return { kind: 'none', reason: 'not-reply-activity' }
  const customer = session?.customer
  const message = await deps.records.latestFor({ conversationId: event.conversationId, ...(customer ? { customerKey: customerKey(customer) } : {}) })
  const decision = replyDecision(message, event, session, policy)
  if (decision.kind === 'none' || !message) return { kind: 'none', reason: decision.kind === 'none' ? decision.reason : 'no-message' }
  if (decision.kind === 'served') {
    return (await serve(message, message.answer?.conversationId ?? event.conversationId, decision.served, deps))
      ? { kind: 'served', servedBy: decision.served.by }
      : { kind: 'none', reason: 'marked-by-another-event' }
  }
  if (!(await deps.records.markAnswered(message, decision.answer))) return { kind: 'none', reason: 'marked-by-another-event' }
  const detail = answeredDetail(message, decision.answer)
  // Counted when first marked: a redelivery of the same event publishes again but is not a second reply.
  if (!message.answer) {
    deps.telemetry.count(METRIC_NAMES.messagesAnswered, 1, { [METRIC_DIMENSIONS.channel]: message.channel })
    deps.telemetry.measureSeconds?.(METRIC_NAMES.timeToReply, detail.timeToReplyMs / 1000)
  }
  await deps.publisher.answered(detail)
  const served = decision.served && (await serve(message, decision.answer.conversationId, decision.served, deps)) ? decision.served.by : undefined
  return { kind: 'answered', reply: decision.answer.kind, timeToReplyMs: detail.timeToReplyMs, ...(served ? { servedBy: served } : {}) }
}

async function serve(message: StoredSentMessage, conversationId: string, served: ServedMark, deps: ReplyDeps): Promise<boolean> {
  if (!(await deps.records.markServed(message, served))) return false
  const metric = served.by === 'triggering-agent' ? METRIC_NAMES.repliesServedByTriggeringAgent : METRIC_NAMES.repliesServedByOtherAgent
  if (!message.served) deps.telemetry.count(metric, 1, { [METRIC_DIMENSIONS.channel]: message.channel })
  await deps.publisher.served(servedDetail(message, conversationId, served))
  return true
}
