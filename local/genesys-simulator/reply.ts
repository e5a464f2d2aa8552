/** Answers in the Platform API's shapes: the JSON error body, the rate-limit headers, 429 and 403. */
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { IssuedToken, SimulatorState } from './state.ts'
import type { RecordedRequest } from './types.ts'

interface ErrorDetail {
  readonly fieldName?: string
  readonly errorCode?: string
}

export function send(res: ServerResponse, record: RecordedRequest, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return
  record.status = status
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

export function errorBody(status: number, code: string, message: string, details: ErrorDetail[] = []) {
  return { message, code, status, contextId: randomUUID(), details, errors: [] }
}

export function rateHeaders(state: SimulatorState, token: IssuedToken | undefined): Record<string, string> {
  const at = state.now()
  const counter = token && state.counterOf(token)
  const count = counter && at < counter.windowStart + state.rateWindowMs ? counter.count : 0
  const resetMs = counter ? Math.max(0, counter.windowStart + state.rateWindowMs - at) : state.rateWindowMs
  return {
    'ININ-Correlation-Id': randomUUID(),
    'inin-ratelimit-count': String(count),
    'inin-ratelimit-allowed': String(state.rateLimit),
    'inin-ratelimit-reset': String(Math.ceil(resetMs / 1000)),
  }
}

export function tooManyRequests(state: SimulatorState, res: ServerResponse, record: RecordedRequest, token: IssuedToken): void {
  const retryAfter = state.retryAfterSeconds(token)
  send(res, record, 429, errorBody(429, 'too.many.requests.retry.after', `Rate limit exceeded the maximum. Retry the request in [${retryAfter}] seconds`), {
    ...rateHeaders(state, token),
    'Retry-After': String(retryAfter),
  })
}

export function missingPermission(state: SimulatorState, res: ServerResponse, record: RecordedRequest, token: IssuedToken, permission: string): void {
  send(res, record, 403, errorBody(403, 'missing.permissions', `Unable to perform the requested action. You are missing the following permission(s): [${permission}]`), rateHeaders(state, token))
}
