/**
 * `PATCH /api/v2/conversations/messages/{conversationId}/participants/{participantId}/attributes`
 * (`patchConversationsMessageParticipantAttributes`, body SDK 262 `ParticipantAttributes{attributes: {[key]: string}}`):
 * sets participant attributes on a conversation the simulator accepted. The SDK documentation says it "Requires
 * NO permissions", so the simulator asks for none (UNVERIFIED in a real org). The request (and its body) is
 * recorded like every other; a drawn fault answers 503 or 429.
 */
import { errorBody, send } from '../reply.ts'
import { admitMessageRead, type Route, type RouteCall } from '../route.ts'
import { customerParticipantIdOf } from './message-status.ts'

function handle(call: RouteCall): void {
  const { res, record, state, params, body } = call
  const headers = admitMessageRead(call, undefined)
  if (!headers) return
  const [conversationId = '', participantId = ''] = params
  if (!state.delivered.has(conversationId) || participantId !== customerParticipantIdOf(conversationId)) {
    send(res, record, 404, errorBody(404, 'not.found', 'The conversation or participant was not found.'), headers)
    return
  }
  const attributes = (body as { attributes?: unknown } | undefined)?.attributes
  const valid = typeof attributes === 'object' && attributes !== null && Object.values(attributes).every((value) => typeof value === 'string')
  if (!valid) {
    send(res, record, 400, errorBody(400, 'bad.request', 'attributes: expected an object of string values.'), headers)
    return
  }
  send(res, record, 200, { attributes }, headers)
}

export const PARTICIPANT_ATTRIBUTES_PATH = /^\/api\/v2\/conversations\/messages\/([0-9a-f-]{36})\/participants\/([^/]+)\/attributes$/
export const participantAttributes: Route = { method: 'PATCH', path: PARTICIPANT_ATTRIBUTES_PATH, handle }
