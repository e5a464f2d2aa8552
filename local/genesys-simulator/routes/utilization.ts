/**
 * `GET /api/v2/routing/users/{userId}/utilization`: the user's max utilization (`AgentMaxUtilizationResponse`),
 * the org default when the user has none. The simulator answers a `message` capacity of 4 unless its options say
 * otherwise; `answer` makes it reply with an unusable body or a 503, to exercise the caller's fallback. Like
 * Genesys it requires routing:utilization:view (or :manage, which the simulator does not model).
 */
import { errorBody, missingPermission, rateHeaders, send } from '../reply.ts'
import { authorizeApiCall, type Route, type RouteCall } from '../route.ts'
import { PERMISSION_UTILIZATION } from '../state.ts'

export const DEFAULT_MESSAGE_CAPACITY = 4

function handle(call: RouteCall): void {
  const { res, record, state, params } = call
  const authorized = authorizeApiCall(call)
  if (!authorized) return
  if (!state.hasPermission(authorized.token, PERMISSION_UTILIZATION)) {
    missingPermission(state, res, record, authorized.token, PERMISSION_UTILIZATION)
    return
  }
  const headers = rateHeaders(state, authorized.token)
  const { messageCapacity = DEFAULT_MESSAGE_CAPACITY, perUser = {}, answer = 'ok' } = state.utilization
  if (answer === 'unavailable') {
    send(res, record, 503, errorBody(503, 'service.unavailable', 'The service is currently unavailable (simulated).'), headers)
    return
  }
  if (answer === 'malformed') {
    send(res, record, 200, { utilization: { message: { maximumCapacity: 'four' } }, level: 'Agent' }, headers)
    return
  }
  const userId = params[0] ?? ''
  const own = Object.hasOwn(perUser, userId) ? perUser[userId] : undefined
  const capacity = own ?? messageCapacity
  send(
    res,
    record,
    200,
    {
      utilization: {
        call: { maximumCapacity: 1, includeNonAcd: false },
        message: { maximumCapacity: capacity, interruptableMediaTypes: [], includeNonAcd: false },
        email: { maximumCapacity: 1, includeNonAcd: false },
      },
      level: own === undefined ? 'Organization' : 'Agent',
    },
    headers,
  )
}

export const routingUserUtilization: Route = { method: 'GET', path: /^\/api\/v2\/routing\/users\/([^/]+)\/utilization$/, handle }
