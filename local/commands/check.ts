/**
 * `proactive check` — verifies, read-only, that a Genesys org (or the simulator) is set up so that sends can
 * work: token grant, the send permission, the configured sender ids, the EventBridge topics and the budget.
 * Plain `fetch` on purpose: a diagnostic tool should show raw statuses. It makes one POST (the token grant)
 * and otherwise only GETs; it never calls the agentless endpoint.
 *
 * Endpoints (all in purecloud-platform-client-v2 262 index.d.ts / src):
 *   POST /oauth/token                                           (login host)
 *   GET  /api/v2/tokens/me                                      TokenInfo { OAuthClient: { roleDivisions } }
 *   GET  /api/v2/authorization/roles/{roleId}                   DomainOrganizationRole { permissions, permissionPolicies }
 *   GET  /api/v2/webdeployments/deployments/{deploymentId}      WebDeployment { status }
 *   GET  /api/v2/routing/sms/phonenumbers?phoneNumber=          SmsPhoneNumberEntityListing
 *   GET  /api/v2/conversations/messaging/integrations/whatsapp/{integrationId}   WhatsAppIntegration { status }
 *   GET  /api/v2/conversations/messaging/integrations/open/{integrationId}       OpenIntegration { status }
 *   GET  /api/v2/integrations?integrationType=amazon-eventbridge-source          IntegrationEntityListing
 *   GET  /api/v2/integrations/{integrationId}/config/current    IntegrationConfiguration { properties }
 * UNVERIFIED (needs a real org): that /tokens/me lists roleDivisions for a client-credentials token; the exact
 * status strings ("Active"); that the EventBridge integration exposes its topics as properties.eventFilter.
 */
import { DEFAULTS } from '../../lib/config.ts'
import { DETAIL_TYPES, GENESYS_TOPICS } from '../../lib/topology.ts'
import type { CommandIo } from '../cli.ts'

export type StepStatus = 'PASS' | 'FAIL' | 'SKIP'

export interface CheckStep {
  readonly step: string
  readonly status: StepStatus
  readonly detail: string
  readonly fix?: string
}

export interface CheckDeps {
  /** Injected in tests to map real region hosts onto simulators. Default: global fetch. */
  readonly fetch?: typeof fetch
  /** Reads `{"clientId","clientSecret"}` from Secrets Manager. Default: @aws-sdk/client-secrets-manager. */
  readonly readSecret?: (secretId: string) => Promise<string>
}

const HELP = `usage: proactive check [--json]

Verifies, read-only, that a Genesys Cloud org (or the local simulator) is set up so that proactive
sends can work. Each step prints PASS, FAIL or SKIP, and the fix under a FAIL:

  credentials           GENESYS_CLIENT_ID + GENESYS_CLIENT_SECRET, or GENESYS_SECRET_ARN
  token                 the client-credentials grant at login.<region host>
  permission            a role of the OAuth client grants conversation:message:create
  webmessaging sender   WEBMESSAGING_DEPLOYMENT_ID is an active Messenger deployment
  sms sender            SMS_FROM_NUMBER is a provisioned SMS number of the org
  whatsapp sender       WHATSAPP_INTEGRATION_ID is an active WhatsApp integration
  open sender           OPEN_INTEGRATION_ID is an active Open Messaging integration
  eventbridge topics    an amazon-eventbridge-source integration forwards the topics the rules expect
  rate-limit budget     GENESYS_BUDGET_PER_MINUTE is within the org's inin-ratelimit-allowed

It makes one POST (the token grant) and otherwise only GET requests. It never sends a message.

Environment:
  GENESYS_REGION         region host (mypurecloud.ie) or key (eu_west_1); default mypurecloud.com
  GENESYS_GATEWAY_URL    base URL of a gateway or the simulator; overrides the region hosts
  GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET   or GENESYS_SECRET_ARN (JSON {"clientId","clientSecret"})
  WEBMESSAGING_DEPLOYMENT_ID, SMS_FROM_NUMBER, WHATSAPP_INTEGRATION_ID, OPEN_INTEGRATION_ID
                         the senders to check; an unset one is skipped
  GENESYS_BUDGET_PER_MINUTE   default ${DEFAULTS.budgetPerMinute}
  GENESYS_TIMEOUT_MS     per request, default 10000

Options:
  --json      print {ok, steps: [{step, status, detail, fix}]}
  -h, --help  show this help

Exit status: 0 when no step failed, 1 when one did, 2 on a usage error.`

