/**
 * GenesysMessaging and QueueDirectory on the official SDK `purecloud-platform-client-v2`.
 *
 * SDK facts this relies on (read in node_modules/purecloud-platform-client-v2/src, v262):
 * - `new ApiClientClass()` gives an independent client with its own Configuration (gateway, token,
 *   timeout); only the first one ever made becomes the `ApiClient.instance` singleton, and every `*Api`
 *   takes the client to use. So several adapters with different gateways can live in one process.
 * - Each Configuration reads ~/.genesyscloudjavascript/config and `fs.watchFile`s it while
 *   `live_reload_config` is true; setting it false calls `fs.unwatchFile`. The file's settings are
 *   overridden below (gateway, environment, logging), so a developer's file cannot redirect or log calls.
 * - The HTTP timeout is copied from `client.timeout` into the lazily made DefaultHttpClient.
 * - With `setReturnExtendedResponses(true)` results are `{status, headers, body}` and HTTP failures reject
 *   with the same shape (+ `error`); network failures and every login failure reject with the raw
 *   AxiosError; a missing required argument is a *string* thrown synchronously. None are `Error`s we
 *   can pass on: the AxiosError's config carries the Authorization header, so it is never attached or logged.
 * - A client-credentials token is never refreshed by the SDK (docs/genesys-platform.md).
 */
import { regionHost } from './genesys-regions.ts'
import platformClient from 'purecloud-platform-client-v2'
import type { AgentlessSendResult, Clock, GenesysMessaging, QueueDirectory } from '../domain/ports.ts'
import type { AgentlessRequest } from '../domain/payload.ts'
// Type-only: a value import would load @aws-sdk/client-secrets-manager with this module.
import type { CredentialsSource, GenesysCredentials } from './genesys-credentials.ts'

type SdkClient = typeof platformClient.ApiClient
type SendResponse = platformClient.Models.SendAgentlessOutboundMessageResponse
type QueueListing = platformClient.Models.UserQueueEntityListing

/** What every call resolves to with extended responses on. */
interface ExtendedResponse<T> {
  status: number
  headers: unknown
  body?: T
}

export interface GenesysClientOptions {
  /** Region host (`mypurecloud.ie`) or SDK key (`eu_west_1`). Default `mypurecloud.com`. Ignored for routing when `gatewayUrl` is set. */
  region?: string
  /** `http(s)://host[:port][/prefix]` of a gateway, e.g. the local Genesys simulator: login and API calls go there. */
  gatewayUrl?: string
  credentials: CredentialsSource
  /** Per HTTP request. Default 10000. */
  timeoutMs?: number
  clock?: Clock
}

export type GenesysClient = GenesysMessaging & QueueDirectory & { close(): void }

const QUEUE_PAGE_SIZE = 100
const MAX_QUEUE_PAGES = 100
const DEFAULT_RETRY_AFTER_SECONDS = 60
const PERMANENT_STATUSES = new Set([400, 403, 404, 409, 413])

const ApiClientClass: new () => SdkClient =
  (platformClient as unknown as { ApiClientClass?: new () => SdkClient }).ApiClientClass ??
  (platformClient.ApiClient.constructor as new () => SdkClient)

// Importing the SDK builds its singleton, which watches the config file; this adapter never uses it.
platformClient.ApiClient.config.live_reload_config = false

export interface Gateway {
  protocol: string
  host: string
  port?: number
  path_params_login?: string
  path_params_api?: string
}

/** `setEnvironment` cannot point at localhost (it forces https and `api.`/`login.` hosts); a gateway can. */
export function gatewayFromUrl(gatewayUrl: string): Gateway {
  let url: URL
  try {
    url = new URL(gatewayUrl)
  } catch {
    throw new Error(`invalid Genesys gateway URL "${gatewayUrl}": expected http(s)://host[:port]`)
  }
  const protocol = url.protocol.replace(/:$/, '')
  if (protocol !== 'http' && protocol !== 'https') {
    throw new Error(`invalid Genesys gateway URL "${gatewayUrl}": the protocol must be http or https`)
  }
  const prefix = url.pathname.replace(/\/+$/, '')
  return {
    protocol,
    host: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(prefix ? { path_params_login: prefix, path_params_api: prefix } : {}),
  }
}

function newSdkClient(options: GenesysClientOptions, timeoutMs: number): SdkClient {
  const client = new ApiClientClass()
  client.config.live_reload_config = false
  client.config.setConfigPath('')
  // A developer's config file may have turned SDK logging on; its log lines include request headers.
  const logger = client.config.logger
  logger.log_level = 'none'
  logger.log_to_console = false
  logger.log_file_path = ''
  logger.setLogger()
  client.setEnvironment(regionHost(options.region ?? 'mypurecloud.com'))
  // setGateway(undefined) clears a gateway the config file may have set; the d.ts does not allow it.
  client.setGateway((options.gatewayUrl ? gatewayFromUrl(options.gatewayUrl) : undefined) as Gateway)
  client.setReturnExtendedResponses(true)
  // The login request and every API call read the DefaultHttpClient's timeout, not ApiClient.timeout.
  ;(client as SdkClient & { timeout: number }).timeout = timeoutMs
  client.getHttpClient().setTimeout(timeoutMs)
  return client
}

