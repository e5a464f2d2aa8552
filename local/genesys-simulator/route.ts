/** What a route is, and the API-call guard every Platform API route starts with. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { errorBody, missingPermission, rateHeaders, send, tooManyRequests } from './reply.ts'
import type { IssuedToken, SimulatorState } from './state.ts'
import type { FaultKind, RecordedRequest } from './types.ts'

export interface RouteCall {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly record: RecordedRequest
  readonly rawBody: string
  /** The parsed body (see RecordedRequest.body) and whether it parsed. */
  readonly body: unknown
  readonly parsed: boolean
  /** The URI-decoded capture groups of the route's path pattern. */
  readonly params: readonly string[]
  readonly state: SimulatorState
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH'
  /** The exact path, or a pattern whose capture groups become `params`. */
  readonly path: string | RegExp
  handle(call: RouteCall): void
}

/** The first route serving this method and path, with its decoded path parameters. */
export function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue
    if (typeof route.path === 'string') {
      if (route.path === path) return { route, params: [] }
      continue
    }
    const match = route.path.exec(path)
    if (match) return { route, params: match.slice(1).map((group) => decodeURIComponent(group ?? '')) }
  }
  return undefined
}

const expired = () => errorBody(401, 'credentials.expired', 'The supplied credentials are expired and cannot be used.')

/**
 * Checks the bearer token, draws the fault and counts the call against the rate limit. Answers (401, 429) and
 * returns undefined when the call must stop; a drawn `token401` is applied here, any other fault is the route's to apply.
 */
export function authorizeApiCall({ req, res, record, state }: RouteCall): { token: IssuedToken; fault: FaultKind | undefined } | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')
  const value = match?.[1]
  const token = value === undefined ? undefined : state.tokens.get(value)
  if (value === undefined) {
    send(res, record, 401, errorBody(401, 'authentication.required', 'No authentication bearer token specified in authorization header.'), rateHeaders(state, undefined))
    return undefined
  }
  if (!token) {
    // A bearer token the platform never issued (or revoked): Genesys answers bad.credentials.
    send(res, record, 401, errorBody(401, 'bad.credentials', 'Invalid login credentials.'), rateHeaders(state, undefined))
    return undefined
  }
  record.clientId = token.clientId
  if (state.now() >= token.expiresAt) {
    send(res, record, 401, expired(), rateHeaders(state, undefined))
    return undefined
  }
  const fault = state.drawFault()
  if (fault === 'token401') {
    token.expiresAt = state.now()
    record.fault = fault
    send(res, record, 401, expired(), rateHeaders(state, undefined))
    return undefined
  }
  if (!state.countCall(token)) {
    tooManyRequests(state, res, record, token)
    return undefined
  }
  return { token, fault }
}

/**
 * The prologue of a read that follows a sent message (status read, analytics query): the token, the permission,
 * (none for a call Genesys documents as needing none), then a drawn 5xx or timeout (503) or 429. Returns the rate headers to answer with, or undefined once answered.
 */
export function admitMessageRead(call: RouteCall, permission: string | undefined): Record<string, string> | undefined {
  const { res, record, state } = call
  const authorized = authorizeApiCall(call)
  if (!authorized) return undefined
  if (permission !== undefined && !state.hasPermission(authorized.token, permission)) {
    missingPermission(state, res, record, authorized.token, permission)
    return undefined
  }
  const headers = rateHeaders(state, authorized.token)
  if (authorized.fault === 'http5xx' || authorized.fault === 'timeout') {
    send(res, record, 503, errorBody(503, 'service.unavailable', 'Service is currently unavailable.'), headers)
    return undefined
  }
  if (authorized.fault === 'http429') {
    send(res, record, 429, errorBody(429, 'too.many.requests.retry.after', 'Rate limit exceeded the maximum. Retry the request in [1] seconds'), { ...headers, 'Retry-After': '1' })
    return undefined
  }
  return headers
}
