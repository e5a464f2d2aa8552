/**
 * The one Genesys HTTP layer: the client-credentials token (cached, shared by concurrent callers, renewed before
 * it expires), re-login with fresh credentials on a 401, failure classification, Retry-After on GETs, paging with
 * one limit, and every response's rate-limit headers reported to `onRateLimit` (the pacer).
 * Plain fetch: the presence function loads this without the 2 MB SDK. Send's agentless call goes through the SDK
 * (its types check the body) with the token and classification from here (genesys-sdk.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Clock } from '../../domain/ports.ts'
import type { CredentialsSource, GenesysCredentials } from '../genesys-credentials.ts'
import { regionHost } from '../genesys-regions.ts'
import {
  classifyApiFailure,
  classifyHttpFailure,
  classifyLoginFailure,
  credentialsFailure,
  describeFailure,
  GenesysApiError,
  httpFailureOf,
  networkFailure,
  retryAfterSeconds,
  type Failure,
} from './failure.ts'
import { rateLimitReportOf, type RateLimitReport } from './rate-limit.ts'
import { GENESYS_OPERATIONS } from '../../metrics-names.ts'

export interface GenesysSessionOptions {
  readonly credentials: CredentialsSource
  /** Region host (`mypurecloud.ie`) or key (`eu_west_1`). Default `mypurecloud.com`. Ignored when `gatewayUrl` is set. */
  readonly region?: string
  /** One base URL for both the token and the API (the local simulator, or a corporate gateway). */
  readonly gatewayUrl?: string
  /** Per HTTP request. Default 10000. */
  readonly timeoutMs?: number
  readonly clock?: Clock
  readonly fetch?: typeof fetch
  /** Called with every response's rate-limit headers, when present. */
  readonly onRateLimit?: (report: RateLimitReport) => void
  /** Called after every HTTP request (login and API, answered or failed) with its operation and duration in ms. */
  readonly onRequestTime?: (operation: string, milliseconds: number) => void
  /** A GET answered 429 waits Retry-After and tries once more when it is at most this. Default 10. */
  readonly maxRetryAfterWaitSeconds?: number
  readonly sleep?: (ms: number) => Promise<void>
}

/** Paging policy for every listing: pages of 100, at most 100 pages; more is an error naming the limit. */
export const PAGE_SIZE = 100
export const MAX_PAGES = 100

export interface GenesysSession {
  readonly apiBase: string
  readonly timeoutMs: number
  /** A valid access token (logging in when needed). Rejects with a GenesysApiError carrying the login failure. */
  token(): Promise<string>
  /**
   * Runs `call` with a token; on a 401 drops that token and the cached credentials (they may have been rotated),
   * logs in again and runs it once more. `call`'s rejection is passed on as is.
   */
  withToken<T>(call: (token: string) => Promise<T>): Promise<T>
  /** Reports a response's rate-limit headers to the pacer. */
  observe(headers: unknown): void
  /** GET a JSON resource; failures are GenesysApiErrors named after `label`; its time is reported as `operation` (default `label`). */
  getJson<T>(path: string, label: string, operation?: string): Promise<T>
  /** Every entity of a paged listing (`?pageSize=100&pageNumber=n` appended to `path`'s query). */
  getAllPages<T>(path: string, label: string): Promise<T[]>
  close(): void
}

interface Token {
  readonly value: string
  readonly refreshAt: number
}

interface Listing<T> {
  entities?: T[]
  pageCount?: number
  total?: number
}

/** A failed login, already classified, wrapped so withToken passes it on without treating it as an API 401. */
class LoginError extends GenesysApiError {}

/** The session itself, or a new one for these options. */
export function sessionOf(options: GenesysSessionOptions | GenesysSession): GenesysSession {
  return 'withToken' in options ? options : createGenesysSession(options)
}