// ---------------------------------------------------------------- failure classification

type Failure = Extract<AgentlessSendResult, { ok: false }>

interface HttpFailure {
  status: number
  headers: unknown
  body: unknown
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** An HTTP error response, from the SDK's extended rejection or from a raw AxiosError (login). */
function httpFailureOf(error: unknown): HttpFailure | undefined {
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

function headerValue(headers: unknown, name: string): string | undefined {
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

const stringField = (body: unknown, field: string): string | undefined =>
  isObject(body) && typeof body[field] === 'string' ? (body[field] as string) : undefined

function compact(failure: Failure): Failure {
  return Object.fromEntries(Object.entries(failure).filter(([, value]) => value !== undefined)) as Failure
}

/** Classifies a failed API call (agentless send, queue listing) as permanent, transient or rate-limited. */
export function classifyApiFailure(error: unknown, now: number): Failure {
  if (error instanceof LoginFailure) return error.failure
  if (typeof error === 'string') {
    // The SDK's synchronous "Missing the required parameter …": a bug on our side, retrying cannot help.
    return { ok: false, kind: 'permanent', code: 'sdk.invalid.argument', message: error }
  }
  const http = httpFailureOf(error)
  if (http) {
    const code = stringField(http.body, 'code')
    const message = stringField(http.body, 'message')
    const contextId = stringField(http.body, 'contextId')
    const common = { status: http.status, code, message, contextId }
    if (http.status === 429) {
      return compact({ ok: false, kind: 'rate-limited', ...common, retryAfterSeconds: retryAfterSeconds(http.headers, now) })
    }
    const permanent = PERMANENT_STATUSES.has(http.status) || (http.status >= 400 && http.status < 500 && http.status !== 401 && http.status !== 408)
    // A gateway timeout means the request got in and its fate is not known.
    const kind = permanent ? 'permanent' : http.status === 504 ? 'unknown' : 'transient'
    return compact({ ok: false, kind, ...common })
  }
  return networkFailure(error)
}

/** Errors that mean the request never reached Genesys: retrying cannot send it twice. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL'])

/**
 * Network failures. A refused connection or a failed DNS lookup never reached Genesys: transient. A timeout or
 * a connection dropped mid-request may have been accepted: unknown, so it is never sent again automatically.
 */
function networkFailure(error: unknown): Failure {
  const code = isObject(error) && typeof error.code === 'string' ? error.code : 'network.error'
  const message = isObject(error) && typeof error.message === 'string' ? error.message : String(error)
  return { ok: false, kind: NOT_SENT_CODES.has(code) ? 'transient' : 'unknown', code, message }
}

/** A failed login, already classified: token endpoint 401 is `bad.credentials` (permanent). */
class LoginFailure {
  constructor(readonly failure: Failure) {}
}

function classifyLoginFailure(error: unknown): Failure {
  const http = httpFailureOf(error)
  if (!http) return networkFailure(error)
  // The token endpoint answers {error, description}, not an ErrorBody.
  const message = stringField(http.body, 'description') ?? stringField(http.body, 'error_description') ?? stringField(http.body, 'message')
  if (http.status === 401) return compact({ ok: false, kind: 'permanent', status: 401, code: 'bad.credentials', message: message ?? 'the OAuth client id or secret was rejected' })
  if (http.status === 429 || http.status >= 500 || http.status === 408) return compact({ ok: false, kind: 'transient', status: http.status, code: stringField(http.body, 'error') ?? stringField(http.body, 'code'), message })
  return compact({ ok: false, kind: 'permanent', status: http.status, code: stringField(http.body, 'error') ?? stringField(http.body, 'code'), message })
}

function credentialsFailure(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error)
  // A malformed secret needs an operator; an unreachable Secrets Manager may recover by itself.
  if (error instanceof Error && error.name === 'CredentialsError') return { ok: false, kind: 'permanent', code: 'bad.credentials', message }
  return { ok: false, kind: 'transient', code: 'credentials.unavailable', message }
}

/** Thrown by `queueIdsOf`: the caller retries. Carries the classification, never the request or token. */
export class GenesysApiError extends Error {
  constructor(
    message: string,
    readonly failure: Failure,
  ) {
    super(message)
    this.name = 'GenesysApiError'
  }
}

function describe(failure: Failure): string {
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

// ---------------------------------------------------------------- the adapter

interface Token {
  readonly value: string
  readonly refreshAt: number
}

export function createGenesysClient(options: GenesysClientOptions): GenesysClient {
  const clock = options.clock ?? { now: () => Date.now() }
  const sdk = newSdkClient(options, options.timeoutMs ?? 10_000)
  const conversations = new platformClient.ConversationsApi(sdk)
  // RoutingApi.getUserQueues and UsersApi.getUserQueues are the same operation (GET /api/v2/users/{userId}/queues).
  const routing = new platformClient.RoutingApi(sdk)
  const { credentials } = options

  let token: Token | undefined
  let login: Promise<Token> | undefined

  async function logIn(): Promise<Token> {
    let creds: GenesysCredentials
    try {
      creds = await credentials.get()
    } catch (error) {
      throw new LoginFailure(credentialsFailure(error))
    }
    try {
      return await grant(creds)
    } catch (error) {
      const failure = classifyLoginFailure(error)
      if (failure.code !== 'bad.credentials') throw new LoginFailure(failure)
      // A rotated secret: the cached value may be stale. Read once more; retry only if it changed.
      credentials.invalidate()
      let fresh: GenesysCredentials
      try {
        fresh = await credentials.get()
      } catch (readError) {
        throw new LoginFailure(credentialsFailure(readError))
      }
      if (fresh.clientId === creds.clientId && fresh.clientSecret === creds.clientSecret) throw new LoginFailure(failure)
      try {
        return await grant(fresh)
      } catch (retryError) {
        throw new LoginFailure(classifyLoginFailure(retryError))
      }
    }
  }

  async function grant(creds: GenesysCredentials): Promise<Token> {
    const before = Date.now()
    const auth = await sdk.loginClientCredentialsGrant(creds.clientId, creds.clientSecret)
    // The SDK stamps expiry with the wall clock; keep only the lifetime and apply it to our clock.
    const lifetimeMs = Math.max(0, auth.tokenExpiryTime - before)
    const margin = Math.min(60_000, lifetimeMs / 10)
    return { value: auth.accessToken, refreshAt: clock.now() + lifetimeMs - margin }
  }

  async function currentToken(): Promise<Token> {
    if (token && clock.now() < token.refreshAt) return token
    if (!login) {
      const pending = logIn().then(
        (fresh) => {
          token = fresh
          return fresh
        },
      ).finally(() => {
        if (login === pending) login = undefined
      })
      login = pending
    }
    return login
  }

  /** Runs an API call with a valid token; on 401 logs in again (fresh credentials) and retries once. */
  async function withAuth<T>(call: () => Promise<unknown>): Promise<ExtendedResponse<T>> {
    const used = await currentToken()
    try {
      return (await call()) as ExtendedResponse<T>
    } catch (error) {
      if (httpFailureOf(error)?.status !== 401) throw error
      if (token === used) {
        token = undefined
        credentials.invalidate()
      }
      await currentToken()
      return (await call()) as ExtendedResponse<T>
    }
  }

  return {
    async sendAgentless(request: AgentlessRequest): Promise<AgentlessSendResult> {
      try {
        const response = await withAuth<SendResponse>(() => conversations.postConversationsMessagesAgentless(request))
        const body = response.body ?? {}
        const messageId = body.message?.id ?? body.id
        return {
          ok: true,
          status: response.status,
          ...(messageId ? { messageId } : {}),
          ...(body.conversationId ? { conversationId: body.conversationId } : {}),
        }
      } catch (error) {
        return classifyApiFailure(error, clock.now())
      }
    },

    async queueIdsOf(agentId: string): Promise<string[]> {
      const ids: string[] = []
      for (let pageNumber = 1; pageNumber <= MAX_QUEUE_PAGES; pageNumber++) {
        let listing: QueueListing
        try {
          const response = await withAuth<QueueListing>(() => routing.getUserQueues(agentId, { pageSize: QUEUE_PAGE_SIZE, pageNumber, joined: true }))
          listing = response.body ?? {}
        } catch (error) {
          const failure = classifyApiFailure(error, clock.now())
          throw new GenesysApiError(`Genesys GET /api/v2/users/{userId}/queues page ${pageNumber} failed: ${describe(failure)}`, failure)
        }
        const entities = listing.entities ?? []
        for (const queue of entities) if (queue.id && queue.joined !== false) ids.push(queue.id)
        const pageCount = listing.pageCount ?? (listing.total !== undefined ? Math.ceil(listing.total / QUEUE_PAGE_SIZE) : pageNumber)
        if (entities.length === 0 || pageNumber >= pageCount) return ids
      }
      throw new GenesysApiError(`Genesys GET /api/v2/users/{userId}/queues returned more than ${MAX_QUEUE_PAGES} pages`, {
        ok: false,
        kind: 'permanent',
        code: 'too.many.pages',
      })
    },

    close() {
      token = undefined
      login = undefined
      sdk.setAccessToken('')
    },
  }
}
