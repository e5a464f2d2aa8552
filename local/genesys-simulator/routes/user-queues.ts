/** `GET /api/v2/users/{userId}/queues`: a user's queue memberships, paged like the Platform API. */
import { errorBody, missingPermission, rateHeaders, send } from '../reply.ts'
import { authorizeApiCall, type Route, type RouteCall } from '../route.ts'
import { PERMISSION_QUEUES } from '../state.ts'

const MAX_PAGE_SIZE = 500

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
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    send(res, record, 400, errorBody(400, 'bad.request', `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`, [{ fieldName: 'pageSize', errorCode: 'invalid.value' }]), rateHeaders(state, token))
    return
  }
  if (!Number.isInteger(pageNumber) || pageNumber < 1) {
    send(res, record, 400, errorBody(400, 'bad.request', 'pageNumber must be an integer of at least 1', [{ fieldName: 'pageNumber', errorCode: 'invalid.value' }]), rateHeaders(state, token))
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
