/**
 * A local stand-in for the Genesys Cloud Platform API subset this project uses: client-credentials
 * OAuth, the agentless send, and a user's queue memberships. It enforces the documented payload rules
 * (through `checkAgentlessRequest`, the same function the send side uses), the per-token rate limit,
 * permissions, and can inject faults deterministically. Facts: shared/reference/genesys-platform.md §1, §4, §5.
 *
 * Point the SDK at it with `setGateway({protocol: 'http', host: '127.0.0.1', port})`.
 */
import { seededRandom } from './random.ts'
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Channel } from '../lib/domain/model.ts'
import { checkAgentlessRequest, type PayloadProblem } from '../lib/domain/payload.ts'

export const AGENTLESS_PATH = '/api/v2/conversations/messages/agentless'
export const TOKEN_PATH = '/oauth/token'
const USER_QUEUES_PATH = /^\/api\/v2\/users\/([^/]+)\/queues$/

export const PERMISSION_SEND = 'conversation:message:create'
export const PERMISSION_QUEUES = 'routing:queue:view'

export interface SimulatorClient {
  readonly secret: string
  /** Default: conversation:message:create and routing:queue:view. */
  readonly permissions?: readonly string[]
}

export type FaultKind = 'http429' | 'http5xx' | 'timeout' | 'token401'

export interface SimulatorFaults {
  /** Probabilities in [0, 1] per API request; they share one draw, so their sum should stay ≤ 1. */
  readonly http429?: number
  readonly http5xx?: number
  readonly timeout?: number
  /** Applies to every API call (not the token endpoint): 401 as if the token had expired, and the token is revoked. */
  readonly token401?: number
  /** Seed of the PRNG: the same seed and the same request order give the same faults. Default 1. */
  readonly seed?: number
  /**
   * Forced outcomes for the next API requests, consumed in order before the probabilities apply
   * (`'none'` lets one request through). Handy for "fail once, then succeed" tests.
   */
  readonly sequence?: readonly (FaultKind | 'none')[]
  /** How long a `timeout` fault holds the request before answering 504. Make it longer than the client timeout. */
  readonly timeoutHoldMs?: number
}

export interface SimulatorOptions {
  /** clientId → client. Default: `local-client` / `local-secret` with both permissions. */
  readonly clients?: Readonly<Record<string, SimulatorClient>>
  /** `expires_in` of issued tokens. Default 86400 (Genesys' default token lifetime). */
  readonly tokenTtlSeconds?: number
  /** Requests per token per window. Default 300 (Genesys `client.credentials.token.rate.per.minute`). */
  readonly rateLimitPerMinute?: number
  /** Length of the fixed rate-limit window. Default 60000; tests scale it down. */
  readonly rateWindowMs?: number
  /**
   * What the rate limit counts: each token on its own (`token`, default: Genesys' per-token limit), or every
   * token of one OAuth client together (`client`: several workers that each log in share one budget).
   */
  readonly rateLimitScope?: 'token' | 'client'
  /** userId → ids of the queues the user is a member of. */
  readonly queueMemberships?: Readonly<Record<string, readonly string[]>>
  /** Known Messenger deployment ids (webmessaging fromAddress). When given, any other fromAddress is rejected. */
  readonly deployments?: readonly string[]
  /** Known fromAddress per other channel: integration ids (whatsapp, open) or provisioned numbers (sms). */
  readonly integrations?: Readonly<Partial<Record<Exclude<Channel, 'webmessaging'>, readonly string[]>>>
  readonly faults?: SimulatorFaults
  /** Clock for token expiry, rate windows and timestamps. Default Date.now. */
  readonly now?: () => number
  /** Port to listen on (127.0.0.1). Default 0: any free port. */
  readonly port?: number
  /** Read-only org data for `proactive check` (see SimulatorOrg). */
  readonly org?: SimulatorOrg
}

// --- begin: read-only org data for `proactive check` (issue 7, local/commands/check.ts) ---
export interface SimulatorEventBridgeIntegration {
  readonly id: string
  readonly name?: string
  /** Default true; false reports intendedState DISABLED. */
  readonly enabled?: boolean
  /** The integration's topic filter, served as `properties.eventFilter` of its current config. */
  readonly topics: readonly string[]
}