const PERMISSION = 'conversation:message:create'
const EVENTBRIDGE_TYPE = 'amazon-eventbridge-source'
/** Forwarding routingStatus is optional: its EventBridge availability is UNVERIFIED (reference §7.1). */
const OPTIONAL_TOPICS: readonly string[] = [DETAIL_TYPES.routingStatus]

interface Endpoints {
  readonly login: string
  readonly api: string
  /** For messages: the host a person would recognise. */
  readonly loginHost: string
}

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

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
  let region = (env.GENESYS_REGION ?? 'mypurecloud.com').trim().replace(/^https?:\/\//, '').replace(/^(api|login)\./, '').replace(/\/.*$/, '')
  if (/^[a-z]+(_[a-z]+)+_\d+$/.test(region)) {
    const sdk = (await import('purecloud-platform-client-v2')).default as unknown as { PureCloudRegionHosts: Record<string, string> }
    const host = sdk.PureCloudRegionHosts[region]
    if (!host) return { error: `GENESYS_REGION ${region} is not a Genesys region key (e.g. us_east_1, eu_west_1, ap_southeast_2)` }
    region = host
  }
  return { login: `https://login.${region}`, api: `https://api.${region}`, loginHost: `login.${region}` }
}

interface HttpResult {
  readonly status: number
  readonly body: unknown
  readonly headers: Headers
}

