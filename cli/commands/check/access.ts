/** The checks that the OAuth client can log in and holds the permissions the functions need (send; the capacity lookup). */
import { describeError, type CheckClient } from './client.ts'
import type { Credentials } from './credentials.ts'
import { isObject } from '../explain/json.ts'
import type { CheckStep } from './step.ts'
import { AGENT_CAPACITY } from '#lib/presence/capacity.ts'

const PERMISSION = 'conversation:message:create'

export async function checkToken(http: CheckClient, credentials: Credentials, env: Record<string, string | undefined>): Promise<CheckStep> {
  const step = 'token'
  const where = env.GENESYS_GATEWAY_URL ? `the gateway ${http.loginHost}` : http.loginHost
  const failure = await http.logIn()
  if (failure === undefined) return { step, status: 'PASS', detail: `granted by ${where} for the client from ${credentials.source}` }
  if (failure.status === undefined) {
    return {
      step,
      status: 'FAIL',
      detail: `cannot reach ${where} (${failure.code === 'ETIMEDOUT' ? 'timed out' : failure.code})`,
      fix: env.GENESYS_GATEWAY_URL
        ? 'is the gateway (simulator) running at GENESYS_GATEWAY_URL?'
        : `GENESYS_REGION=${env.GENESYS_REGION ?? '(unset: mypurecloud.com)'} gives ${http.loginHost}; use your org's region host (e.g. mypurecloud.ie) or key (e.g. eu_west_1), and check this machine can reach it`,
    }
  }
  if (failure.code === 'bad.credentials') {
    return {
      step,
      status: 'FAIL',
      detail: `${where} refused the client: ${describeError(failure)}`,
      fix: env.GENESYS_GATEWAY_URL
        ? `the client id or secret (from ${credentials.source}) is not one the gateway knows`
        : `the client id or secret (from ${credentials.source}) is wrong, or the OAuth client belongs to an org in another region than ${http.loginHost}: check GENESYS_REGION and Admin > Integrations > OAuth`,
    }
  }
  if (failure.code === 'unauthorized_client') {
    return { step, status: 'FAIL', detail: `${where}: ${describeError(failure)}`, fix: 'the OAuth client must use the Client Credentials grant type' }
  }
  return { step, status: 'FAIL', detail: `${where}: ${describeError(failure)}`, fix: 'run `proactive explain-error` on the response body for what it means' }
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

/** What one step checks: the client holds one of `anyOf` (through any of its roles), and how to fix it. */
interface PermissionNeed {
  readonly step: string
  readonly anyOf: readonly string[]
  readonly fix: string
}

const SEND_NEED: PermissionNeed = {
  step: 'permission',
  anyOf: [PERMISSION],
  fix: `Admin > Integrations > OAuth > the client > Roles: assign a role with Conversation > Message > Create (${PERMISSION}); then get a new token`,
}

/**
 * The agent-capacity lookup (`GET /api/v2/routing/users/{userId}/utilization`) "Requires ANY permissions:
 * routing:utilization:manage, routing:utilization:view" (the SDK documentation of `getRoutingUserUtilization`).
 */
const CAPACITY_NEED: PermissionNeed = {
  step: 'capacity permission',
  anyOf: ['routing:utilization:view', 'routing:utilization:manage'],
  fix: 'Admin > Integrations > OAuth > the client > Roles: assign a role with Routing > Utilization > View (routing:utilization:view), or set MAX_MESSAGES_PER_TRIGGER to a number',
}

export function checkPermission(http: CheckClient): Promise<CheckStep> {
  return checkRolePermission(http, SEND_NEED)
}

/** Only when presence looks the agent's capacity up (MAX_MESSAGES_PER_TRIGGER=agent-capacity, the default). */
export function checkCapacityPermission(http: CheckClient, env: Record<string, string | undefined>): Promise<CheckStep> {
  const setting = (env.MAX_MESSAGES_PER_TRIGGER ?? AGENT_CAPACITY).trim().toLowerCase()
  if (setting !== AGENT_CAPACITY) return Promise.resolve({ step: CAPACITY_NEED.step, status: 'SKIP', detail: `MAX_MESSAGES_PER_TRIGGER=${setting}: no capacity lookup` })
  return checkRolePermission(http, CAPACITY_NEED)
}

async function checkRolePermission(http: CheckClient, need: PermissionNeed): Promise<CheckStep> {
  const { step, fix } = need
  const wanted = need.anyOf.join(' or ')
  const me = await http.get('/api/v2/tokens/me')
  if (me.status !== 200 || !isObject(me.body)) {
    return { step, status: 'FAIL', detail: `GET /api/v2/tokens/me: ${describeError(me)}`, fix: 'the API host refused the new token: check that GENESYS_REGION points login and API at the same region' }
  }
  const client = isObject(me.body.OAuthClient) ? me.body.OAuthClient : undefined
  const roleDivisions = client && Array.isArray(client.roleDivisions) ? client.roleDivisions : undefined
  if (roleDivisions === undefined) {
    return { step, status: 'SKIP', detail: "GET /api/v2/tokens/me does not list the client's roles", fix: `check by hand that a role of the OAuth client has ${wanted}` }
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
    const granted = need.anyOf.find((permission) => roleGrants(role.body, permission))
    if (granted) return { step, status: 'PASS', detail: `role "${name}" grants ${granted}` }
    names.push(name)
  }
  if (unreadable.length > 0) {
    return {
      step,
      status: 'SKIP',
      detail: `no readable role grants ${wanted}; could not read ${unreadable.join(', ')}`,
      fix: `give the client authorization:role:view to let check read its roles, or check by hand that one of them has ${wanted}`,
    }
  }
  return { step, status: 'FAIL', detail: `none of the client's roles (${names.join(', ')}) grants ${wanted}`, fix }
}
