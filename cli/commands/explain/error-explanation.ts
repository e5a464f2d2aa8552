/**
 * `proactive explain-error`'s answer: what a Genesys error response means and what to check. Accepts an ErrorBody,
 * the token endpoint's `{error, description}`, an envelope `{status, headers, body}` or a serialised AxiosError.
 */
import { GUEST_PAYLOAD_ADVICE, GUEST_PROTOCOL_TEXT, TOKEN_ERRORS, adviceFor } from './error-catalogue.ts'
import { judgePath } from './forum-shapes.ts'
import { isObject, nonEmptyString, type Json } from './json.ts'

export interface ErrorContext {
  readonly status?: number
  readonly headers?: Readonly<Record<string, string | undefined>>
  /** The path (or URL) the failed request went to, when known. */
  readonly path?: string
}

export interface ErrorExplanation {
  /** `token`: the login endpoint's `{error, description}`; `api`: a Platform API ErrorBody. */
  readonly kind: 'token' | 'api' | 'unknown'
  readonly status?: number
  readonly code?: string
  readonly message?: string
  /** Quote it to Genesys support: it identifies the request in their logs. */
  readonly contextId?: string
  readonly title: string
  readonly meaning: readonly string[]
  readonly checks: readonly string[]
  /** Field names, message parameters and nested errors the body carried. */
  readonly details: readonly string[]
  readonly retryable: boolean
  readonly retryAfterSeconds?: number
}

/** The Retry-After header, or the seconds in "Retry the request in [N] seconds". */
export function retryAfterSeconds(headers: Readonly<Record<string, string | undefined>> | undefined, message: string | undefined): number | undefined {
  const header = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1]
  if (header !== undefined && /^\d+(\.\d+)?$/.test(header.trim())) return Number(header.trim())
  const match = message?.match(/retry the request in \[?(\d+)\]? seconds/i)
  return match?.[1] !== undefined ? Number(match[1]) : undefined
}

/** Accepts an ErrorBody, the token endpoint's `{error, description}`, or an envelope `{status, headers, body}`. */
export function explainError(input: unknown, context: ErrorContext = {}): ErrorExplanation {
  let status = context.status
  let headers = context.headers
  let body = input
  let path = context.path
  if (isObject(input) && isObject(input.config)) path ??= nonEmptyString(input.config.url)
  if (isObject(input) && isObject(input.response) && 'data' in input.response) {
    // An AxiosError serialised to JSON (what the SDK's login rejects with).
    status ??= typeof input.response.status === 'number' ? input.response.status : undefined
    headers ??= isObject(input.response.headers) ? (input.response.headers as Record<string, string>) : undefined
    body = input.response.data
  } else if (isObject(input) && 'body' in input && ('status' in input || 'headers' in input)) {
    status ??= typeof input.status === 'number' ? input.status : undefined
    headers ??= isObject(input.headers) ? (input.headers as Record<string, string>) : undefined
    body = input.body
  }
  if (!isObject(body)) {
    const advice = adviceFor(status, undefined)
    return { kind: 'unknown', ...(status !== undefined ? { status } : {}), ...advice, details: [], meaning: ['The response is not a Genesys error body.', ...advice.meaning] }
  }

  if (typeof body.error === 'string' && !('code' in body)) {
    const known = TOKEN_ERRORS[body.error]
    const description = nonEmptyString(body.description) ?? nonEmptyString(body.error_description)
    return {
      kind: 'token',
      ...(status !== undefined ? { status } : {}),
      code: body.error,
      ...(description ? { message: description } : {}),
      title: known?.title ?? `The token endpoint refused the grant (${body.error})`,
      meaning: known?.meaning ?? ['The login endpoint (POST https://login.<region host>/oauth/token) refused to issue a token.'],
      checks: known?.checks ?? TOKEN_ERRORS.invalid_client!.checks,
      details: [],
      retryable: false,
    }
  }

  const bodyStatus = typeof body.status === 'number' ? body.status : undefined
  status ??= bodyStatus
  const code = nonEmptyString(body.code) ?? nonEmptyString(body.errorCode)
  const message = nonEmptyString(body.message)
  const advice = message && GUEST_PROTOCOL_TEXT.test(message) ? GUEST_PAYLOAD_ADVICE : adviceFor(status, code)
  const details = errorDetails(body)
  if (body.code === undefined && code !== undefined) {
    details.push(`the body names its code in \`errorCode\`, where the Platform API's ErrorBody has \`code\`: a sign it did not come from api.<region host>/api/v2 (UNVERIFIED)`)
  }
  const pathVerdict = path === undefined ? undefined : judgePath(path)
  const meaning = [...(pathVerdict ? [`The path: ${pathVerdict}.`] : []), ...advice.meaning]
  const retryAfter = retryAfterSeconds(headers, message)
  const contextId = nonEmptyString(body.contextId)
  return {
    kind: code !== undefined || bodyStatus !== undefined || message !== undefined ? 'api' : 'unknown',
    ...(status !== undefined ? { status } : {}),
    ...(code ? { code } : {}),
    ...(message ? { message } : {}),
    ...(contextId ? { contextId } : {}),
    title: advice.title,
    meaning,
    checks: advice.checks,
    details,
    retryable: advice.retryable,
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
  }
}

function errorDetails(body: Json): string[] {
  const lines: string[] = []
  if (Array.isArray(body.details)) {
    for (const detail of body.details) {
      if (!isObject(detail)) continue
      const parts = [
        nonEmptyString(detail.fieldName) && `field ${String(detail.fieldName)}`,
        nonEmptyString(detail.errorCode) && `code ${String(detail.errorCode)}`,
        nonEmptyString(detail.entityName) && `entity ${String(detail.entityName)}`,
      ].filter(Boolean)
      if (parts.length > 0) lines.push(parts.join(', '))
    }
  }
  if (isObject(body.messageParams)) {
    for (const [name, value] of Object.entries(body.messageParams)) lines.push(`${name}: ${String(value)}`)
  }
  if (isObject(body.limit)) {
    const { key, namespace, value } = body.limit
    lines.push(`limit ${[namespace, key].filter(Boolean).join('/')}${value !== undefined ? ` = ${String(value)}` : ''}`)
  }
  if (Array.isArray(body.errors)) {
    for (const nested of body.errors) {
      if (isObject(nested) && (nested.code !== undefined || nested.message !== undefined)) {
        lines.push(`nested error: ${[nested.code, nested.message].filter(Boolean).map(String).join(': ')}`)
      }
    }
  }
  return lines
}
