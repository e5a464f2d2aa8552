/**
 * `POST /api/v2/conversations/messages/agentless`: the send. Applies the drawn fault (429, 503, or a held
 * request answered 504), then the documented payload rules through `checkAgentlessRequest` (the same function
 * the send side uses) and the org's known fromAddresses.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { checkAgentlessRequest, type PayloadProblem } from '#lib/domain/payload.ts'
import { errorBody, missingPermission, rateHeaders, send, simulatorOnlyHeader, tooManyRequests } from '../reply.ts'
import { authorizeApiCall, type Route, type RouteCall } from '../route.ts'
import { PERMISSION_SEND, type IssuedToken, type SimulatorState } from '../state.ts'
import type { FaultKind, RecordedRequest } from '../types.ts'

export const AGENTLESS_PATH = '/api/v2/conversations/messages/agentless'

/**
 * The agentless conversation id the simulator answers with: derived from the recipient and how many messages it
 * was sent before, so a scenario file can carry the customer's threaded reply on it (Genesys's ids are opaque).
 */
export function agentlessConversationId(messengerType: string, recipient: string, nth = 1): string {
  const hex = createHash('sha256')
    .update(JSON.stringify(['agentless-conversation', messengerType, recipient, nth]))
    .digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

const sendsPerRecipient = new WeakMap<SimulatorState, Map<string, number>>()

function nextConversationId(state: SimulatorState, messengerType: string, request: Record<string, unknown>): string {
  const recipient = String(request.externalContactId ?? request.toAddress ?? '')
  const counts = sendsPerRecipient.get(state) ?? new Map<string, number>()
  sendsPerRecipient.set(state, counts)
  const nth = (counts.get(`${messengerType}:${recipient}`) ?? 0) + 1
  counts.set(`${messengerType}:${recipient}`, nth)
  return agentlessConversationId(messengerType, recipient, nth)
}

/** Simulator-only detail codes (SIMULATOR_ONLY_DETAIL_CODES): Genesys does not document which it sends. */
function errorCodeOf(problem: PayloadProblem): string {
  if (problem.problem.startsWith('is required')) return 'required'
  if (/not allowed|not supported|is not a field/.test(problem.problem)) return 'not.allowed'
  return 'invalid.value'
}

function knownFromAddresses(state: SimulatorState, channel: unknown): readonly string[] | undefined {
  if (channel === 'webmessaging') return state.options.deployments
  if (channel === 'sms' || channel === 'whatsapp' || channel === 'open') return state.options.integrations?.[channel]
  return undefined
}

function applyFault(state: SimulatorState, res: ServerResponse, record: RecordedRequest, token: IssuedToken, fault: FaultKind): void {
  record.fault = fault
  if (fault === 'http429') {
    tooManyRequests(state, res, record, token)
    return
  }
  if (fault === 'http5xx') {
    send(res, record, 503, errorBody(503, 'service.unavailable', 'Service is currently unavailable.'), rateHeaders(state, token))
    return
  }
  const timer = setTimeout(() => {
    state.held.delete(timer)
    send(res, record, 504, errorBody(504, 'request.timeout', 'The request timed out.'), rateHeaders(state, token))
  }, state.timeoutHoldMs)
  state.held.add(timer)
  // The client gave up (its timeout): nothing left to answer.
  res.on('close', () => {
    clearTimeout(timer)
    state.held.delete(timer)
  })
}

function handle(call: RouteCall): void {
  const { res, record, body, parsed, state } = call
  const authorized = authorizeApiCall(call)
  if (!authorized) return
  const { token, fault } = authorized
  if (!state.hasPermission(token, PERMISSION_SEND)) {
    missingPermission(state, res, record, token, PERMISSION_SEND)
    return
  }
  if (fault && fault !== 'acceptedTimeout') {
    applyFault(state, res, record, token, fault)
    return
  }
  const problems: PayloadProblem[] = parsed ? checkAgentlessRequest(body) : [{ field: '(body)', problem: 'is not valid JSON' }]
  const request = (parsed && typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  if (problems.length === 0) {
    const known = knownFromAddresses(state, request.toAddressMessengerType)
    if (known && !known.includes(String(request.fromAddress))) {
      problems.push({ field: 'fromAddress', problem: `is not a known ${request.toAddressMessengerType === 'webmessaging' ? 'Messenger deployment' : 'integration or number'} of this org` })
    }
  }
  if (problems.length > 0) {
    const message = problems.map((p) => `${p.field} ${p.problem}`).join('; ')
    const details = problems.map((p) => ({ fieldName: p.field, errorCode: errorCodeOf(p) }))
    send(res, record, 400, errorBody(400, 'bad.request', message, details), { ...rateHeaders(state, token), ...simulatorOnlyHeader(details) })
    return
  }
  const acceptedAt = state.conversationNow()
  const timestamp = new Date(acceptedAt).toISOString()
  const messengerType = String(request.toAddressMessengerType)
  const conversationId = nextConversationId(state, messengerType, request)
  const messageId = randomUUID()
  // Recorded before answering: a worker that dies after the 200 (crashAfterSend) leaves a message Genesys has.
  state.delivered.set(conversationId, {
    conversationId,
    messageId,
    channel: messengerType,
    fromAddress: String(request.fromAddress),
    ...(typeof request.toAddress === 'string' ? { toAddress: request.toAddress } : {}),
    ...(typeof request.externalContactId === 'string' ? { externalContactId: request.externalContactId } : {}),
    acceptedAt,
    undeliverable: state.drawUndeliverable(),
  })
  if (fault === 'acceptedTimeout') {
    applyFault(state, res, record, token, 'timeout')
    record.fault = fault
    return
  }
  send(
    res,
    record,
    200,
    {
      id: randomUUID(),
      conversationId,
      fromAddress: request.fromAddress,
      ...(request.toAddress !== undefined ? { toAddress: request.toAddress } : {}),
      messengerType,
      timestamp,
      message: {
        id: messageId,
        status: 'queued',
        direction: 'outbound',
        messengerType,
        timestamp,
        normalizedMessage: { text: typeof request.textBody === 'string' ? request.textBody : '' },
      },
    },
    rateHeaders(state, token),
  )
}

export const agentless: Route = { method: 'POST', path: AGENTLESS_PATH, handle }
