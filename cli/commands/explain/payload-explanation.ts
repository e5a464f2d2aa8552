/**
 * `proactive explain-payload`'s answer: field by field, what the agentless endpoint does with a body, the rules
 * of its channel, and the body it would accept. The rules themselves are `checkAgentlessRequest` (lib/domain/payload.ts),
 * the same objects the send handler's preflight uses; this module only words them.
 *
 * Facts: docs/genesys-platform.md and the SDK model SendAgentlessOutboundMessageRequest; UNVERIFIED facts stay marked.
 */
import type { Channel } from '#lib/domain/model.ts'
import { AGENTLESS_FIELDS, TEXT_LIMITS, checkAgentlessRequest, senderDescription, textLength, type PayloadProblem } from '#lib/domain/payload.ts'
import { isChannel, isObject } from './json.ts'
import { WHY_NOT_AGENT_SENDER, backendDiagnosis, judgePath, unwrapRequest } from './forum-shapes.ts'
import { correctAgentlessRequest, type Correction } from './payload-inference.ts'

/**
 * Fields that circulate in advice online (or belong to other endpoints) and are not part of
 * SendAgentlessOutboundMessageRequest, with where their intent belongs.
 */
export const KNOWN_WRONG_FIELDS: Readonly<Record<string, string>> = {
  type: 'there is no `type` field (advice online uses "proactive" or "message"); the channel goes in toAddressMessengerType',
  channelId: 'there is no `channelId`; the channel goes in toAddressMessengerType, and a Web Messaging channelId (the deployment id) is the value that belongs in fromAddress',
  channel: 'there is no `channel` field; the channel goes in toAddressMessengerType',
  messengerType: 'the request field is toAddressMessengerType (`messengerType` appears only in the response)',
  to: 'there is no `to` object; the recipient is toAddress (sms, whatsapp, open) or externalContactId (required for webmessaging; never a guest session id)',
  To: 'there is no `To` list (Go-style); the recipient is toAddress (sms, whatsapp, open) or externalContactId (required for webmessaging; never a guest session or web chat address)',
  from: 'there is no `from` object; the sender is fromAddress (deployment id, SMS number or integration id), never an agent or user id',
  Content: 'there is no `Content` object (Go-style); the text is textBody, a plain string',
  agentId: `not part of the agentless request: ${WHY_NOT_AGENT_SENDER}`,
  userId: `not part of the agentless request: ${WHY_NOT_AGENT_SENDER}`,
  body: 'there is no `body` object; the text is textBody, a plain string',
  text: 'the text field is textBody',
  message: 'the text field is textBody (the `message` object belongs to the Web Messaging guest WebSocket, not to this endpoint)',
  content: 'the text field is textBody',
  fromAddressId: 'the field is fromAddress',
  deploymentId: 'for webmessaging the Messenger deployment id goes in fromAddress',
  integrationId: 'for whatsapp and open the integration id goes in fromAddress',
  contactId: 'the field is externalContactId',
  externalContact: 'the field is externalContactId, a string',
  template: 'the field is messagingTemplate: {"responseId": "<template id>"}',
  templateId: 'the template id goes in messagingTemplate.responseId',
  useExistingConversation: 'the agentless field is useExistingActiveConversation',
  queueId: 'belongs to POST /api/v2/conversations/messages (agent context), not to the agentless request',
  conversationId:
    'agentless sends start or join a conversation themselves; sending into a known conversation is POST /api/v2/conversations/messages/{conversationId}/communications/{communicationId}/messages, which needs a user context',
}

export type FieldVerdict = 'ok' | 'invalid' | 'unknown' | 'missing'

export interface FieldReport {
  readonly field: string
  readonly verdict: FieldVerdict
  /** What the endpoint does with the field, or why it is wrong. */
  readonly says: string
  readonly problems: readonly PayloadProblem[]
}

export interface PayloadExplanation {
  readonly valid: boolean
  readonly channel?: Channel
  readonly problems: readonly PayloadProblem[]
  readonly fields: readonly FieldReport[]
  readonly channelRules: readonly string[]
  /** Why the body, as sent, could never work from a backend (the forum's shapes); empty for an agentless-shaped body. */
  readonly diagnosis: readonly string[]
  /** Caveats, including facts not yet verified against a real org. */
  readonly notes: readonly string[]
  readonly correction: Correction
}

export interface PayloadContext {
  /** The path (or URL) the body was sent to, when known. */
  readonly path?: string
}

const RECIPIENT_FIXES: Readonly<Record<Channel, string>> = {
  webmessaging: "the recipient's external contact id",
  sms: "the customer's number in E.164, e.g. +13175555555",
  whatsapp: "the WhatsApp id: the phone number's digits without +",
  open: 'the Open Messaging user address',
}

/** The rules of one channel, in words, from the same constants the check uses. */
export function channelRules(channel: Channel): string[] {
  const text = `textBody: plain text, at most ${TEXT_LIMITS[channel]} characters (counted in UTF-16 code units: an emoji counts 2)`
  switch (channel) {
    case 'webmessaging':
      return [
        'fromAddress: the Messenger deployment id (Admin > Message > Messenger Deployments)',
        "externalContactId: required, the recipient's external contact id",
        'toAddress: not allowed',
        `${text} (or a messagingTemplate)`,
        "useExistingActiveConversation: true joins the customer's open conversation if there is one",
      ]
    case 'sms':
      return ['fromAddress: a provisioned SMS number of the org, in E.164', "toAddress: the customer's number in E.164 (+ then at most 15 digits), or externalContactId", `${text}; required`]
    case 'whatsapp':
      return [
        'fromAddress: the WhatsApp integration id',
        "toAddress: the WhatsApp id, i.e. the number's digits without + (+13175555555 → 13175555555)",
        'externalContactId: not supported',
        'messagingTemplate: required, {"responseId": "<approved template id>"} plus its parameters',
      ]
    case 'open':
      return [
        'fromAddress: the Open Messaging integration id',
        'toAddress: the Open Messaging user address, or externalContactId',
        `${text}; required, and no messagingTemplate (agentless Open messages are text only)`,
      ]
  }
}