export interface SimulatorOrg {
  /** Messenger deployment id → status. Every id in `deployments` exists; default status `Active`. */
  readonly deploymentStatus?: Readonly<Record<string, string>>
  /** WhatsApp / Open integration id → status. Every id in `integrations.whatsapp/open` exists; default `Active`. */
  readonly integrationStatus?: Readonly<Record<string, string>>
  /** `amazon-eventbridge-source` integrations. Default: none. */
  readonly eventBridgeIntegrations?: readonly SimulatorEventBridgeIntegration[]
}
// --- end: read-only org data for `proactive check` ---

export interface RecordedRequest {
  readonly method: string
  /** Path without the query string. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** Parsed JSON body, the parsed form of a token request, or the raw text if it did not parse. */
  readonly body: unknown
  /** The OAuth client id of a token request (never the secret), or of the token used by an API call. */
  clientId?: string
  readonly receivedAt: number
  /** Set when the answer is sent; undefined while held (timeout fault) or if never answered. */
  status?: number
  /** The injected fault, if any. */
  fault?: FaultKind
}

export interface GenesysSimulator {
  readonly url: string
  readonly port: number
  /** Every request received, in order. The Authorization header is never recorded. */
  readonly requests: readonly RecordedRequest[]
  agentlessRequests(): RecordedRequest[]
  /** Forgets recorded requests and rate-limit counters, and restores the initial faults (reseeded). Issued tokens stay valid. */
  reset(): void
  /** Replaces the faults and reseeds the PRNG. */
  setFaults(faults: SimulatorFaults | undefined): void
  /** Revokes every issued token, as if all had expired: the next API call gets 401 credentials.expired. */
  expireTokens(): void
  close(): Promise<void>
}

interface RateCounter {
  windowStart: number
  count: number
}

interface IssuedToken extends RateCounter {
  readonly clientId: string
  expiresAt: number
}

interface ErrorDetail {
  readonly fieldName?: string
  readonly errorCode?: string
}

const DEFAULT_PERMISSIONS = [PERMISSION_SEND, PERMISSION_QUEUES]
const DEFAULT_CLIENTS: Record<string, SimulatorClient> = { 'local-client': { secret: 'local-secret' } }
const MAX_PAGE_SIZE = 500

function errorCodeOf(problem: PayloadProblem): string {
  if (problem.problem.startsWith('is required')) return 'required'
  if (/not allowed|not supported|is not a field/.test(problem.problem)) return 'not.allowed'
  return 'invalid.value'
}

