/** Answers in the Platform API's shapes: the JSON error body, the rate-limit headers, 429 and 403. */
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { IssuedToken, SimulatorState } from './state.ts'
import type { RecordedRequest } from './types.ts'

interface ErrorDetail {
  readonly fieldName?: string
  readonly errorCode?: string
}

/**
 * The `details[].errorCode` values the simulator writes (`required`, `not.allowed`, `invalid.value`) are its own:
 * the ErrorDetail model has an `errorCode` field, but which codes Genesys puts there is not documented. Every
 * response carrying them says so in this header, so nobody mistakes them for Genesys's codes.
 */
export const SIMULATOR_ONLY_DETAIL_CODES = ['required', 'not.allowed', 'invalid.value'] as const
export const SIMULATOR_ONLY_HEADER = 'x-simulator-only-detail-codes'

export function simulatorOnlyHeader(details: readonly ErrorDetail[]): Record<string, string> {
  const codes = [...new Set(details.flatMap((d) => (d.errorCode && (SIMULATOR_ONLY_DETAIL_CODES as readonly string[]).includes(d.errorCode) ? [d.errorCode] : [])))]
  return codes.length > 0 ? { [SIMULATOR_ONLY_HEADER]: codes.join(',') } : {}
}

export function send(res: ServerResponse, record: RecordedRequest, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return
  record.status = status
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/**
 * An ErrorBody (SDK 262 model). `messageWithParams` repeats the message with `{name}` placeholders where
 * `messageParams` has values, as the model allows; the simulator only ever fills them for the 429 (UNVERIFIED
 * that Genesys fills them the same way).
 */
export function errorBody(status: number, code: string, message: string, details: ErrorDetail[] = [], extra: Record<string, unknown> = {}) {
  return { message, messageWithParams: message, messageParams: {}, code, status, contextId: randomUUID(), details, errors: [], ...extra }
}

export function rateHeaders(state: SimulatorState, token: IssuedToken | undefined): Record<string, string> {
  const at = state.now()
  const counter = token && state.counterOf(token)
  if (counter) state.roll(counter, at)
  const count = counter ? counter.count : 0
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
  const message = `Rate limit exceeded the maximum. Retry the request in [${retryAfter}] seconds`
  // `limit` is the ErrorBody's Limit model (key, namespace, value); the key and namespace here are UNVERIFIED guesses.
  const limit = { key: 'client.credentials.token.rate.per.minute', namespace: 'platform.api', value: state.rateLimit }
  const body = errorBody(429, 'too.many.requests.retry.after', message, [], {
    messageWithParams: 'Rate limit exceeded the maximum. Retry the request in [{retryAfter}] seconds',
    messageParams: { retryAfter: String(retryAfter) },
    limit,
  })
  send(res, record, 429, body, {
    ...rateHeaders(state, token),
    'Retry-After': String(retryAfter),
  })
}

export function missingPermission(state: SimulatorState, res: ServerResponse, record: RecordedRequest, token: IssuedToken, permission: string): void {
  send(res, record, 403, errorBody(403, 'missing.permissions', `Unable to perform the requested action. You are missing the following permission(s): [${permission}]`), rateHeaders(state, token))
}
