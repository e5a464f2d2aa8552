/**
 * reply-routing's use case for one HTTPS request from a Genesys data action: authenticate (401, saying nothing
 * more), read the request (400 naming the field), look up the latest sent-message record of the conversation or
 * the customer, and answer `{ preferredAgentId, messagedAt }` while the reply window runs (404 otherwise, so the
 * flow falls through to ordinary routing). Logs carry the outcome and field names, never an address.
 */
import type { Clock, Log, SentMessageRecords, Telemetry } from '../domain/ports.ts'
import { parseReplyRoutingRequest, routingAnswer } from './reply-routing.ts'
import { METRIC_NAMES } from '../metrics-names.ts'

export interface RoutingRequest {
  readonly method: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string | undefined
}

export interface RoutingResponse {
  readonly statusCode: number
  readonly body: Record<string, unknown>
}

export interface RouteReplyDeps {
  readonly records: Pick<SentMessageRecords, 'latestFor'>
  /** Whether the request presents the shared key (constant-time comparison). */
  readonly authenticate: (headers: RoutingRequest['headers']) => Promise<boolean>
  readonly clock: Clock
  readonly log: Log
  readonly telemetry: Telemetry
}

const MAX_BODY = 4_096

export async function routeReply(request: RoutingRequest, deps: RouteReplyDeps, windowMs: number): Promise<RoutingResponse> {
  if (!(await deps.authenticate(request.headers))) {
    deps.telemetry.count(METRIC_NAMES.replyRoutingUnauthorized)
    deps.log.warn('reply routing: unauthorized request')
    return { statusCode: 401, body: { error: 'unauthorized' } }
  }
  if (request.method.toUpperCase() !== 'POST') return { statusCode: 405, body: { error: 'use POST with a JSON body' } }
  if (request.body === undefined || request.body.length > MAX_BODY) return invalid(deps, [{ field: '(body)', problem: `must be a JSON object of at most ${MAX_BODY} characters` }])
  let body: unknown
  try {
    body = JSON.parse(request.body)
  } catch {
    return invalid(deps, [{ field: '(body)', problem: 'is not valid JSON' }])
  }
  const parsed = parseReplyRoutingRequest(body)
  if (!parsed.ok) return invalid(deps, parsed.problems)
  const message = await deps.records.latestFor(parsed.query)
  const answer = routingAnswer(message, deps.clock.now(), windowMs)
  if (!answer) {
    deps.telemetry.count(METRIC_NAMES.replyRoutingNotFound)
    deps.log.info('reply routing: no proactive message in the reply window', { by: Object.keys(parsed.query) })
    return { statusCode: 404, body: { error: 'no proactive message to this customer within the reply window' } }
  }
  deps.telemetry.count(METRIC_NAMES.replyRoutingFound)
  deps.log.info('reply routing: preferred agent found', { by: Object.keys(parsed.query), preferredAgentId: answer.preferredAgentId })
  return { statusCode: 200, body: { ...answer } }
}

function invalid(deps: RouteReplyDeps, problems: readonly { field: string; problem: string }[]): RoutingResponse {
  deps.telemetry.count(METRIC_NAMES.replyRoutingInvalid)
  deps.log.warn('reply routing: invalid request', { fields: problems.map((p) => p.field) })
  return { statusCode: 400, body: { error: problems.map((p) => `${p.field} ${p.problem}`).join('; '), problems } }
}
