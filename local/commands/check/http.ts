/**
 * The HTTP of `proactive check`, in one place: where the login and API hosts are, the token grant and the GETs.
 * Plain `fetch` on purpose: a diagnostic tool should show raw statuses. It makes one POST (the token grant) and
 * otherwise only GETs; it never calls the agentless endpoint.
 */
import { regionHost } from '#lib/adapters/genesys-regions.ts'
import { isObject } from '../explain/json.ts'

export interface Endpoints {
  readonly login: string
  readonly api: string
  /** For messages: the host a person would recognise. */
  readonly loginHost: string
}

/** `mypurecloud.ie`, `https://api.mypurecloud.ie`, `eu_west_1` → the login and API base URLs. */
export async function resolveEndpoints(env: Record<string, string | undefined>): Promise<Endpoints | { error: string }> {
  const gateway = env.GENESYS_GATEWAY_URL?.trim()
  if (gateway) {
    let url: URL
    try {
      url = new URL(gateway)
    } catch {
      return { error: `GENESYS_GATEWAY_URL ${JSON.stringify(gateway)} is not a URL` }
    }
    const base = url.toString().replace(/\/$/, '')
    return { login: base, api: base, loginHost: url.host }
  }
  // The same parser as the functions' adapters, so check and the deployed code agree on what a region means.
  let host: string
  try {
    host = regionHost(env.GENESYS_REGION ?? 'mypurecloud.com')
  } catch (error) {
    return { error: `GENESYS_REGION: ${(error as Error).message}` }
  }
  return { login: `https://login.${host}`, api: `https://api.${host}`, loginHost: `login.${host}` }
}

export interface HttpResult {
  readonly status: number
  readonly body: unknown
  readonly headers: Headers
}

/** The network error's code (ENOTFOUND, ECONNREFUSED…), from undici's `cause`. */
export function networkReason(error: unknown): string {
  const cause = error instanceof Error && isObject(error.cause) ? error.cause : undefined
  const code = cause && typeof cause.code === 'string' ? cause.code : undefined
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out'
  return code ?? (error instanceof Error ? error.message : String(error))
}

export class Http {
  rateLimitAllowed: number | undefined
  constructor(
    private readonly fetchImpl: typeof fetch,
    private readonly endpoints: Endpoints,
    private readonly timeoutMs: number,
    private token = '',
  ) {}

  setToken(token: string): void {
    this.token = token
  }

  async grantToken(clientId: string, clientSecret: string): Promise<HttpResult> {
    const response = await this.fetchImpl(`${this.endpoints.login}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(this.timeoutMs),
    })
    return { status: response.status, body: await readBody(response), headers: response.headers }
  }

  async get(path: string): Promise<HttpResult> {
    const response = await this.fetchImpl(`${this.endpoints.api}${path}`, {
      method: 'GET',
      headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
    })
    const allowed = Number(response.headers.get('inin-ratelimit-allowed'))
    if (response.headers.has('inin-ratelimit-allowed') && Number.isFinite(allowed)) this.rateLimitAllowed = allowed
    return { status: response.status, body: await readBody(response), headers: response.headers }
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text()
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** "404 not.found: deployment not found" from a Genesys error body. */
export function describeError(result: HttpResult): string {
  const body = isObject(result.body) ? result.body : {}
  const code = typeof body.code === 'string' ? body.code : typeof body.error === 'string' ? body.error : undefined
  const message = typeof body.message === 'string' ? body.message : typeof body.description === 'string' ? body.description : undefined
  return [`HTTP ${result.status}`, code, message].filter(Boolean).join(' ')
}