/** The network error's code (ENOTFOUND, ECONNREFUSED…), from undici's `cause`. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error && isObject(error.cause) ? error.cause : undefined
  const code = cause && typeof cause.code === 'string' ? cause.code : undefined
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out'
  return code ?? (error instanceof Error ? error.message : String(error))
}

class Http {
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
function describeError(result: HttpResult): string {
  const body = isObject(result.body) ? result.body : {}
  const code = typeof body.code === 'string' ? body.code : typeof body.error === 'string' ? body.error : undefined
  const message = typeof body.message === 'string' ? body.message : typeof body.description === 'string' ? body.description : undefined
  return [`HTTP ${result.status}`, code, message].filter(Boolean).join(' ')
}

const viewPermissionSkip = (step: string, result: HttpResult, permission: string, manual: string): CheckStep => ({
  step,
  status: 'SKIP',
  detail: `cannot verify: ${describeError(result)}`,
  fix: `give the OAuth client ${permission} to let check verify this, or check by hand: ${manual}`,
})

interface Credentials {
  readonly clientId: string
  readonly clientSecret: string
  readonly source: string
}

async function defaultReadSecret(secretId: string): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager')
  const client = new SecretsManagerClient({})
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }))
    return output.SecretString ?? ''
  } finally {
    client.destroy()
  }
}

async function findCredentials(env: Record<string, string | undefined>, readSecret: (id: string) => Promise<string>): Promise<Credentials | CheckStep> {
  const step = 'credentials'
  if (env.GENESYS_CLIENT_ID && env.GENESYS_CLIENT_SECRET) {
    return { clientId: env.GENESYS_CLIENT_ID, clientSecret: env.GENESYS_CLIENT_SECRET, source: 'GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET' }
  }
  const arn = env.GENESYS_SECRET_ARN
  if (!arn) {
    return {
      step,
      status: 'FAIL',
      detail: 'no credentials: neither GENESYS_CLIENT_ID + GENESYS_CLIENT_SECRET nor GENESYS_SECRET_ARN is set',
      fix: 'set GENESYS_SECRET_ARN to the Secrets Manager secret holding {"clientId","clientSecret"} of a client-credentials OAuth client, or set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET',
    }
  }
  let text: string
  try {
    text = await readSecret(arn)
  } catch (error) {
    return {
      step,
      status: 'FAIL',
      detail: `cannot read secret ${arn}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      fix: 'check the ARN, the AWS credentials and region of this shell, and secretsmanager:GetSecretValue on the secret',
    }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (!isObject(parsed) || typeof parsed.clientId !== 'string' || typeof parsed.clientSecret !== 'string') {
    return { step, status: 'FAIL', detail: `secret ${arn} is not JSON with string clientId and clientSecret`, fix: 'store {"clientId":"…","clientSecret":"…"} in the secret' }
  }
  return { clientId: parsed.clientId, clientSecret: parsed.clientSecret, source: `secret ${arn}` }
}

async function checkToken(http: Http, credentials: Credentials, endpoints: Endpoints, env: Record<string, string | undefined>): Promise<CheckStep> {
  const step = 'token'
  const where = env.GENESYS_GATEWAY_URL ? `the gateway ${endpoints.loginHost}` : endpoints.loginHost
  let result: HttpResult
  try {
    result = await http.grantToken(credentials.clientId, credentials.clientSecret)
  } catch (error) {
    const reason = networkReason(error)
    return {
      step,
      status: 'FAIL',
      detail: `cannot reach ${where} (${reason})`,
      fix: env.GENESYS_GATEWAY_URL
        ? 'is the gateway (simulator) running at GENESYS_GATEWAY_URL?'
        : `GENESYS_REGION=${env.GENESYS_REGION ?? '(unset: mypurecloud.com)'} gives ${endpoints.loginHost}; use your org's region host (e.g. mypurecloud.ie) or key (e.g. eu_west_1), and check this machine can reach it`,
    }
  }
  if (result.status === 200 && isObject(result.body) && typeof result.body.access_token === 'string') {
    http.setToken(result.body.access_token)
    const expiresIn = typeof result.body.expires_in === 'number' ? `, expires in ${result.body.expires_in} s` : ''
    return { step, status: 'PASS', detail: `granted by ${where} for the client from ${credentials.source}${expiresIn}` }
  }
  const error = isObject(result.body) && typeof result.body.error === 'string' ? result.body.error : undefined
  if (error === 'invalid_client' || result.status === 401) {
    return {
      step,
      status: 'FAIL',
      detail: `${where} refused the client: ${describeError(result)}`,
      fix: env.GENESYS_GATEWAY_URL
        ? `the client id or secret (from ${credentials.source}) is not one the gateway knows`
        : `the client id or secret (from ${credentials.source}) is wrong, or the OAuth client belongs to an org in another region than ${endpoints.loginHost}: check GENESYS_REGION and Admin > Integrations > OAuth`,
    }
  }
  if (error === 'unauthorized_client') {
    return { step, status: 'FAIL', detail: `${where}: ${describeError(result)}`, fix: 'the OAuth client must use the Client Credentials grant type' }
  }
  return { step, status: 'FAIL', detail: `${where}: ${describeError(result)}`, fix: 'run `proactive explain-error` on the response body for what it means' }
}

/** True when a role's permission list or policies grant conversation:message:create (wildcards included). */
export function roleGrants(role: unknown, permission: string = PERMISSION): boolean {
  if (!isObject(role)) return false
  const [domain, entity, action] = permission.split(':')
  if (Array.isArray(role.permissions) && role.permissions.some((p) => p === permission || p === `${domain}:${entity}:*` || p === `${domain}:*:*` || p === '*')) {
    return true
  }
  if (!Array.isArray(role.permissionPolicies)) return false
  return role.permissionPolicies.some(
    (policy) =>
      isObject(policy) &&
      (policy.domain === domain || policy.domain === '*') &&
      (policy.entityName === entity || policy.entityName === '*') &&
      Array.isArray(policy.actionSet) &&
      policy.actionSet.some((a) => a === action || a === '*'),
  )
}

