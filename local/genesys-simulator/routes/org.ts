/**
 * Read-only org routes for `proactive check` (cli/commands/check/). Real Platform API paths
 * (purecloud-platform-client-v2 262). They share the token check and rate-limit counting of every API call; a
 * fault drawn for them is not applied. The OAuth client's role is derived from its `permissions`: role id
 * `role-<clientId>`.
 */
import { randomUUID } from 'node:crypto'
import { errorBody, rateHeaders, send } from '../reply.ts'
import { authorizeApiCall, type Route, type RouteCall } from '../route.ts'
import type { IssuedToken } from '../state.ts'

const SIM_ORG = { id: '00000000-0000-4000-8000-00000000a000', name: 'Genesys simulator' }
const EVENTBRIDGE_TYPE = 'amazon-eventbridge-source'
const roleIdOf = (clientId: string): string => `role-${clientId}`

/** What a read route answers: 200 with the body, or 404 naming what was not found. */
type Answer = { readonly found: unknown } | { readonly notFound: string }

function listing(entities: unknown[]) {
  return { entities, pageSize: Math.max(25, entities.length), pageNumber: 1, total: entities.length, pageCount: entities.length > 0 ? 1 : 0 }
}

function readRoute(path: string | RegExp, answer: (call: RouteCall, token: IssuedToken) => Answer): Route {
  return {
    method: 'GET',
    path,
    handle(call) {
      const authorized = authorizeApiCall(call)
      if (!authorized) return
      const { res, record, state } = call
      const result = answer(call, authorized.token)
      if ('found' in result) send(res, record, 200, result.found, rateHeaders(state, authorized.token))
      else send(res, record, 404, errorBody(404, 'not.found', `${result.notFound} not found`), rateHeaders(state, authorized.token))
    },
  }
}

const tokensMe = readRoute('/api/v2/tokens/me', (_call, token) => ({
  found: {
    organization: SIM_ORG,
    homeOrganization: SIM_ORG,
    authorizedScope: [],
    OAuthClient: {
      id: token.clientId,
      name: token.clientId,
      authorizedGrantType: 'CLIENT-CREDENTIALS',
      roleDivisions: [{ roleId: roleIdOf(token.clientId), divisionId: 'home' }],
      organization: SIM_ORG,
    },
  },
}))

const role = readRoute(/^\/api\/v2\/authorization\/roles\/([^/]+)$/, ({ params, state }) => {
  const roleId = params[0] ?? ''
  const clientId = Object.keys(state.clients).find((id) => roleIdOf(id) === roleId)
  if (clientId === undefined) return { notFound: `role ${roleId}` }
  const permissions = state.permissionsOf(clientId)
  const permissionPolicies = permissions.map((permission) => {
    const [domain, entityName, action] = permission.split(':')
    return { domain, entityName, actionSet: [action] }
  })
  return { found: { id: roleId, name: `${clientId} role`, permissions, permissionPolicies } }
})

const deployment = readRoute(/^\/api\/v2\/webdeployments\/deployments\/([^/]+)$/, ({ params, state }) => {
  const id = params[0] ?? ''
  if (!(state.options.deployments ?? []).includes(id)) return { notFound: `deployment ${id}` }
  return { found: { id, name: `Deployment ${id}`, status: state.options.org?.deploymentStatus?.[id] ?? 'Active', configuration: { id: randomUUID() } } }
})

const messagingIntegration = readRoute(/^\/api\/v2\/conversations\/messaging\/integrations\/(whatsapp|open)\/([^/]+)$/, ({ params, state }) => {
  const kind = params[0] as 'whatsapp' | 'open'
  const id = params[1] ?? ''
  if (!(state.options.integrations?.[kind] ?? []).includes(id)) return { notFound: `${kind} integration ${id}` }
  return { found: { id, name: `${kind} ${id}`, status: state.options.org?.integrationStatus?.[id] ?? 'Active', version: 1 } }
})

const smsPhoneNumbers = readRoute('/api/v2/routing/sms/phonenumbers', ({ record, state }) => {
  const wanted = (record.query.phoneNumber ?? '').replace(/\D/g, '')
  const numbers = (state.options.integrations?.sms ?? []).filter((number) => number.replace(/\D/g, '').includes(wanted))
  return { found: listing(numbers.map((number) => ({ id: number.replace(/\D/g, ''), name: number, phoneNumber: number, phoneNumberType: 'local', phoneNumberStatus: 'active', version: 1 }))) }
})

const integrations = readRoute('/api/v2/integrations', ({ record, state }) => {
  const type = record.query.integrationType
  const bridges = state.options.org?.eventBridgeIntegrations ?? []
  const entities =
    type !== undefined && type !== EVENTBRIDGE_TYPE
      ? []
      : bridges.map((bridge) => ({
          id: bridge.id,
          name: bridge.name ?? `EventBridge ${bridge.id}`,
          integrationType: { id: EVENTBRIDGE_TYPE },
          intendedState: bridge.enabled === false ? 'DISABLED' : 'ENABLED',
          reportedState: { code: bridge.enabled === false ? 'DISABLED' : 'ACTIVE' },
        }))
  return { found: listing(entities) }
})

const integrationConfig = readRoute(/^\/api\/v2\/integrations\/([^/]+)\/config\/current$/, ({ params, state }) => {
  const id = params[0] ?? ''
  const bridge = (state.options.org?.eventBridgeIntegrations ?? []).find((candidate) => candidate.id === id)
  if (!bridge) return { notFound: `integration ${id}` }
  return {
    found: {
      id,
      name: bridge.name ?? `EventBridge ${id}`,
      version: 1,
      properties: { eventSourceSuffix: 'simulator', awsAccountId: '000000000000', awsAccountRegion: 'us-east-1', eventFilter: bridge.topics },
      advanced: {},
      notes: '',
      credentials: {},
    },
  }
})

export const orgRoutes: readonly Route[] = [tokensMe, role, deployment, messagingIntegration, smsPhoneNumbers, integrations, integrationConfig]
