/**
 * `POST /api/v2/analytics/conversations/details/query`: a `ConversationQuery` (SDK 262) over the agentless
 * messages the simulator accepted, answered as `AnalyticsConversationQueryResponse`. It applies the `interval`
 * (by conversation start, required, at most 31 days), the conversation filters' and the segment filters'
 * `matches` predicates on the dimensions it models (originatingDirection, conversationInitiator, conversationId;
 * mediaType, direction, addressTo, externalContactId, messageType), and `paging`. A message shows only once
 * the data lag (`analyticsLagMs`) has passed since it was accepted: Genesys documents no freshness for this query.
 * Permission: analytics:conversationDetail:view (SDK documentation: ANY of it or analytics:agentConversationDetail:view).
 */
import { addressToOf, statusAt, type DeliveredMessage } from '../delivered.ts'
import { errorBody, send } from '../reply.ts'
import { admitMessageRead, type Route, type RouteCall } from '../route.ts'
import { PERMISSION_ANALYTICS_DETAILS, type SimulatorState } from '../state.ts'

export const ANALYTICS_DETAILS_PATH = '/api/v2/analytics/conversations/details/query'

const MAX_INTERVAL_MS = 31 * 86_400_000

interface Predicate {
  readonly type?: string
  readonly dimension?: string
  readonly operator?: string
  readonly value?: string
}
interface Filter {
  readonly type?: string
  readonly predicates?: readonly Predicate[]
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function conversationDimensions(message: DeliveredMessage): Record<string, string | undefined> {
  return { conversationId: message.conversationId, originatingDirection: 'outbound', conversationInitiator: 'api' }
}

function segmentDimensions(message: DeliveredMessage): Record<string, string | undefined> {
  return { mediaType: 'message', direction: 'outbound', addressTo: addressToOf(message), externalContactId: message.externalContactId, messageType: String(message.channel) }
}

/** A filter of `and`/`or` over `matches` (the default), `exists` and `notExists` predicates. */
function passes(filters: readonly Filter[] | undefined, dimensions: Record<string, string | undefined>): boolean {
  return (filters ?? []).every((filter) => {
    const results = (filter.predicates ?? []).map((p) => {
      const value = p.dimension === undefined ? undefined : dimensions[p.dimension]
      if (p.operator === 'exists') return value !== undefined
      if (p.operator === 'notExists') return value === undefined
      return value !== undefined && value === p.value
    })
    return filter.type === 'or' ? results.some(Boolean) : results.every(Boolean)
  })
}

/** Why the query is refused (400), or the interval it covers. */
function readQuery(body: unknown): { problem: string } | { from: number; to: number; query: Record<string, unknown> } {
  if (!isObject(body)) return { problem: 'The request body must be a ConversationQuery JSON object.' }
  if (typeof body.interval !== 'string') return { problem: 'interval is required (ISO-8601 start/end).' }
  const [start, end, ...rest] = body.interval.split('/')
  const from = Date.parse(start ?? '')
  const to = Date.parse(end ?? '')
  if (rest.length > 0 || Number.isNaN(from) || Number.isNaN(to) || to <= from) return { problem: `interval "${body.interval}" is not a valid ISO-8601 interval start/end.` }
  if (to - from > MAX_INTERVAL_MS) return { problem: 'interval must not span more than 31 days.' }
  for (const key of ['conversationFilters', 'segmentFilters'] as const) {
    if (body[key] !== undefined && !Array.isArray(body[key])) return { problem: `${key} must be an array.` }
  }
  return { from, to, query: body }
}

function analyticsConversation(message: DeliveredMessage, state: SimulatorState) {
  const status = statusAt(message, state.conversationNow(), state.statusTiming)
  const deliveryStatus = status === 'delivery-success' ? 'DeliverySuccess' : status === 'delivery-failed' ? 'DeliveryFailed' : status === 'sent' ? 'Sent' : 'Queued'
  return {
    conversationId: message.conversationId,
    conversationStart: new Date(message.acceptedAt).toISOString(),
    originatingDirection: 'outbound',
    conversationInitiator: 'api',
    participants: [
      {
        participantId: `${message.conversationId.slice(0, 24)}customer0000`,
        purpose: 'customer',
        ...(message.externalContactId ? { externalContactId: message.externalContactId } : {}),
        sessions: [{ mediaType: 'message', direction: 'outbound', addressFrom: message.fromAddress, addressTo: addressToOf(message), messageType: String(message.channel), deliveryStatus }],
      },
    ],
  }
}

function handle(call: RouteCall): void {
  const { res, record, state, body } = call
  const headers = admitMessageRead(call, PERMISSION_ANALYTICS_DETAILS)
  if (!headers) return
  const read = readQuery(body)
  if ('problem' in read) {
    send(res, record, 400, errorBody(400, 'bad.request', read.problem), headers)
    return
  }
  if (state.queryAnswer === 'malformed') {
    send(res, record, 200, { conversations: 'none', totalHits: 'one' }, headers)
    return
  }
  const now = state.conversationNow()
  const conversationFilters = read.query.conversationFilters as readonly Filter[] | undefined
  const segmentFilters = read.query.segmentFilters as readonly Filter[] | undefined
  const found = [...state.delivered.values()].filter(
    (message) =>
      message.acceptedAt >= read.from &&
      message.acceptedAt < read.to &&
      now - message.acceptedAt >= state.analyticsLagMs &&
      passes(conversationFilters, conversationDimensions(message)) &&
      passes(segmentFilters, segmentDimensions(message)),
  )
  const paging = isObject(read.query.paging) ? read.query.paging : {}
  const pageSize = Math.min(100, Number(paging.pageSize) || 25)
  const pageNumber = Math.max(1, Number(paging.pageNumber) || 1)
  const page = found.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
  send(res, record, 200, { ...(page.length > 0 ? { conversations: page.map((m) => analyticsConversation(m, state)) } : {}), totalHits: found.length }, headers)
}

export const analyticsDetailsQuery: Route = { method: 'POST', path: ANALYTICS_DETAILS_PATH, handle }