async function checkPermission(http: Http): Promise<CheckStep> {
  const step = 'permission'
  const fix = `Admin > Integrations > OAuth > the client > Roles: assign a role with Conversation > Message > Create (${PERMISSION}); then get a new token`
  const me = await http.get('/api/v2/tokens/me')
  if (me.status !== 200 || !isObject(me.body)) {
    return { step, status: 'FAIL', detail: `GET /api/v2/tokens/me: ${describeError(me)}`, fix: 'the API host refused the new token: check that GENESYS_REGION points login and API at the same region' }
  }
  const client = isObject(me.body.OAuthClient) ? me.body.OAuthClient : undefined
  const roleDivisions = client && Array.isArray(client.roleDivisions) ? client.roleDivisions : undefined
  if (roleDivisions === undefined) {
    return { step, status: 'SKIP', detail: 'GET /api/v2/tokens/me does not list the client\'s roles', fix: `check by hand that a role of the OAuth client has ${PERMISSION}` }
  }
  const roleIds = [...new Set(roleDivisions.flatMap((rd) => (isObject(rd) && typeof rd.roleId === 'string' ? [rd.roleId] : [])))]
  if (roleIds.length === 0) return { step, status: 'FAIL', detail: 'the OAuth client has no roles', fix }
  const unreadable: string[] = []
  const names: string[] = []
  for (const roleId of roleIds) {
    const role = await http.get(`/api/v2/authorization/roles/${encodeURIComponent(roleId)}`)
    if (role.status !== 200) {
      unreadable.push(`${roleId} (${describeError(role)})`)
      continue
    }
    const name = isObject(role.body) && typeof role.body.name === 'string' ? role.body.name : roleId
    if (roleGrants(role.body)) return { step, status: 'PASS', detail: `role "${name}" grants ${PERMISSION}` }
    names.push(name)
  }
  if (unreadable.length > 0) {
    return {
      step,
      status: 'SKIP',
      detail: `no readable role grants ${PERMISSION}; could not read ${unreadable.join(', ')}`,
      fix: `give the client authorization:role:view to let check read its roles, or check by hand that one of them has ${PERMISSION}`,
    }
  }
  return { step, status: 'FAIL', detail: `none of the client's roles (${names.join(', ')}) grants ${PERMISSION}`, fix }
}

const isActive = (status: unknown): boolean => typeof status === 'string' && status.toLowerCase() === 'active'

async function checkDeployment(http: Http, deploymentId: string | undefined): Promise<CheckStep> {
  const step = 'webmessaging sender'
  if (!deploymentId) return { step, status: 'SKIP', detail: 'WEBMESSAGING_DEPLOYMENT_ID is not set (set it if you send on webmessaging)' }
  const result = await http.get(`/api/v2/webdeployments/deployments/${encodeURIComponent(deploymentId)}`)
  if (result.status === 404 || result.status === 400) {
    return {
      step,
      status: 'FAIL',
      detail: `Messenger deployment ${deploymentId} does not exist in this org (${describeError(result)})`,
      fix: 'set WEBMESSAGING_DEPLOYMENT_ID to the id in Admin > Message > Messenger Deployments (the deployment id, not the configuration id), in this region',
    }
  }
  if (result.status === 403) return viewPermissionSkip(step, result, 'webDeployments:deployment:view', 'Admin > Message > Messenger Deployments')
  if (result.status !== 200 || !isObject(result.body)) return { step, status: 'FAIL', detail: `GET deployment: ${describeError(result)}` }
  const status = result.body.status
  if (status !== undefined && !isActive(status)) {
    return { step, status: 'FAIL', detail: `Messenger deployment ${deploymentId} is ${String(status)}`, fix: 'activate the deployment (Admin > Message > Messenger Deployments) or use an active one' }
  }
  return { step, status: 'PASS', detail: `Messenger deployment ${deploymentId} is ${status === undefined ? 'present (no status reported)' : String(status)}` }
}