export async function startGenesysSimulator(options: SimulatorOptions = {}): Promise<GenesysSimulator> {
  const now = options.now ?? Date.now
  const clients = options.clients ?? DEFAULT_CLIENTS
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 86_400
  const rateLimit = options.rateLimitPerMinute ?? 300
  const rateWindowMs = options.rateWindowMs ?? 60_000
  const memberships = options.queueMemberships ?? {}

  const requests: RecordedRequest[] = []
  const tokens = new Map<string, IssuedToken>()
  const clientCounters = new Map<string, RateCounter>()
  const held = new Set<NodeJS.Timeout>()
  let faults: SimulatorFaults = options.faults ?? {}
  let random = seededRandom(faults.seed ?? 1)
  let sequence = [...(faults.sequence ?? [])]

  function setFaults(next: SimulatorFaults | undefined): void {
    faults = next ?? {}
    random = seededRandom(faults.seed ?? 1)
    sequence = [...(faults.sequence ?? [])]
  }

  /** One draw per API request, so the outcome depends only on the seed and the request order. */
  function drawFault(): FaultKind | undefined {
    const forced = sequence.shift()
    if (forced !== undefined) return forced === 'none' ? undefined : forced
    const roll = random()
    let edge = 0
    for (const kind of ['token401', 'http429', 'http5xx', 'timeout'] as const) {
      edge += faults[kind] ?? 0
      if (roll < edge) return kind
    }
    return undefined
  }

  function send(res: ServerResponse, record: RecordedRequest, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return
    record.status = status
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  function errorBody(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    return { message, code, status, contextId: randomUUID(), details, errors: [] }
  }

  /** The counter a token's calls are counted on: its own, or its OAuth client's (rateLimitScope 'client'). */
  function counterOf(token: IssuedToken): RateCounter {
    if (options.rateLimitScope !== 'client') return token
    let counter = clientCounters.get(token.clientId)
    if (!counter) clientCounters.set(token.clientId, (counter = { windowStart: now(), count: 0 }))
    return counter
  }

  function rateHeaders(token: IssuedToken | undefined): Record<string, string> {
    const at = now()
    const counter = token && counterOf(token)
    const count = counter && at < counter.windowStart + rateWindowMs ? counter.count : 0
    const resetMs = counter ? Math.max(0, counter.windowStart + rateWindowMs - at) : rateWindowMs
    return {
      'ININ-Correlation-Id': randomUUID(),
      'inin-ratelimit-count': String(count),
      'inin-ratelimit-allowed': String(rateLimit),
      'inin-ratelimit-reset': String(Math.ceil(resetMs / 1000)),
    }
  }

  function retryAfterSeconds(token: IssuedToken): number {
    return Math.max(1, Math.ceil((counterOf(token).windowStart + rateWindowMs - now()) / 1000))
  }

  function handleToken(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, rawBody: string): void {
    const auth = req.headers.authorization ?? ''
    const match = /^Basic\s+(.+)$/i.exec(auth)
    const decoded = match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : ''
    const colon = decoded.indexOf(':')
    const clientId = colon >= 0 ? decoded.slice(0, colon) : ''
    const secret = colon >= 0 ? decoded.slice(colon + 1) : ''
    if (clientId) record.clientId = clientId
    const client = clients[clientId]
    if (!client || client.secret !== secret) {
      send(res, record, 401, { error: 'invalid_client', description: 'client id or secret is invalid' })
      return
    }
    const grantType = new URLSearchParams(rawBody).get('grant_type')
    if (grantType !== 'client_credentials') {
      send(res, record, 400, { error: 'unsupported_grant_type', description: `grant_type ${JSON.stringify(grantType)} is not supported; use client_credentials` })
      return
    }
    const accessToken = randomBytes(24).toString('base64url')
    tokens.set(accessToken, { clientId, expiresAt: now() + tokenTtlSeconds * 1000, windowStart: now(), count: 0 })
    send(res, record, 200, { access_token: accessToken, token_type: 'bearer', expires_in: tokenTtlSeconds })
  }

  /** Checks the bearer token, the fault draw and the rate limit; answers and returns undefined when the call must stop. */
  function authorizeApiCall(req: IncomingMessage, res: ServerResponse, record: RecordedRequest):
    | { token: IssuedToken; fault: FaultKind | undefined }
    | undefined {
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')
    const value = match?.[1]
    const token = value === undefined ? undefined : tokens.get(value)
    if (!token) {
      send(res, record, 401, errorBody(401, 'authentication.required', 'No authentication bearer token specified in authorization header.'), rateHeaders(undefined))
      return undefined
    }
    record.clientId = token.clientId
    if (now() >= token.expiresAt) {
      send(res, record, 401, errorBody(401, 'credentials.expired', 'The supplied credentials are expired and cannot be used.'), rateHeaders(undefined))
      return undefined
    }
    const fault = drawFault()
    if (fault === 'token401') {
      token.expiresAt = now()
      record.fault = fault
      send(res, record, 401, errorBody(401, 'credentials.expired', 'The supplied credentials are expired and cannot be used.'), rateHeaders(undefined))
      return undefined
    }
    const at = now()
    const counter = counterOf(token)
    if (at >= counter.windowStart + rateWindowMs) {
      counter.windowStart = at
      counter.count = 0
    }
    counter.count += 1
    if (counter.count > rateLimit) {
      const retryAfter = retryAfterSeconds(token)
      send(res, record, 429, errorBody(429, 'too.many.requests.retry.after', `Rate limit exceeded the maximum. Retry the request in [${retryAfter}] seconds`), {
        ...rateHeaders(token),
        'Retry-After': String(retryAfter),
      })
      return undefined
    }
    return { token, fault }
  }

  function hasPermission(token: IssuedToken, permission: string): boolean {
    return (clients[token.clientId]?.permissions ?? DEFAULT_PERMISSIONS).includes(permission)
  }

  function missingPermission(res: ServerResponse, record: RecordedRequest, token: IssuedToken, permission: string): void {
    send(res, record, 403, errorBody(403, 'missing.permissions', `Unable to perform the requested action. You are missing the following permission(s): [${permission}]`), rateHeaders(token))
  }

  function knownFromAddresses(channel: unknown): readonly string[] | undefined {
    if (channel === 'webmessaging') return options.deployments
    if (channel === 'sms' || channel === 'whatsapp' || channel === 'open') return options.integrations?.[channel]
    return undefined
  }

  function handleAgentless(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, body: unknown, parsed: boolean): void {
    const authorized = authorizeApiCall(req, res, record)
    if (!authorized) return
    const { token, fault } = authorized
    if (!hasPermission(token, PERMISSION_SEND)) return missingPermission(res, record, token, PERMISSION_SEND)
    if (fault) {
      record.fault = fault
      if (fault === 'http429') {
        const retryAfter = retryAfterSeconds(token)
        return send(res, record, 429, errorBody(429, 'too.many.requests.retry.after', `Rate limit exceeded the maximum. Retry the request in [${retryAfter}] seconds`), {
          ...rateHeaders(token),
          'Retry-After': String(retryAfter),
        })
      }
      if (fault === 'http5xx') {
        return send(res, record, 503, errorBody(503, 'service.unavailable', 'Service is currently unavailable.'), rateHeaders(token))
      }
      const timer = setTimeout(() => {
        held.delete(timer)
        send(res, record, 504, errorBody(504, 'request.timeout', 'The request timed out.'), rateHeaders(token))
      }, faults.timeoutHoldMs ?? 30_000)
      held.add(timer)
      // The client gave up (its timeout): nothing left to answer.
      res.on('close', () => {
        clearTimeout(timer)
        held.delete(timer)
      })
      return
    }
    const problems: PayloadProblem[] = parsed ? checkAgentlessRequest(body) : [{ field: '(body)', problem: 'is not valid JSON' }]
    const request = (parsed && typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
    if (problems.length === 0) {
      const known = knownFromAddresses(request.toAddressMessengerType)
      if (known && !known.includes(String(request.fromAddress))) {
        problems.push({ field: 'fromAddress', problem: `is not a known ${request.toAddressMessengerType === 'webmessaging' ? 'Messenger deployment' : 'integration or number'} of this org` })
      }
    }
    if (problems.length > 0) {
      const message = problems.map((p) => `${p.field} ${p.problem}`).join('; ')
      const details = problems.map((p) => ({ fieldName: p.field, errorCode: errorCodeOf(p) }))
      return send(res, record, 400, errorBody(400, 'bad.request', message, details), rateHeaders(token))
    }
    const timestamp = new Date(now()).toISOString()
    const messengerType = String(request.toAddressMessengerType)
    send(
      res,
      record,
      200,
      {
        id: randomUUID(),
        conversationId: randomUUID(),
        fromAddress: request.fromAddress,
        ...(request.toAddress !== undefined ? { toAddress: request.toAddress } : {}),
        messengerType,
        timestamp,
        message: {
          id: randomUUID(),
          status: 'queued',
          direction: 'outbound',
          messengerType,
          timestamp,
          normalizedMessage: { text: typeof request.textBody === 'string' ? request.textBody : '' },
        },
      },
      rateHeaders(token),
    )
  }

  function handleUserQueues(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, userId: string): void {
    const authorized = authorizeApiCall(req, res, record)
    if (!authorized) return
    const { token } = authorized
    if (!hasPermission(token, PERMISSION_QUEUES)) return missingPermission(res, record, token, PERMISSION_QUEUES)
    const pageSize = record.query.pageSize === undefined ? 25 : Number(record.query.pageSize)
    const pageNumber = record.query.pageNumber === undefined ? 1 : Number(record.query.pageNumber)
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      return send(res, record, 400, errorBody(400, 'bad.request', `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`, [{ fieldName: 'pageSize', errorCode: 'invalid.value' }]), rateHeaders(token))
    }
    if (!Number.isInteger(pageNumber) || pageNumber < 1) {
      return send(res, record, 400, errorBody(400, 'bad.request', 'pageNumber must be an integer of at least 1', [{ fieldName: 'pageNumber', errorCode: 'invalid.value' }]), rateHeaders(token))
    }
    const queueIds = memberships[userId] ?? []
    const start = (pageNumber - 1) * pageSize
    const total = queueIds.length
    const pageCount = Math.ceil(total / pageSize)
    const base = `/api/v2/users/${encodeURIComponent(userId)}/queues?pageSize=${pageSize}`
    send(
      res,
      record,
      200,
      {
        entities: queueIds.slice(start, start + pageSize).map((id) => ({ id, name: `Queue ${id}`, joined: true })),
        pageSize,
        pageNumber,
        total,
        pageCount,
        selfUri: `${base}&pageNumber=${pageNumber}`,
        firstUri: `${base}&pageNumber=1`,
        ...(pageNumber < pageCount ? { nextUri: `${base}&pageNumber=${pageNumber + 1}` } : {}),
        ...(pageCount > 0 ? { lastUri: `${base}&pageNumber=${pageCount}` } : {}),
      },
      rateHeaders(token),
    )
  }

  // --- begin: read-only org routes for `proactive check` (issue 7, local/commands/check.ts) ---
  // Real Platform API paths (purecloud-platform-client-v2 262). They share the token check and rate-limit
  // counting of every API call; a fault drawn for them is not applied. The OAuth client's role is derived from
  // its `permissions`: role id `role-<clientId>`.
  const SIM_ORG = { id: '00000000-0000-4000-8000-00000000a000', name: 'Genesys simulator' }
  const EVENTBRIDGE_TYPE = 'amazon-eventbridge-source'
  const ROLE_PATH = /^\/api\/v2\/authorization\/roles\/([^/]+)$/
  const DEPLOYMENT_PATH = /^\/api\/v2\/webdeployments\/deployments\/([^/]+)$/
  const MESSAGING_INTEGRATION_PATH = /^\/api\/v2\/conversations\/messaging\/integrations\/(whatsapp|open)\/([^/]+)$/
  const INTEGRATION_CONFIG_PATH = /^\/api\/v2\/integrations\/([^/]+)\/config\/current$/
  const roleIdOf = (clientId: string): string => `role-${clientId}`

  function listing(entities: unknown[]) {
    return { entities, pageSize: Math.max(25, entities.length), pageNumber: 1, total: entities.length, pageCount: entities.length > 0 ? 1 : 0 }
  }

  /** Answers a read-only `proactive check` route and returns true, or returns false when the path is not one. */
  function handleCheckRead(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): boolean {
    const path = record.path
    const role = ROLE_PATH.exec(path)
    const deployment = DEPLOYMENT_PATH.exec(path)
    const messaging = MESSAGING_INTEGRATION_PATH.exec(path)
    const config = INTEGRATION_CONFIG_PATH.exec(path)
    const isList = path === '/api/v2/tokens/me' || path === '/api/v2/routing/sms/phonenumbers' || path === '/api/v2/integrations'
    if (!isList && !role && !deployment && !messaging && !config) return false
    const authorized = authorizeApiCall(req, res, record)
    if (!authorized) return true
    const { token } = authorized
    const ok = (body: unknown): true => {
      send(res, record, 200, body, rateHeaders(token))
      return true
    }
    const notFound = (what: string): true => {
      send(res, record, 404, errorBody(404, 'not.found', `${what} not found`), rateHeaders(token))
      return true
    }
    const org = options.org ?? {}
    if (path === '/api/v2/tokens/me') {
      return ok({
        organization: SIM_ORG,
        homeOrganization: SIM_ORG,
        authorizedScope: [],
        OAuthClient: { id: token.clientId, name: token.clientId, authorizedGrantType: 'CLIENT-CREDENTIALS', roleDivisions: [{ roleId: roleIdOf(token.clientId), divisionId: 'home' }], organization: SIM_ORG },
      })
    }
    if (role) {
      const roleId = decodeURIComponent(role[1] ?? '')
      const clientId = Object.keys(clients).find((id) => roleIdOf(id) === roleId)
      if (clientId === undefined) return notFound(`role ${roleId}`)
      const permissions = clients[clientId]?.permissions ?? DEFAULT_PERMISSIONS
      const permissionPolicies = permissions.map((permission) => {
        const [domain, entityName, action] = permission.split(':')
        return { domain, entityName, actionSet: [action] }
      })
      return ok({ id: roleId, name: `${clientId} role`, permissions, permissionPolicies })
    }
    if (deployment) {
      const id = decodeURIComponent(deployment[1] ?? '')
      if (!(options.deployments ?? []).includes(id)) return notFound(`deployment ${id}`)
      return ok({ id, name: `Deployment ${id}`, status: org.deploymentStatus?.[id] ?? 'Active', configuration: { id: randomUUID() } })
    }
    if (messaging) {
      const kind = messaging[1] as 'whatsapp' | 'open'
      const id = decodeURIComponent(messaging[2] ?? '')
      if (!(options.integrations?.[kind] ?? []).includes(id)) return notFound(`${kind} integration ${id}`)
      return ok({ id, name: `${kind} ${id}`, status: org.integrationStatus?.[id] ?? 'Active', version: 1 })
    }
    if (path === '/api/v2/routing/sms/phonenumbers') {
      const wanted = (record.query.phoneNumber ?? '').replace(/\D/g, '')
      const numbers = (options.integrations?.sms ?? []).filter((number) => number.replace(/\D/g, '').includes(wanted))
      return ok(listing(numbers.map((number) => ({ id: number.replace(/\D/g, ''), name: number, phoneNumber: number, phoneNumberType: 'local', phoneNumberStatus: 'active', version: 1 }))))
    }
    const bridges = org.eventBridgeIntegrations ?? []
    if (path === '/api/v2/integrations') {
      const type = record.query.integrationType
      const entities = type !== undefined && type !== EVENTBRIDGE_TYPE ? [] : bridges.map((bridge) => ({
        id: bridge.id,
        name: bridge.name ?? `EventBridge ${bridge.id}`,
        integrationType: { id: EVENTBRIDGE_TYPE },
        intendedState: bridge.enabled === false ? 'DISABLED' : 'ENABLED',
        reportedState: { code: bridge.enabled === false ? 'DISABLED' : 'ACTIVE' },
      }))
      return ok(listing(entities))
    }
    const id = decodeURIComponent(config?.[1] ?? '')
    const bridge = bridges.find((candidate) => candidate.id === id)
    if (!bridge) return notFound(`integration ${id}`)
    return ok({
      id,
      name: bridge.name ?? `EventBridge ${id}`,
      version: 1,
      properties: { eventSourceSuffix: 'simulator', awsAccountId: '000000000000', awsAccountRegion: 'us-east-1', eventFilter: bridge.topics },
      advanced: {},
      notes: '',
      credentials: {},
    })
  }
  // --- end: read-only org routes for `proactive check` ---

  function parseBody(raw: string, contentType: string | undefined, path: string): { body: unknown; parsed: boolean } {
    if (raw === '') return { body: undefined, parsed: false }
    if (path === TOKEN_PATH || contentType?.includes('application/x-www-form-urlencoded')) {
      return { body: Object.fromEntries(new URLSearchParams(raw)), parsed: true }
    }
    try {
      return { body: JSON.parse(raw) as unknown, parsed: true }
    } catch {
      return { body: raw, parsed: false }
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://simulator.invalid')
      const rawBody = Buffer.concat(chunks).toString('utf8')
      const { body, parsed } = parseBody(rawBody, req.headers['content-type'], url.pathname)
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
        receivedAt: now(),
      }
      requests.push(record)
      const method = req.method ?? 'GET'
      const queues = USER_QUEUES_PATH.exec(url.pathname)
      if (method === 'POST' && url.pathname === TOKEN_PATH) return handleToken(req, res, record, rawBody)
      if (method === 'POST' && url.pathname === AGENTLESS_PATH) return handleAgentless(req, res, record, body, parsed)
      if (method === 'GET' && queues) return handleUserQueues(req, res, record, decodeURIComponent(queues[1] ?? ''))
      if (method === 'GET' && handleCheckRead(req, res, record)) return // read-only routes for `proactive check` (issue 7)
      send(res, record, 404, errorBody(404, 'not.found', `${method} ${url.pathname} is not served by the Genesys simulator`), rateHeaders(undefined))
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    agentlessRequests: () => requests.filter((r) => r.method === 'POST' && r.path === AGENTLESS_PATH),
    reset() {
      requests.length = 0
      for (const token of tokens.values()) {
        token.windowStart = now()
        token.count = 0
      }
      clientCounters.clear()
      setFaults(options.faults)
    },
    setFaults,
    expireTokens() {
      for (const token of tokens.values()) token.expiresAt = now()
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of held) clearTimeout(timer)
        held.clear()
        server.close((error) => (error ? reject(error) : resolve()))
        // Keep-alive sockets of SDK clients and held (timeout-fault) requests would keep close() waiting.
        server.closeAllConnections()
      }),
  }
}