const CHANNEL_NOTES: Readonly<Record<Channel, readonly string[]>> = {
  webmessaging: [
    'Agentless webmessaging is documented since Platform API 10449 (JS SDK 254.0.0, June 2026).',
    'UNVERIFIED: whether the org needs a feature toggle or licence for it, whether the recipient must be an authenticated (identity-resolved) Messenger user, and whether anonymous web visitors (ephemeral contacts) can be reached. Try one send against your org first.',
  ],
  sms: [],
  whatsapp: ['Agentless WhatsApp needs an approved template, customer opt-in and a CX 1 Digital Add-on II / CX 2 / CX 3 (Digital) licence.'],
  open: ["Every outbound Open message is POSTed to the integration's outboundNotificationWebhookUrl."],
}

const UNKNOWN_FIELDS_NOTE = 'UNVERIFIED: whether Genesys answers an unknown field with 400 or ignores it; the preflight of this project rejects it either way, because its intent is lost.'

function describeKnownField(field: string, channel: Channel | undefined, value: unknown): string {
  switch (field) {
    case 'fromAddress':
      return channel ? `the sender: ${senderDescription(channel)}` : 'the sender (deployment id, SMS number or integration id, by channel)'
    case 'toAddress':
      if (channel === 'webmessaging') return 'not used by webmessaging: the recipient goes in externalContactId'
      return channel ? `the recipient: ${RECIPIENT_FIXES[channel]}` : 'the recipient address'
    case 'externalContactId':
      return "the recipient's external contact id"
    case 'toAddressMessengerType':
      return 'the channel'
    case 'textBody':
      return typeof value === 'string' && channel ? `the text: ${textLength(value)} UTF-16 code units of at most ${TEXT_LIMITS[channel]} characters` : 'the text'
    case 'messagingTemplate':
      return 'the approved template to send'
    case 'useExistingActiveConversation':
      return value === true ? 'joins an open conversation with this recipient if there is one' : 'starts a new conversation (default false)'
    default:
      return ''
  }
}

const topField = (problem: PayloadProblem): string => problem.field.split('.')[0] ?? problem.field

/**
 * Field by field: what the agentless endpoint will do with this body, and the body it would accept. `input` is the
 * body, or a Node-style call `{url, data}` whose path is judged too.
 */
export function explainPayload(input: unknown, context: PayloadContext = {}): PayloadExplanation {
  const call = unwrapRequest(input)
  const body = call ? call.body : input
  const path = context.path ?? call?.path
  const pathVerdict = path === undefined ? undefined : judgePath(path)
  const problems = checkAgentlessRequest(body)
  const correction = correctAgentlessRequest(body)
  const request = isObject(body) ? body : {}
  const given = isChannel(request.toAddressMessengerType) ? request.toAddressMessengerType : undefined
  const derived = isChannel(correction.body.toAddressMessengerType) ? correction.body.toAddressMessengerType : undefined
  const channel = given ?? derived
  // When the channel is only hinted at (e.g. `channelId: "WebMessaging"`), also show that channel's rules per field.
  const fieldProblems = !given && derived ? mergeProblems(problems, checkAgentlessRequest({ ...request, toAddressMessengerType: derived })) : problems
  const fields: FieldReport[] = []
  for (const [field, value] of Object.entries(request)) {
    const own = fieldProblems.filter((problem) => topField(problem) === field)
    if (!(AGENTLESS_FIELDS as readonly string[]).includes(field)) {
      fields.push({ field, verdict: 'unknown', says: KNOWN_WRONG_FIELDS[field] ?? 'is not a field of SendAgentlessOutboundMessageRequest', problems: own })
    } else {
      fields.push({ field, verdict: own.length > 0 ? 'invalid' : 'ok', says: describeKnownField(field, channel, value), problems: own })
    }
  }
  const missing = new Map<string, PayloadProblem[]>()
  for (const problem of fieldProblems) {
    const field = topField(problem)
    if (field in request) continue
    missing.set(field, [...(missing.get(field) ?? []), problem])
  }
  for (const [field, own] of missing) fields.push({ field, verdict: 'missing', says: describeKnownField(field, channel, undefined), problems: own })

  const notes = [...(channel ? CHANNEL_NOTES[channel] : [])]
  if (fields.some((report) => report.verdict === 'unknown')) notes.push(UNKNOWN_FIELDS_NOTE)
  const diagnosis = [...(pathVerdict ? [`The path: ${pathVerdict}.`] : []), ...backendDiagnosis(request)]
  return {
    valid: problems.length === 0 && pathVerdict === undefined,
    ...(channel ? { channel } : {}),
    problems,
    fields,
    channelRules: channel ? channelRules(channel) : [],
    diagnosis,
    notes,
    correction,
  }
}

/** Union by field and problem; a later, channel-specific fix replaces an earlier generic one. */
function mergeProblems(first: readonly PayloadProblem[], second: readonly PayloadProblem[]): PayloadProblem[] {
  const merged = new Map<string, PayloadProblem>()
  for (const problem of [...first, ...second]) merged.set(`${problem.field}\u0000${problem.problem}`, problem)
  return [...merged.values()]
}
