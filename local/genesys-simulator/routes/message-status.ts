/**
 * `GET /api/v2/conversations/messages/{conversationId}`: the message conversation (SDK 262 `MessageConversation`)
 * of an agentless message the simulator accepted, its one message's status in `participants[].messages[]`
 * (`MessageDetails{messageId, messageStatus, messageTime, errorInfo}`), as the status changes after `statusLag`.
 * The SDK documentation says the read "Requires NO permissions"; the simulator asks for conversation:message:view,
 * which the message reads of the same API need (UNVERIFIED that Genesys asks it here), so `proactive check`
 * and the simulator agree. `statusAnswer: 'malformed'` answers a 200 without usable messages.
 */
import { addressToOf, SIMULATED_DELIVERY_FAILURE, statusAt } from '../delivered.ts'
import { errorBody, send } from '../reply.ts'
import { admitMessageRead, type Route, type RouteCall } from '../route.ts'
import { PERMISSION_MESSAGE_VIEW } from '../state.ts'

function handle(call: RouteCall): void {
  const { res, record, state, params } = call
  const headers = admitMessageRead(call, PERMISSION_MESSAGE_VIEW)
  if (!headers) return
  const message = state.delivered.get(params[0] ?? '')
  if (!message) {
    send(res, record, 404, errorBody(404, 'not.found', 'The conversation was not found.'), headers)
    return
  }
  if (state.statusAnswer === 'malformed') {
    send(res, record, 200, { id: message.conversationId, participants: 'none' }, headers)
    return
  }
  const status = statusAt(message, state.conversationNow(), state.statusTiming)
  const failed = status === 'delivery-failed'
  const messageTime = new Date(message.acceptedAt).toISOString()
  send(
    res,
    record,
    200,
    {
      id: message.conversationId,
      participants: [
        {
          id: customerParticipantIdOf(message.conversationId),
          purpose: 'customer',
          state: 'disconnected',
          direction: 'outbound',
          address: addressToOf(message),
          ...(message.externalContactId ? { externalContact: { id: message.externalContactId } } : {}),
          ...(failed ? { errorInfo: SIMULATED_DELIVERY_FAILURE } : {}),
          messages: [{ messageId: message.messageId, messageStatus: status, messageTime, messageSegmentCount: 1, ...(failed ? { errorInfo: { ...SIMULATED_DELIVERY_FAILURE, status: 400 } } : {}) }],
        },
      ],
      selfUri: `/api/v2/conversations/messages/${message.conversationId}`,
    },
    headers,
  )
}

/** The simulated id of an agentless conversation's customer participant. */
export function customerParticipantIdOf(conversationId: string): string {
  return `${conversationId.slice(0, 24)}customer0000`
}

export const MESSAGE_CONVERSATION_PATH = /^\/api\/v2\/conversations\/messages\/([0-9a-f-]{36})$/
export const messageStatus: Route = { method: 'GET', path: MESSAGE_CONVERSATION_PATH, handle }