async function checkSmsNumber(http: Http, number: string | undefined): Promise<CheckStep> {
  const step = 'sms sender'
  if (!number) return { step, status: 'SKIP', detail: 'SMS_FROM_NUMBER is not set (set it if you send on sms)' }
  const digits = number.replace(/\D/g, '')
  const result = await http.get(`/api/v2/routing/sms/phonenumbers?phoneNumber=${digits}&pageSize=100`)
  if (result.status === 403) return viewPermissionSkip(step, result, 'sms:phoneNumber:view', 'Admin > Message > SMS Number Inventory')
  if (result.status !== 200 || !isObject(result.body)) return { step, status: 'FAIL', detail: `GET /api/v2/routing/sms/phonenumbers: ${describeError(result)}` }
  const entities = Array.isArray(result.body.entities) ? result.body.entities : []
  const match = entities.find((entity) => isObject(entity) && typeof entity.phoneNumber === 'string' && entity.phoneNumber.replace(/\D/g, '') === digits)
  if (!isObject(match)) {
    return { step, status: 'FAIL', detail: `SMS_FROM_NUMBER is not a provisioned SMS number of this org`, fix: 'use a number from Admin > Message > SMS Number Inventory, in E.164' }
  }
  const status = typeof match.phoneNumberStatus === 'string' ? ` (${match.phoneNumberStatus})` : ''
  return { step, status: 'PASS', detail: `SMS_FROM_NUMBER is provisioned${status}` }
}

async function checkMessagingIntegration(http: Http, kind: 'whatsapp' | 'open', id: string | undefined): Promise<CheckStep> {
  const step = `${kind} sender`
  const variable = kind === 'whatsapp' ? 'WHATSAPP_INTEGRATION_ID' : 'OPEN_INTEGRATION_ID'
  const label = kind === 'whatsapp' ? 'WhatsApp' : 'Open Messaging'
  if (!id) return { step, status: 'SKIP', detail: `${variable} is not set (set it if you send on ${kind})` }
  const result = await http.get(`/api/v2/conversations/messaging/integrations/${kind}/${encodeURIComponent(id)}`)
  if (result.status === 404 || result.status === 400) {
    return { step, status: 'FAIL', detail: `${label} integration ${id} does not exist in this org (${describeError(result)})`, fix: `set ${variable} to an id from Admin > Message > Platforms, in this region` }
  }
  if (result.status === 403) return viewPermissionSkip(step, result, 'messaging:integration:view', 'Admin > Message > Platforms')
  if (result.status !== 200 || !isObject(result.body)) return { step, status: 'FAIL', detail: `GET ${kind} integration: ${describeError(result)}` }
  const status = result.body.status
  if (status !== undefined && !isActive(status)) {
    return { step, status: 'FAIL', detail: `${label} integration ${id} is ${String(status)}`, fix: `activate it in Admin > Message > Platforms, or set ${variable} to an active one` }
  }
  return { step, status: 'PASS', detail: `${label} integration ${id} is ${status === undefined ? 'present (no status reported)' : String(status)}` }
}

function topicsOf(properties: unknown): string[] | undefined {
  if (!isObject(properties)) return undefined
  let filter = properties.eventFilter
  if (typeof filter === 'string') {
    try {
      filter = JSON.parse(filter)
    } catch {
      return undefined
    }
  }
  return Array.isArray(filter) ? filter.filter((topic): topic is string => typeof topic === 'string') : undefined
}

