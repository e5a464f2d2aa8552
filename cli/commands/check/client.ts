/**
 * `proactive check` on the functions' own Genesys HTTP layer (lib/adapters/genesys-http): the same region parser,
 * token grant (re-login on a 401), failure classification and Retry-After as the deployed code, so check reports
 * what the functions would meet. It logs in (one POST) and otherwise only GETs; it never calls the agentless endpoint.
 */
import { createGenesysSession, GenesysApiError, type Failure, type GenesysSession } from '#lib/adapters/genesys-http/index.ts'
import { staticCredentials } from '#lib/adapters/genesys-credentials.ts'
import { regionHost } from '#lib/adapters/genesys-regions.ts'

/** A GET's answer: 200 with the body, or the classified failure of an HTTP error (never a network error: that throws). */
export type GetResult = { readonly status: 200; readonly body: unknown } | { readonly status: number; readonly failure: Failure; readonly body?: undefined }

export interface CheckClient {
  /** The host a person would recognise in messages: `login.mypurecloud.ie`, or the gateway's host. */
  readonly loginHost: string
  readonly apiBase: string
  /** Logs in; undefined on success, else the login failure (network, bad.credentials, or the token endpoint's code). */
  logIn(): Promise<Failure | undefined>
  get(path: string): Promise<GetResult>
  /** The last `inin-ratelimit-allowed` a response carried. */
  readonly rateLimitAllowed: number | undefined
}

/** The login host for messages, parsed with the adapters' `regionHost`; an error naming the setting when it is bad. */
export function loginHostOf(env: Record<string, string | undefined>): { loginHost: string } | { error: string } {
  const gateway = env.GENESYS_GATEWAY_URL?.trim()
  if (gateway) {
    try {
      return { loginHost: new URL(gateway).host }
    } catch {
      return { error: `GENESYS_GATEWAY_URL ${JSON.stringify(gateway)} is not a URL` }
    }
  }
  try {
    return { loginHost: `login.${regionHost(env.GENESYS_REGION ?? 'mypurecloud.com')}` }
  } catch (error) {
    return { error: `GENESYS_REGION: ${(error as Error).message}` }
  }
}

export function createCheckClient(env: Record<string, string | undefined>, loginHost: string, credentials: { clientId: string; clientSecret: string }, fetchImpl: typeof fetch): CheckClient {
  const gateway = env.GENESYS_GATEWAY_URL?.trim()
  const timeout = Number(env.GENESYS_TIMEOUT_MS ?? 10_000)
  let rateLimitAllowed: number | undefined
  const session: GenesysSession = createGenesysSession({
    credentials: staticCredentials(credentials),
    region: env.GENESYS_REGION,
    gatewayUrl: gateway || undefined,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 10_000,
    fetch: fetchImpl,
    onRateLimit: (report) => {
      rateLimitAllowed = report.allowed
    },
    // A diagnostic waits a short Retry-After once, as the functions do, but never long.
    maxRetryAfterWaitSeconds: 5,
  })
  return {
    loginHost,
    apiBase: session.apiBase,
    get rateLimitAllowed() {
      return rateLimitAllowed
    },
    async logIn() {
      try {
        await session.token()
        return undefined
      } catch (error) {
        if (error instanceof GenesysApiError) return error.failure
        throw error
      }
    },
    async get(path) {
      try {
        return { status: 200, body: await session.getJson<unknown>(path, `GET ${path.split('?')[0]}`) }
      } catch (error) {
        if (error instanceof GenesysApiError && error.failure.status !== undefined) return { status: error.failure.status, failure: error.failure }
        throw error
      }
    },
  }
}

/** "HTTP 404 not.found deployment not found" from a classified failure. */
export function describeError(result: GetResult | Failure): string {
  const failure = 'failure' in result ? result.failure : 'kind' in result ? result : undefined
  return [`HTTP ${result.status}`, failure?.code, failure?.message].filter(Boolean).join(' ')
}

/** The network error's code (ENOTFOUND, ECONNREFUSED…), or "timed out". */
export function networkReason(error: unknown): string {
  const failure = error instanceof GenesysApiError ? error.failure : undefined
  if (failure?.code === 'ETIMEDOUT') return 'timed out'
  return failure?.code ?? (error instanceof Error ? error.message : String(error))
}
