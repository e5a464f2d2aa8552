/**
 * A throwaway stand-in for lib/adapters/genesys-sdk.ts on plain `fetch`, used only to measure what the send and
 * presence bundles would weigh and cost to import without the Genesys SDK (bench/scenarios/coldstart.ts swaps
 * it in at bundle time). Same surface (createGenesysClient → sendAgentless, close) and the same
 * classification of failures in outline; not wired into any function and not a replacement as it stands.
 */
import type { AgentlessSendResult } from '#lib/domain/ports.ts'
import type { AgentlessRequest } from '#lib/domain/payload.ts'
import type { GenesysClient, GenesysClientOptions } from '#lib/adapters/genesys-sdk.ts'

const PERMANENT = new Set([400, 403, 404, 409, 413])
const REGIONS: Readonly<Record<string, string>> = {
  us_east_1: 'mypurecloud.com',
  us_east_2: 'use2.us-gov-pure.cloud',
  us_west_2: 'usw2.pure.cloud',
  ca_central_1: 'cac1.pure.cloud',
  sa_east_1: 'sae1.pure.cloud',
  eu_west_1: 'mypurecloud.ie',
  eu_west_2: 'euw2.pure.cloud',
  eu_central_1: 'mypurecloud.de',
  eu_central_2: 'euc2.pure.cloud',
  ap_south_1: 'aps1.pure.cloud',
  ap_northeast_1: 'mypurecloud.jp',
  ap_northeast_2: 'apne2.pure.cloud',
  ap_northeast_3: 'apne3.pure.cloud',
  ap_southeast_2: 'mypurecloud.com.au',
  me_central_1: 'mec1.pure.cloud',
}

function hostsOf(options: GenesysClientOptions): { login: string; api: string } {
  if (options.gatewayUrl) {
    const base = options.gatewayUrl.replace(/\/+$/, '')
    return { login: base, api: base }
  }
  const region = (options.region ?? 'mypurecloud.com')
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^(api|login)\./, '')
  const host = REGIONS[region.replace(/-/g, '_')] ?? region
  return { login: `https://login.${host}`, api: `https://api.${host}` }
}

function failureOf(status: number, headers: Headers, body: Record<string, unknown>, now: number): Extract<AgentlessSendResult, { ok: false }> {
  const common = {
    status,
    code: typeof body.code === 'string' ? body.code : undefined,
    message: typeof body.message === 'string' ? body.message : undefined,
    contextId: typeof body.contextId === 'string' ? body.contextId : undefined,
  }
  if (status === 429) {
    const header = headers.get('retry-after')
    const seconds = header === null ? 60 : Number.isFinite(Number(header)) ? Number(header) : Math.max(1, Math.ceil((Date.parse(header) - now) / 1000))
    return { ok: false, kind: 'rate-limited', ...common, retryAfterSeconds: Math.max(1, seconds || 60) }
  }
  return { ok: false, kind: PERMANENT.has(status) ? 'permanent' : status === 504 ? 'unknown' : 'transient', ...common }
}

export function createGenesysClient(options: GenesysClientOptions): GenesysClient {
  const clock = options.clock ?? { now: () => Date.now() }
  const timeoutMs = options.timeoutMs ?? 10_000
  const hosts = hostsOf(options)
  let token: { value: string; refreshAt: number } | undefined

  async function logIn(): Promise<string> {
    if (token && clock.now() < token.refreshAt) return token.value
    const { clientId, clientSecret } = await options.credentials.get()
    const response = await fetch(`${hosts.login}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!response.ok) throw new Error(`Genesys login failed: ${response.status}`)
    const body = (await response.json()) as { access_token: string; expires_in: number }
    const lifetimeMs = body.expires_in * 1000
    token = { value: body.access_token, refreshAt: clock.now() + lifetimeMs - Math.min(60_000, lifetimeMs / 10) }
    return token.value
  }

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${hosts.api}${path}`, {
        method,
        headers: { authorization: `Bearer ${await logIn()}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      })
      if (response.status !== 401 || attempt > 0) return response
      token = undefined
      options.credentials.invalidate()
    }
  }

  return {
    async sendAgentless(request: AgentlessRequest): Promise<AgentlessSendResult> {
      let response: Response
      try {
        response = await call('POST', '/api/v2/conversations/messages/agentless', request)
      } catch (error) {
        const name = (error as Error).name
        return { ok: false, kind: name === 'TimeoutError' ? 'unknown' : 'transient', code: name, message: (error as Error).message }
      }
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
      if (!response.ok) return failureOf(response.status, response.headers, body, clock.now())
      const message = body.message as { id?: string } | undefined
      const messageId = message?.id ?? (body.id as string | undefined)
      return { ok: true, status: response.status, ...(messageId ? { messageId } : {}), ...(typeof body.conversationId === 'string' ? { conversationId: body.conversationId } : {}) }
    },

    // The look-up weighs what its query builder does; the variant measures bundles, so it only answers "failed".
    async findAgentlessMessage() {
      return { kind: 'failed' as const, reason: 'not implemented in the fetch variant' }
    },

    close() {
      token = undefined
    },
  }
}
