/**
 * `GET /api/v2/users/{userId}/queues`: a user's queue memberships, paged like the Platform API (default page size
 * 25, as the SDK documents). No maximum page size: no public source states one for this endpoint (the SDK gives
 * none), so the simulator sets none; the project asks for pages of 100 (lib/adapters/genesys-http PAGE_SIZE).
 */
import { errorBody, missingPermission, rateHeaders, send, simulatorOnlyHeader } from '../reply.ts'
import { authorizeApiCall, type Route, type RouteCall } from '../route.ts'
import { PERMISSION_QUEUES } from '../state.ts'

function badParameter(call: RouteCall, token: Parameters<typeof rateHeaders>[1], fieldName: string, message: string): void {
  const details = [{ fieldName, errorCode: 'invalid.value' }]
  send(call.res, call.record, 400, errorBody(400, 'bad.request', message, details), { ...rateHeaders(call.state, token), ...simulatorOnlyHeader(details) })
}

function handle(call: RouteCall): void {
  const { res, record, state, params } = call
  const userId = params[0] ?? ''
  const authorized = authorizeApiCall(call)
  if (!authorized) return
  const { token } = authorized
  if (!state.hasPermission(token, PERMISSION_QUEUES)) {
    missingPermission(state, res, record, token, PERMISSION_QUEUES)
    return
  }
  const pageSize = record.query.pageSize === undefined ? 25 : Number(record.query.pageSize)
  const pageNumber = record.query.pageNumber === undefined ? 1 : Number(record.query.pageNumber)
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    badParameter(call, token, 'pageSize', 'pageSize must be an integer of at least 1')
    return
  }
  if (!Number.isInteger(pageNumber) || pageNumber < 1) {
    badParameter(call, token, 'pageNumber', 'pageNumber must be an integer of at least 1')
    return
  }
  const queueIds = state.options.queueMemberships?.[userId] ?? []
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
    rateHeaders(state, token),
  )
}

export const userQueues: Route = { method: 'GET', path: /^\/api\/v2\/users\/([^/]+)\/queues$/, handle }
