/**
 * The unknown-outcome look-up as a Genesys request: an analytics conversation-details query (SDK 262
 * `ConversationQuery`, `POST /api/v2/analytics/conversations/details/query`, permission
 * analytics:conversationDetail:view) for an outbound messaging conversation to the recipient, started in the
 * interval, and the reading of its answer (`AnalyticsConversationQueryResponse`).
 *
 * Every dimension name is in the SDK's predicate models; that an agentless conversation has
 * `originatingDirection = outbound` and its customer session `addressTo` = the toAddress sent (or the
 * `externalContactId` for Web Messaging) is UNVERIFIED (docs/genesys-platform.md, "Finding a message after a lost
 * answer"). `conversationInitiator` is left out: its value for agentless sends is not documented.
 */
import type platformClient from 'purecloud-platform-client-v2'
import type { LookupAnswer, LookupRecipient } from '../domain/unknown-outcome.ts'

type ConversationQuery = platformClient.Models.ConversationQuery

/**
 * The interval starts a minute before the attempt (clock skew between Lambda and Genesys) and ends a minute from
 * now. Genesys filters by conversation start and includes whole days the interval touches; 31 days at most with a filter.
 */
const SKEW_MS = 60_000

export function agentlessMessageQuery(recipient: LookupRecipient, from: number, to: number): ConversationQuery {
  const recipientPredicate = 'addressTo' in recipient ? { dimension: 'addressTo', value: recipient.addressTo } : { dimension: 'externalContactId', value: recipient.externalContactId }
  return {
    interval: `${new Date(from - SKEW_MS).toISOString()}/${new Date(to + SKEW_MS).toISOString()}`,
    order: 'asc',
    orderBy: 'conversationStart',
    paging: { pageSize: 25, pageNumber: 1 },
    conversationFilters: [{ type: 'and', predicates: [{ type: 'dimension', dimension: 'originatingDirection', operator: 'matches', value: 'outbound' }] }],
    segmentFilters: [
      {
        type: 'and',
        predicates: [
          { type: 'dimension', dimension: 'mediaType', operator: 'matches', value: 'message' },
          { type: 'dimension', dimension: 'direction', operator: 'matches', value: 'outbound' },
          { type: 'dimension', ...recipientPredicate, operator: 'matches' },
        ],
      },
    ],
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The first conversation of the answer (the earliest started), or not found; `malformed` when it is not the documented shape. */
export function readLookupAnswer(body: unknown): LookupAnswer & { malformed?: boolean } {
  if (!isObject(body)) return { kind: 'failed', reason: 'the analytics query answered a body that is not an object', malformed: true }
  const { conversations, totalHits } = body
  if (conversations === undefined) {
    if (totalHits === undefined || totalHits === 0) return { kind: 'not-found' }
    return { kind: 'failed', reason: `the analytics query answered totalHits ${JSON.stringify(totalHits).slice(0, 20)} without conversations`, malformed: true }
  }
  if (!Array.isArray(conversations)) return { kind: 'failed', reason: 'the analytics query answered conversations that is not a list', malformed: true }
  const first = conversations.find((conversation) => isObject(conversation) && typeof conversation.conversationId === 'string' && conversation.conversationId !== '')
  if (first) return { kind: 'found', conversationId: String((first as { conversationId: string }).conversationId) }
  if (conversations.length === 0) return { kind: 'not-found' }
  return { kind: 'failed', reason: 'the analytics query answered conversations without a conversationId', malformed: true }
}