async function checkEventBridge(http: Http): Promise<CheckStep> {
  const step = 'eventbridge topics'
  const list = await http.get(`/api/v2/integrations?integrationType=${EVENTBRIDGE_TYPE}&pageSize=100`)
  if (list.status === 403) return viewPermissionSkip(step, list, 'integrations:integration:view', 'Admin > Integrations > Amazon EventBridge Source > Configuration')
  if (list.status !== 200 || !isObject(list.body)) return { step, status: 'SKIP', detail: `GET /api/v2/integrations: ${describeError(list)}` }
  const integrations = (Array.isArray(list.body.entities) ? list.body.entities : []).filter(
    (entity): entity is Json => isObject(entity) && typeof entity.id === 'string' && (!isObject(entity.integrationType) || entity.integrationType.id === undefined || entity.integrationType.id === EVENTBRIDGE_TYPE),
  )
  if (integrations.length === 0) {
    return {
      step,
      status: 'FAIL',
      detail: `no ${EVENTBRIDGE_TYPE} integration in this org: no events reach AWS`,
      fix: `Admin > Integrations > add "Amazon EventBridge Source" with the topics ${GENESYS_TOPICS.join(', ')}, then associate the partner event source with an event bus`,
    }
  }
  const verdicts: CheckStep[] = []
  for (const integration of integrations) {
    const name = typeof integration.name === 'string' ? `"${integration.name}"` : String(integration.id)
    if (typeof integration.intendedState === 'string' && integration.intendedState.toUpperCase() !== 'ENABLED') {
      verdicts.push({ step, status: 'FAIL', detail: `EventBridge integration ${name} is ${integration.intendedState}`, fix: 'enable it in Admin > Integrations' })
      continue
    }
    const config = await http.get(`/api/v2/integrations/${encodeURIComponent(String(integration.id))}/config/current`)
    const topics = config.status === 200 && isObject(config.body) ? topicsOf(config.body.properties) : undefined
    if (topics === undefined) {
      verdicts.push({ step, status: 'SKIP', detail: `the API does not expose the topics of ${name} (${config.status === 200 ? 'no properties.eventFilter' : describeError(config)})`, fix: `compare its topic filter by hand with ${GENESYS_TOPICS.join(', ')}` })
      continue
    }
    const missing = GENESYS_TOPICS.filter((topic) => !topics.includes(topic))
    const required = missing.filter((topic) => !OPTIONAL_TOPICS.includes(topic))
    if (required.length > 0) {
      verdicts.push({ step, status: 'FAIL', detail: `${name} does not forward ${required.join(', ')}`, fix: `add these topics to the integration's topic filter (Admin > Integrations > ${name} > Configuration)` })
      continue
    }
    const optional = missing.length > 0 ? `; ${missing.join(', ')} not forwarded, so routing-status triggers are off (its EventBridge availability is UNVERIFIED)` : ''
    verdicts.push({ step, status: 'PASS', detail: `${name} forwards the ${GENESYS_TOPICS.length - missing.length} topics the rules expect${optional}` })
  }
  // One integration that forwards everything is enough; otherwise report the most telling verdict.
  return verdicts.find((v) => v.status === 'PASS') ?? verdicts.find((v) => v.status === 'FAIL') ?? verdicts[0]!
}

function checkBudget(http: Http, env: Record<string, string | undefined>): CheckStep {
  const step = 'rate-limit budget'
  const raw = env.GENESYS_BUDGET_PER_MINUTE
  const budget = raw === undefined || raw === '' ? DEFAULTS.budgetPerMinute : Number(raw)
  if (!Number.isFinite(budget) || budget <= 0) {
    return { step, status: 'FAIL', detail: `GENESYS_BUDGET_PER_MINUTE=${JSON.stringify(raw)} is not a positive number`, fix: 'set a number of requests per minute, e.g. 300' }
  }
  const allowed = http.rateLimitAllowed
  if (allowed === undefined) return { step, status: 'SKIP', detail: 'no response carried an inin-ratelimit-allowed header' }
  const source = raw === undefined || raw === '' ? ' (default)' : ''
  if (budget > allowed) {
    return {
      step,
      status: 'FAIL',
      detail: `GENESYS_BUDGET_PER_MINUTE ${budget}${source} exceeds inin-ratelimit-allowed ${allowed}: sends would hit 429`,
      fix: `set GENESYS_BUDGET_PER_MINUTE to ${allowed} or less (other callers of the same OAuth client share the allowance)`,
    }
  }
  return { step, status: 'PASS', detail: `GENESYS_BUDGET_PER_MINUTE ${budget}${source} is within inin-ratelimit-allowed ${allowed}` }
}

