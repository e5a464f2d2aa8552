/**
 * How every Genesys call's failure is classified (the `AgentlessSendResult` failure shape), whether it came from
 * the SDK, from fetch, or from the token endpoint. Never carries a token, a secret or a request.
 */
import type { AgentlessSendResult } from '../../domain/ports.ts'
import { CredentialsError } from '../genesys-credentials.ts'

export type Failure = Extract<AgentlessSendResult, { ok: false }>

/** An HTTP error response: status, headers and the parsed body (an ErrorBody, or the token endpoint's shape). */
export interface HttpFailure {
  status: number
  headers: unknown
  body: unknown
}

const DEFAULT_RETRY_AFTER_SECONDS = 60
const PERMANENT_STATUSES = new Set([400, 403, 404, 409, 413])

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** An HTTP error response, from the SDK's extended rejection or from a raw AxiosError. */
export function httpFailureOf(error: unknown): HttpFailure | undefined {
  if (error instanceof GenesysApiError) return error.http
  if (!isObject(error)) return undefined
  if (typeof error.status === 'number' && 'headers' in error && 'body' in error) {
    return { status: error.status, headers: error.headers, body: error.body }
  }
  const response = error.response
  if (isObject(response) && typeof response.status === 'number') {
    return { status: response.status, headers: response.headers, body: response.data }
  }
  return undefined
}

/** A header from fetch `Headers` or a plain (SDK/axios) header object, case-insensitively. */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  if (!isObject(headers)) return undefined
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : value == null ? undefined : String(value)
  }
  return undefined
}

/** `Retry-After` as delta-seconds or an HTTP date; 60 s when absent or unreadable. */
export function retryAfterSeconds(headers: unknown, now: number): number {
  const value = headerValue(headers, 'retry-after')?.trim()
  if (value && /^\d+$/.test(value)) return Number(value)
  const date = value ? Date.parse(value) : Number.NaN
  if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000))
  return DEFAULT_RETRY_AFTER_SECONDS
}

const stringField = (body: unknown, field: string): string | undefined => (isObject(body) && typeof body[field] === 'string' ? (body[field] as string) : undefined)

function compact(failure: Failure): Failure {
  return Object.fromEntries(Object.entries(failure).filter(([, value]) => value !== undefined)) as Failure
}

/** An API answer that is not a success, classified as permanent, transient, unknown or rate-limited. */
export function classifyHttpFailure(http: HttpFailure, now: number): Failure {
  const common = { status: http.status, code: stringField(http.body, 'code'), message: stringField(http.body, 'message'), contextId: stringField(http.body, 'contextId') }
  if (http.status === 429) {
    return compact({ ok: false, kind: 'rate-limited', ...common, retryAfterSeconds: retryAfterSeconds(http.headers, now) })
  }
  const permanent = PERMANENT_STATUSES.has(http.status) || (http.status >= 400 && http.status < 500 && http.status !== 401 && http.status !== 408)
  // A gateway timeout means the request got in and its fate is not known.
  const kind = permanent ? 'permanent' : http.status === 504 ? 'unknown' : 'transient'
  return compact({ ok: false, kind, ...common })
}

/** Classifies a failed API call (SDK rejection, fetch error, or a failure already classified by the layer). */
export function classifyApiFailure(error: unknown, now: number): Failure {
  if (error instanceof GenesysApiError) return error.failure
  if (typeof error === 'string') {
    // The SDK's synchronous "Missing the required parameter …": a bug on our side, retrying cannot help.
    return { ok: false, kind: 'permanent', code: 'sdk.invalid.argument', message: error }
  }
  const http = httpFailureOf(error)
  return http ? classifyHttpFailure(http, now) : networkFailure(error)
}

/** Errors that mean the request never reached Genesys: retrying cannot send it twice. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL'])

/**
 * Network failures (axios puts the code on the error, fetch on its `cause`). A refused connection or a failed DNS
 * lookup never reached Genesys: transient. A timeout or a connection dropped mid-request may have been accepted:
 * unknown, so it is never sent again automatically.
 */
export function networkFailure(error: unknown): Failure {
  const cause = isObject(error) && isObject(error.cause) ? error.cause : undefined
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
  const code = isObject(error) && typeof error.code === 'string' ? error.code : typeof cause?.code === 'string' ? cause.code : timedOut ? 'ETIMEDOUT' : 'network.error'
  const message = isObject(error) && typeof error.message === 'string' ? error.message : String(error)
  return { ok: false, kind: NOT_SENT_CODES.has(code) ? 'transient' : 'unknown', code, message }
}

/** The token endpoint answers `{error, description}`, not an ErrorBody; its 401 is `bad.credentials` (permanent). */
export function classifyLoginFailure(http: HttpFailure): Failure {
  const message = stringField(http.body, 'description') ?? stringField(http.body, 'error_description') ?? stringField(http.body, 'message')
  const code = stringField(http.body, 'error') ?? stringField(http.body, 'code')
  if (http.status === 401)
    return compact({ ok: false, kind: 'permanent', status: 401, code: 'bad.credentials', message: `${message ?? 'the OAuth client id or secret was rejected'}${code ? ` (${code})` : ''}` })
  if (http.status === 429 || http.status >= 500 || http.status === 408) return compact({ ok: false, kind: 'transient', status: http.status, code, message })
  return compact({ ok: false, kind: 'permanent', status: http.status, code, message })
}

export function credentialsFailure(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error)
  // A malformed secret needs an operator; an unreachable Secrets Manager may recover by itself.
  if (error instanceof CredentialsError) return { ok: false, kind: 'permanent', code: 'bad.credentials', message }
  return { ok: false, kind: 'transient', code: 'credentials.unavailable', message }
}

export function describeFailure(failure: Failure): string {
  return [
    failure.kind,
    failure.status,
    failure.code,
    failure.message && `"${failure.message}"`,
    failure.contextId && `(contextId ${failure.contextId})`,
    failure.retryAfterSeconds !== undefined && `retry after ${failure.retryAfterSeconds}s`,
  ]
    .filter(Boolean)
    .join(' ')
}

/** A failed Genesys call, classified: the caller retries or gives up. Carries no token, secret or request. */
export class GenesysApiError extends Error {
  constructor(
    message: string,
    readonly failure: Failure,
    /** The HTTP answer, when there was one (for 401 detection); not part of the message. */
    readonly http?: HttpFailure,
  ) {
    super(message)
    this.name = 'GenesysApiError'
  }

  get status(): number | undefined {
    return this.failure.status
  }

  get code(): string | undefined {
    return this.failure.code
  }
}