export function createGenesysSession(options: GenesysSessionOptions): GenesysSession {
  const host = options.gatewayUrl ? undefined : regionHost(options.region ?? 'mypurecloud.com')
  const gateway = options.gatewayUrl?.replace(/\/+$/, '')
  const loginBase = gateway ?? `https://login.${host}`
  const apiBase = gateway ?? `https://api.${host}`
  const clock = options.clock ?? { now: () => Date.now() }
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 10_000
  const wait = options.sleep ?? ((ms: number) => sleep(ms))
  const { credentials } = options
  let token: Token | undefined
  let login: Promise<Token> | undefined

  const loginError = (failure: Failure) => new LoginError(`Genesys login failed: ${describeFailure(failure)}`, failure)

  /** Wall time of one request, whatever the pipeline clock says (a replay's clock may stand still). */
  async function timed<T>(operation: string, request: () => Promise<T>): Promise<T> {
    const started = performance.now()
    try {
      return await request()
    } finally {
      options.onRequestTime?.(operation, performance.now() - started)
    }
  }

  async function grant(creds: GenesysCredentials): Promise<Token> {
    return timed(GENESYS_OPERATIONS.login.operation, () => grantOnce(creds))
  }

  async function grantOnce(creds: GenesysCredentials): Promise<Token> {
    let response: Response
    try {
      response = await doFetch(`${loginBase}/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      throw loginError(networkFailure(error))
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown }
    if (!response.ok || typeof body.access_token !== 'string') throw loginError(classifyLoginFailure({ status: response.status, headers: response.headers, body }))
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 86_400) * 1000
    return { value: body.access_token, refreshAt: clock.now() + lifetimeMs - Math.min(60_000, lifetimeMs / 10) }
  }

  async function readCredentials(): Promise<GenesysCredentials> {
    try {
      return await credentials.get()
    } catch (error) {
      throw loginError(credentialsFailure(error))
    }
  }

  async function logIn(): Promise<Token> {
    const creds = await readCredentials()
    try {
      return await grant(creds)
    } catch (error) {
      if (!(error instanceof LoginError) || error.failure.code !== 'bad.credentials') throw error
      // A rotated secret: the cached value may be stale. Read once more; retry only if it changed.
      credentials.invalidate()
      const fresh = await readCredentials()
      if (fresh.clientId === creds.clientId && fresh.clientSecret === creds.clientSecret) throw error
      return grant(fresh)
    }
  }

  async function currentToken(): Promise<Token> {
    if (token && clock.now() < token.refreshAt) return token
    if (!login) {
      const pending = logIn()
        .then((fresh) => (token = fresh))
        .finally(() => {
          if (login === pending) login = undefined
        })
      login = pending
    }
    return login
  }

  async function withToken<T>(call: (value: string) => Promise<T>): Promise<T> {
    const used = await currentToken()
    try {
      return await call(used.value)
    } catch (error) {
      if (error instanceof LoginError || httpFailureOf(error)?.status !== 401) throw error
      if (token === used) {
        token = undefined
        credentials.invalidate()
      }
      return call((await currentToken()).value)
    }
  }

  function observe(headers: unknown): void {
    const report = options.onRateLimit && rateLimitReportOf(headers)
    if (report) options.onRateLimit?.(report)
  }

  async function fetchJson<T>(path: string, label: string, operation: string, value: string): Promise<T> {
    return timed(operation, () => fetchJsonOnce<T>(path, label, value))
  }

  async function fetchJsonOnce<T>(path: string, label: string, value: string): Promise<T> {
    let response: Response
    try {
      response = await doFetch(`${apiBase}${path}`, { headers: { authorization: `Bearer ${value}`, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) })
    } catch (error) {
      const failure = networkFailure(error)
      throw new GenesysApiError(`Genesys ${label} failed: ${describeFailure(failure)}`, failure)
    }
    observe(response.headers)
    const body = (await response.json().catch(() => ({}))) as unknown
    if (response.ok) return body as T
    const http = { status: response.status, headers: response.headers, body }
    const failure = classifyHttpFailure(http, clock.now())
    throw new GenesysApiError(`Genesys ${label} failed: ${describeFailure(failure)}`, failure, http)
  }

  async function getJson<T>(path: string, label: string, operation = label): Promise<T> {
    try {
      return await withToken((value) => fetchJson<T>(path, label, operation, value))
    } catch (error) {
      const failure = classifyApiFailure(error, clock.now())
      const wait429 = failure.kind === 'rate-limited' ? (failure.retryAfterSeconds ?? retryAfterSeconds(undefined, 0)) : Number.POSITIVE_INFINITY
      if (wait429 > (options.maxRetryAfterWaitSeconds ?? 10)) throw error
      // Honour Retry-After once; a second 429 goes to the caller, which retries later.
      await wait(wait429 * 1000)
      return withToken((value) => fetchJson<T>(path, label, operation, value))
    }
  }

  return {
    apiBase,
    timeoutMs,
    token: async () => (await currentToken()).value,
    withToken,
    observe,
    getJson,
    async getAllPages<T>(path: string, label: string): Promise<T[]> {
      const all: T[] = []
      const separator = path.includes('?') ? '&' : '?'
      for (let page = 1; page <= MAX_PAGES; page++) {
        const listing = await getJson<Listing<T>>(`${path}${separator}pageSize=${PAGE_SIZE}&pageNumber=${page}`, `${label} page ${page}`, label)
        const entities = listing.entities ?? []
        all.push(...entities)
        const pageCount = listing.pageCount ?? (listing.total !== undefined ? Math.ceil(listing.total / PAGE_SIZE) : page)
        if (entities.length === 0 || page >= pageCount) return all
      }
      const failure: Failure = { ok: false, kind: 'permanent', code: 'too.many.pages', message: `more than ${MAX_PAGES} pages of ${PAGE_SIZE} (the paging limit)` }
      throw new GenesysApiError(`Genesys ${label} returned more than ${MAX_PAGES} pages of ${PAGE_SIZE}: the listing is larger than the paging limit (MAX_PAGES)`, failure)
    },
    close() {
      token = undefined
      login = undefined
    },
  }
}