/** Runs every step in order; steps that need a token are skipped when there is none. */
export async function runChecks(env: Record<string, string | undefined>, deps: CheckDeps = {}): Promise<CheckStep[]> {
  const steps: CheckStep[] = []
  const endpoints = await resolveEndpoints(env)
  if ('error' in endpoints) {
    return [{ step: 'region', status: 'FAIL', detail: endpoints.error, fix: 'set GENESYS_REGION to a region host such as mypurecloud.ie or a key such as eu_west_1' }]
  }
  const credentials = await findCredentials(env, deps.readSecret ?? defaultReadSecret)
  if ('status' in credentials) {
    steps.push(credentials)
  } else {
    steps.push({ step: 'credentials', status: 'PASS', detail: `from ${credentials.source}` })
  }
  const timeout = Number(env.GENESYS_TIMEOUT_MS ?? 10_000)
  const http = new Http(deps.fetch ?? fetch, endpoints, Number.isFinite(timeout) && timeout > 0 ? timeout : 10_000)
  const token = 'status' in credentials ? undefined : await checkToken(http, credentials, endpoints, env)
  steps.push(token ?? { step: 'token', status: 'SKIP', detail: 'needs credentials' })
  const later = ['permission', 'webmessaging sender', 'sms sender', 'whatsapp sender', 'open sender', 'eventbridge topics', 'rate-limit budget']
  if (token?.status !== 'PASS') {
    for (const step of later) steps.push({ step, status: 'SKIP', detail: 'needs a token' })
    return steps
  }
  const guarded = async (step: string, run: () => Promise<CheckStep>): Promise<CheckStep> => {
    try {
      return await run()
    } catch (error) {
      return { step, status: 'FAIL', detail: `request failed: ${networkReason(error)}`, fix: `check that ${endpoints.api} is reachable from here` }
    }
  }
  steps.push(await guarded('permission', () => checkPermission(http)))
  steps.push(await guarded('webmessaging sender', () => checkDeployment(http, env.WEBMESSAGING_DEPLOYMENT_ID)))
  steps.push(await guarded('sms sender', () => checkSmsNumber(http, env.SMS_FROM_NUMBER)))
  steps.push(await guarded('whatsapp sender', () => checkMessagingIntegration(http, 'whatsapp', env.WHATSAPP_INTEGRATION_ID)))
  steps.push(await guarded('open sender', () => checkMessagingIntegration(http, 'open', env.OPEN_INTEGRATION_ID)))
  steps.push(await guarded('eventbridge topics', () => checkEventBridge(http)))
  steps.push(checkBudget(http, env))
  return steps
}

export function renderSteps(steps: readonly CheckStep[]): string[] {
  const width = Math.max(...steps.map((s) => s.step.length))
  const lines: string[] = []
  for (const step of steps) {
    lines.push(`${step.status.padEnd(4)}  ${step.step.padEnd(width)} — ${step.detail}`)
    if (step.fix && step.status !== 'PASS') lines.push(`      ${''.padEnd(width)}   fix: ${step.fix}`)
  }
  const count = (status: StepStatus) => steps.filter((s) => s.status === status).length
  lines.push('', `${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped. No message was sent.`)
  return lines
}

export async function main(args: string[], io: CommandIo, deps: CheckDeps = {}): Promise<number> {
  const json = args.includes('--json')
  if (args.includes('--help') || args.includes('-h')) {
    io.out(HELP)
    return 0
  }
  const unknown = args.filter((arg) => arg !== '--json')
  if (unknown.length > 0) {
    io.err(`check: unknown argument ${unknown[0]}\n\n${HELP}`)
    return 2
  }
  const steps = await runChecks(io.env, deps)
  const ok = steps.every((step) => step.status !== 'FAIL')
  if (json) io.out(JSON.stringify({ ok, steps }, null, 2))
  else for (const line of renderSteps(steps)) io.out(line)
  return ok ? 0 : 1
}
