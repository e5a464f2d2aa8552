/**
 * Explanations for people: why the agentless endpoint rejects a body (and the body it would accept), and what
 * a Genesys error response means. The rules themselves are `checkAgentlessRequest` (payload.ts), the same
 * objects the send handler's preflight uses; this module only words them and repairs known wrong shapes.
 *
 * Facts: shared/reference/genesys-platform.md §0, §1, §4, §5. Anything marked UNVERIFIED there stays marked here.
 */
import { CHANNELS, type Channel } from './model.ts'
import { AGENTLESS_FIELDS, TEMPLATE_FIELDS, TEXT_LIMITS, checkAgentlessRequest, senderDescription, type PayloadProblem } from './payload.ts'

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const isChannel = (value: unknown): value is Channel => typeof value === 'string' && (CHANNELS as readonly string[]).includes(value)
const nonEmptyString = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined)

// ---------------------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------------------

/** Spellings of a channel seen in the wild, reduced to lower-case letters, → `toAddressMessengerType`. */
const CHANNEL_ALIASES: Readonly<Record<string, Channel>> = {
  webmessaging: 'webmessaging',
  webmessenger: 'webmessaging',
  messenger: 'webmessaging',
  sms: 'sms',
  whatsapp: 'whatsapp',
  open: 'open',
  openmessaging: 'open',
}

/** `"WebMessaging"`, `"web_messaging"`, `"SMS"`… → the channel; anything else (e.g. `"proactive"`) → undefined. */
export function channelFromHint(value: unknown): Channel | undefined {
  if (typeof value !== 'string') return undefined
  return CHANNEL_ALIASES[value.toLowerCase().replace(/[^a-z]/g, '')]
}

/**
 * Fields that circulate in advice online (or belong to other endpoints) and are not part of
 * SendAgentlessOutboundMessageRequest, with where their intent belongs.
 */
export const KNOWN_WRONG_FIELDS: Readonly<Record<string, string>> = {
  type: 'there is no `type` field (advice online uses "proactive" or "message"); the channel goes in toAddressMessengerType',
  channelId: 'there is no `channelId`; the channel goes in toAddressMessengerType and the sender in fromAddress',
  channel: 'there is no `channel` field; the channel goes in toAddressMessengerType',
  messengerType: 'the request field is toAddressMessengerType (`messengerType` appears only in the response)',
  to: 'there is no `to` object; the recipient is toAddress (sms, whatsapp, open) or externalContactId (required for webmessaging)',
  from: 'there is no `from` object; the sender is fromAddress (deployment id, SMS number or integration id)',
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
  conversationId: 'agentless sends start or join a conversation themselves; sending into a known conversation is POST /api/v2/conversations/messages/{conversationId}/communications/{communicationId}/messages, which needs a user context',
}

export type FieldVerdict = 'ok' | 'invalid' | 'unknown' | 'missing'

export interface FieldReport {
  readonly field: string
  readonly verdict: FieldVerdict
  /** What the endpoint does with the field, or why it is wrong. */
  readonly says: string
  readonly problems: readonly PayloadProblem[]
}

export interface Correction {
  /** The repaired body. Only a real request when `passes`: values that cannot be derived are left out, never invented. */
  readonly body: Json
  /** What was moved, renamed or dropped, in words. */
  readonly changes: readonly string[]
  /** Problems `checkAgentlessRequest` still finds in `body`: the values a person has to fill in. */
  readonly remaining: readonly PayloadProblem[]
  readonly passes: boolean
}

export interface PayloadExplanation {
  readonly valid: boolean
  readonly channel?: Channel
  readonly problems: readonly PayloadProblem[]
  readonly fields: readonly FieldReport[]
  readonly channelRules: readonly string[]
  /** Caveats, including facts not yet verified against a real org. */
  readonly notes: readonly string[]
  readonly correction: Correction
}

const RECIPIENT_FIXES: Readonly<Record<Channel, string>> = {
  webmessaging: 'the recipient\'s external contact id',
  sms: 'the customer\'s number in E.164, e.g. +13175555555',
  whatsapp: 'the WhatsApp id: the phone number\'s digits without +',
  open: 'the Open Messaging user address',
}

/** The rules of one channel, in words, from the same constants the check uses. */
export function channelRules(channel: Channel): string[] {
  const text = `textBody: plain text, at most ${TEXT_LIMITS[channel]} characters`
  switch (channel) {
    case 'webmessaging':
      return [
        'fromAddress: the Messenger deployment id (Admin > Message > Messenger Deployments)',
        'externalContactId: required, the recipient\'s external contact id',
        'toAddress: not allowed',
        `${text} (or a messagingTemplate)`,
        'useExistingActiveConversation: true joins the customer\'s open conversation if there is one',
      ]
    case 'sms':
      return [
        'fromAddress: a provisioned SMS number of the org, in E.164',
        'toAddress: the customer\'s number in E.164 (+ then 7 to 15 digits), or externalContactId',
        `${text}; required`,
      ]
    case 'whatsapp':
      return [
        'fromAddress: the WhatsApp integration id',
        'toAddress: the WhatsApp id, i.e. the number\'s digits without + (+13175555555 → 13175555555)',
        'externalContactId: not supported',
        'messagingTemplate: required, {"responseId": "<approved template id>"} plus its parameters',
      ]
    case 'open':
      return [
        'fromAddress: the Open Messaging integration id',
        'toAddress: the Open Messaging user address, or externalContactId',
        `${text} (agentless Open messages are text only)`,
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
  open: ['Every outbound Open message is POSTed to the integration\'s outboundNotificationWebhookUrl.'],
}

const UNKNOWN_FIELDS_NOTE =
  'UNVERIFIED: whether Genesys answers an unknown field with 400 or ignores it; the preflight of this project rejects it either way, because its intent is lost.'

function describeKnownField(field: string, channel: Channel | undefined, value: unknown): string {
  switch (field) {
    case 'fromAddress':
      return channel ? `the sender: ${senderDescription(channel)}` : 'the sender (deployment id, SMS number or integration id, by channel)'
    case 'toAddress':
      if (channel === 'webmessaging') return 'not used by webmessaging: the recipient goes in externalContactId'
      return channel ? `the recipient: ${RECIPIENT_FIXES[channel]}` : 'the recipient address'
    case 'externalContactId':
      return 'the recipient\'s external contact id'
    case 'toAddressMessengerType':
      return 'the channel'
    case 'textBody':
      return typeof value === 'string' && channel
        ? `the text: ${[...value].length} of at most ${TEXT_LIMITS[channel]} characters`
        : 'the text'
    case 'messagingTemplate':
      return 'the approved template to send'
    case 'useExistingActiveConversation':
      return value === true ? 'joins an open conversation with this recipient if there is one' : 'starts a new conversation (default false)'
    default:
      return ''
  }
}

const topField = (problem: PayloadProblem): string => problem.field.split('.')[0] ?? problem.field

/** Field by field: what the agentless endpoint will do with this body, and the body it would accept. */
export function explainPayload(body: unknown): PayloadExplanation {
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
  return {
    valid: problems.length === 0,
    ...(channel ? { channel } : {}),
    problems,
    fields,
    channelRules: channel ? channelRules(channel) : [],
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

/** Where each field's value may come from in a wrongly shaped body, best guess first. */
function textFrom(source: Json): [string, string] | undefined {
  const candidates: [string, unknown][] = [
    ['textBody', source.textBody],
    ['text', source.text],
    ['body.content', isObject(source.body) ? source.body.content : undefined],
    ['body.text', isObject(source.body) ? source.body.text : undefined],
    ['body', source.body],
    ['message', source.message],
    ['message.text', isObject(source.message) ? source.message.text : undefined],
    ['content', source.content],
  ]
  for (const [name, value] of candidates) if (typeof value === 'string') return [name, value]
  return undefined
}

function firstString(candidates: readonly [string, unknown][]): [string, string] | undefined {
  for (const [name, value] of candidates) {
    const text = nonEmptyString(value)
    if (text !== undefined) return [name, text]
  }
  return undefined
}

function channelFrom(source: Json): [string, Channel] | undefined {
  const hints: [string, unknown][] = [
    ['toAddressMessengerType', source.toAddressMessengerType],
    ['messengerType', source.messengerType],
    ['channel', source.channel],
    ['type', source.type],
    ['channelId', source.channelId],
    ['to.type', isObject(source.to) ? source.to.type : undefined],
    ['from.type', isObject(source.from) ? source.from.type : undefined],
  ]
  for (const [name, value] of hints) {
    const channel = channelFromHint(value)
    if (channel) return [name, channel]
  }
  if (nonEmptyString(source.deploymentId)) return ['deploymentId', 'webmessaging']
  return undefined
}

const stripPhoneFormatting = (value: string): string => value.replace(/[\s\-().]/g, '')

function templateFrom(source: Json): [string, Json] | undefined {
  const raw = source.messagingTemplate ?? source.template
  const name = source.messagingTemplate !== undefined ? 'messagingTemplate' : 'template'
  if (typeof raw === 'string' && raw !== '') return [name, { responseId: raw }]
  if (isObject(raw)) {
    const template: Json = {}
    for (const key of TEMPLATE_FIELDS) if (raw[key] !== undefined) template[key] = raw[key]
    const id = nonEmptyString(raw.responseId) ?? nonEmptyString(raw.templateId) ?? nonEmptyString(raw.id)
    if (id !== undefined) template.responseId = id
    return [name, template]
  }
  const id = nonEmptyString(source.templateId)
  return id === undefined ? undefined : ['templateId', { responseId: id }]
}

function booleanFrom(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  return undefined
}

/**
 * Maps known wrong shapes to the real fields where the value can be derived, then re-checks the result
 * with `checkAgentlessRequest`. Never fills a value with a placeholder.
 */
export function correctAgentlessRequest(body: unknown): Correction {
  const changes: string[] = []
  if (!isObject(body)) {
    return { body: {}, changes, remaining: checkAgentlessRequest({}), passes: false }
  }
  let source: Json = body
  const unwrap = isObject(body.body) && AGENTLESS_FIELDS.some((field) => field in (body.body as Json))
  if (unwrap) {
    const { body: inner, ...rest } = body
    source = { ...rest, ...(inner as Json) }
    changes.push('took the fields out of the `body` wrapper: the request body is the object itself')
  }
  const used = new Set<string>()
  const moved = (from: string, to: string) => {
    used.add(from.split('.')[0] ?? from)
    if (from !== to) changes.push(`${from} → ${to}`)
  }
  const out: Json = {}
  const channelHint = channelFrom(source)
  const channel = channelHint?.[1]
  if (channelHint) {
    const [from] = channelHint
    used.add(from.split('.')[0] ?? from)
    const raw = source.toAddressMessengerType
    if (from === 'deploymentId') changes.push(`deploymentId given → toAddressMessengerType "${channel}"`)
    else if (from !== 'toAddressMessengerType') changes.push(`${from} → toAddressMessengerType "${channel}"`)
    else if (raw !== channel) changes.push(`toAddressMessengerType ${JSON.stringify(raw)} → "${channel}"`)
  }

  const fromAddress = firstString([
    ['fromAddress', source.fromAddress],
    ['fromAddressId', source.fromAddressId],
    ['from.id', isObject(source.from) ? source.from.id : undefined],
    ['from.address', isObject(source.from) ? source.from.address : undefined],
    ['from', source.from],
    ...(channel === 'webmessaging' ? ([['deploymentId', source.deploymentId]] as [string, unknown][]) : []),
    ...(channel === 'whatsapp' || channel === 'open' ? ([['integrationId', source.integrationId]] as [string, unknown][]) : []),
  ])
  if (fromAddress) {
    const value = channel === 'sms' ? stripPhoneFormatting(fromAddress[1]) : fromAddress[1]
    out.fromAddress = value
    moved(fromAddress[0], 'fromAddress')
  }

  const explicitContact = firstString([
    ['externalContactId', source.externalContactId],
    ['contactId', source.contactId],
    ['externalContact.id', isObject(source.externalContact) ? source.externalContact.id : undefined],
    ['externalContact', source.externalContact],
  ])
  const explicitAddress = firstString([
    ['toAddress', source.toAddress],
    ['to.address', isObject(source.to) ? source.to.address : undefined],
    ['to', source.to],
  ])
  const toId = firstString([['to.id', isObject(source.to) ? source.to.id : undefined]])

  if (channel === 'webmessaging') {
    const contact = explicitContact ?? toId
    if (contact) {
      out.externalContactId = contact[1]
      moved(contact[0], 'externalContactId')
    }
    if (explicitAddress) {
      used.add(explicitAddress[0].split('.')[0] ?? '')
      changes.push(`dropped ${explicitAddress[0]}: webmessaging does not allow toAddress (if it held the recipient's external contact id, put that in externalContactId)`)
    }
  } else {
    const address = explicitAddress ?? toId
    if (address) {
      let value = address[1]
      if (channel === 'sms') value = stripPhoneFormatting(value)
      if (channel === 'whatsapp') value = stripPhoneFormatting(value).replace(/^\+/, '')
      out.toAddress = value
      moved(address[0], 'toAddress')
      if (value !== address[1]) changes.push(`toAddress: removed ${channel === 'whatsapp' ? 'the + and ' : ''}formatting characters`)
    }
    if (explicitContact) {
      if (channel === 'whatsapp') {
        used.add(explicitContact[0].split('.')[0] ?? '')
        changes.push(`dropped ${explicitContact[0]}: whatsapp does not support externalContactId`)
      }
      else {
        out.externalContactId = explicitContact[1]
        moved(explicitContact[0], 'externalContactId')
      }
    }
  }

  out.toAddressMessengerType = channel ?? source.toAddressMessengerType

  const text = textFrom(source)
  if (text) {
    out.textBody = text[1]
    moved(text[0], 'textBody')
  }
  const template = templateFrom(source)
  if (template) {
    out.messagingTemplate = template[1]
    moved(template[0], 'messagingTemplate')
  }
  const useExisting = booleanFrom(source.useExistingActiveConversation) ?? booleanFrom(source.useExistingConversation)
  if (useExisting !== undefined) {
    out.useExistingActiveConversation = useExisting
    if (booleanFrom(source.useExistingActiveConversation) === undefined) moved('useExistingConversation', 'useExistingActiveConversation')
  }
  if (source.useExistingActiveConversation !== undefined && booleanFrom(source.useExistingActiveConversation) === undefined) {
    changes.push('dropped useExistingActiveConversation: it must be true or false')
  }

  for (const key of Object.keys(source)) {
    if (!(AGENTLESS_FIELDS as readonly string[]).includes(key) && !used.has(key)) {
      changes.push(`dropped ${key}: not a field of SendAgentlessOutboundMessageRequest`)
    }
  }

  const ordered: Json = {}
  for (const field of AGENTLESS_FIELDS) if (out[field] !== undefined) ordered[field] = out[field]
  const remaining = checkAgentlessRequest(ordered)
  return { body: ordered, changes, remaining, passes: remaining.length === 0 }
}

/** "fill in externalContactId: the recipient's external contact id" for each value a corrected body still lacks. */
export function stillNeeded(correction: Correction): string[] {
  return correction.remaining.map((problem) => `${problem.field}: ${problem.problem}${problem.fix ? ` — ${problem.fix}` : ''}`)
}

// ---------------------------------------------------------------------------------------------------------
// Error responses
// ---------------------------------------------------------------------------------------------------------

export interface ErrorContext {
  readonly status?: number
  readonly headers?: Readonly<Record<string, string | undefined>>
}

export interface ErrorExplanation {
  /** `token`: the login endpoint's `{error, description}`; `api`: a Platform API ErrorBody. */
  readonly kind: 'token' | 'api' | 'unknown'
  readonly status?: number
  readonly code?: string
  readonly message?: string
  /** Quote it to Genesys support: it identifies the request in their logs. */
  readonly contextId?: string
  readonly title: string
  readonly meaning: readonly string[]
  readonly checks: readonly string[]
  /** Field names, message parameters and nested errors the body carried. */
  readonly details: readonly string[]
  readonly retryable: boolean
  readonly retryAfterSeconds?: number
}

const PERMISSION = 'conversation:message:create'
const AGENTLESS_PATH = 'POST /api/v2/conversations/messages/agentless'

const TOKEN_ERRORS: Readonly<Record<string, { title: string; meaning: string[]; checks: string[] }>> = {
  invalid_client: {
    title: 'The login endpoint does not know this client id and secret',
    meaning: [
      'The client id or secret is wrong, or the OAuth client lives in another region: a client exists in one org, and its token must come from login.<that org\'s region host>.',
    ],
    checks: [
      'GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (or the Secrets Manager secret) match Admin > Integrations > OAuth',
      'GENESYS_REGION is the org\'s region (e.g. mypurecloud.ie for EU West 1); `proactive check` tries the token grant',
      'the OAuth client is active, not deleted',
      'the request sends Authorization: Basic base64(clientId:clientSecret)',
    ],
  },
  unauthorized_client: {
    title: 'This OAuth client may not use the client-credentials grant',
    meaning: ['Agentless sends need a client whose grant type is Client Credentials.'],
    checks: ['Admin > Integrations > OAuth: create a client with grant type "Client Credentials" and give it a role with ' + PERMISSION],
  },
  unsupported_grant_type: {
    title: 'The token request asked for a grant type the endpoint does not support',
    meaning: ['The body must be form-encoded: grant_type=client_credentials.'],
    checks: ['Content-Type: application/x-www-form-urlencoded and body grant_type=client_credentials'],
  },
  invalid_request: {
    title: 'The token request is malformed',
    meaning: ['POST /oauth/token expects Basic authentication and a form-encoded body grant_type=client_credentials.'],
    checks: ['Content-Type: application/x-www-form-urlencoded', 'Authorization: Basic base64(clientId:clientSecret)'],
  },
  invalid_scope: {
    title: 'The token request named scopes',
    meaning: ['Scopes apply only to user grants; a client-credentials client gets its access from the roles assigned to it.'],
    checks: ['drop the scope parameter; assign a role with ' + PERMISSION + ' to the OAuth client'],
  },
}

interface StatusAdvice {
  readonly title: string
  readonly meaning: readonly string[]
  readonly checks: readonly string[]
  readonly retryable: boolean
}

function adviceFor(status: number | undefined, code: string | undefined): StatusAdvice {
  if (code === 'too.many.requests' || status === 429) {
    return {
      title: 'Rate limit exceeded',
      meaning: [
        'A client-credentials token allows about 300 requests a minute by default (client.credentials.token.rate.per.minute); some endpoints have lower limits.',
        'The call can be retried after the Retry-After header\'s seconds; the JS SDK does not retry by itself.',
      ],
      checks: [
        'wait Retry-After seconds before the next request (the project\'s sender does this through SQS visibility)',
        'lower GENESYS_BUDGET_PER_MINUTE, or its headroom, if other callers share the OAuth client',
        'the inin-ratelimit-allowed header on any response shows the org\'s actual allowance; `proactive check` compares it with the budget',
      ],
      retryable: true,
    }
  }
  if (code === 'missing.permissions' || code === 'missing.any.permissions' || status === 403) {
    return {
      title: 'The OAuth client is not allowed to do this',
      meaning: [
        `Agentless sends need the permission ${PERMISSION}. A client-credentials client gets permissions only from the roles assigned to it (scopes do not apply).`,
      ],
      checks: [
        `Admin > Integrations > OAuth > the client > Roles: assign a role that has Conversation > Message > Create (${PERMISSION}), in the right division`,
        'a new token is needed after changing roles',
        ...(code === 'missing.permissions' || code === 'missing.any.permissions'
          ? []
          : ['UNVERIFIED: a 403 without a missing.permissions code may mean the channel is not enabled or licensed for the org (WhatsApp agentless needs a CX 1 Digital Add-on II / CX 2 / CX 3 licence)']),
      ],
      retryable: false,
    }
  }
  if (code === 'bad.credentials' || code === 'authentication.required' || code === 'credentials.expired' || status === 401) {
    return {
      title: 'The access token is missing, expired or from another region',
      meaning: [
        'Tokens expire after the OAuth client\'s accessTokenValiditySeconds (default 24 hours, 5 minutes to 48 hours) and the JS SDK does not refresh client-credentials tokens.',
        'A token from login.<region host> is valid only on api.<the same region host>.',
      ],
      checks: [
        'send Authorization: Bearer <access_token>',
        'get a new token and retry once; refresh before expires_in runs out',
        'GENESYS_REGION is the same for the login and the API call',
      ],
      retryable: true,
    }
  }
  if (code === 'not.found' || status === 404) {
    return {
      title: 'Not found: a wrong path or an id the org does not know',
      meaning: [
        `The agentless endpoint is ${AGENTLESS_PATH}. Paths from advice online such as /api/v2/conversations/messaging/external-messages do not exist.`,
        'Or an id in the request (Messenger deployment, integration) does not exist in this org and region.',
      ],
      checks: [
        `the request path is ${AGENTLESS_PATH}`,
        'fromAddress is a deployment or integration id of this org: `proactive check` looks each configured one up',
        'GENESYS_REGION: an id from another region is not found',
      ],
      retryable: false,
    }
  }
  if (status === 409) {
    return {
      title: 'The request conflicts with the current state of the conversation',
      meaning: ['UNVERIFIED: typically a conversation between this fromAddress and recipient is already active.'],
      checks: ['useExistingActiveConversation: true sends into the active conversation instead of starting one'],
      retryable: false,
    }
  }
  if (status === 413) {
    return {
      title: 'The request is too large',
      meaning: [`The text is over the channel's limit (SMS ${TEXT_LIMITS.sms}, others ${TEXT_LIMITS.webmessaging} characters), or the body is over the request size limit (third-party sources quote 512000 bytes).`],
      checks: ['run `proactive explain-payload` on the body'],
      retryable: false,
    }
  }
  if (code === 'request.timeout' || code === 'service.unavailable' || (status !== undefined && status >= 500 && status !== 501)) {
    return {
      title: 'Genesys had a transient failure',
      meaning: ['5xx (except 501), service.unavailable and request.timeout are transient.'],
      checks: ['retry with exponential backoff', 'if it persists, check status.mypurecloud.com and quote the contextId to Genesys support'],
      retryable: true,
    }
  }
  if (code === 'bad.request' || status === 400) {
    return {
      title: 'Genesys rejected the request body',
      meaning: ['The payload breaks a rule of the agentless request or of its channel. The error bodies are terse; the field is often in details[].fieldName.'],
      checks: ['run `proactive explain-payload` on the exact body you sent: it names the field and prints a corrected body'],
      retryable: false,
    }
  }
  return {
    title: status === undefined ? 'An error without an HTTP status' : `HTTP ${status}`,
    meaning: ['No specific explanation is known for this response.'],
    checks: ['quote the contextId (if any) to Genesys support'],
    retryable: false,
  }
}

/** The Retry-After header, or the seconds in "Retry the request in [N] seconds". */
export function retryAfterSeconds(headers: Readonly<Record<string, string | undefined>> | undefined, message: string | undefined): number | undefined {
  const header = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1]
  if (header !== undefined && /^\d+(\.\d+)?$/.test(header.trim())) return Number(header.trim())
  const match = message?.match(/retry the request in \[?(\d+)\]? seconds/i)
  return match?.[1] !== undefined ? Number(match[1]) : undefined
}

const GUEST_PROTOCOL_TEXT = /type must be 'message' or 'event'/i

/** Accepts an ErrorBody, the token endpoint's `{error, description}`, or an envelope `{status, headers, body}`. */
export function explainError(input: unknown, context: ErrorContext = {}): ErrorExplanation {
  let status = context.status
  let headers = context.headers
  let body = input
  if (isObject(input) && isObject(input.response) && 'data' in input.response) {
    // An AxiosError serialised to JSON (what the SDK's login rejects with).
    status ??= typeof input.response.status === 'number' ? input.response.status : undefined
    headers ??= isObject(input.response.headers) ? (input.response.headers as Record<string, string>) : undefined
    body = input.response.data
  } else if (isObject(input) && 'body' in input && ('status' in input || 'headers' in input)) {
    status ??= typeof input.status === 'number' ? input.status : undefined
    headers ??= isObject(input.headers) ? (input.headers as Record<string, string>) : undefined
    body = input.body
  }
  if (!isObject(body)) {
    const advice = adviceFor(status, undefined)
    return { kind: 'unknown', ...(status !== undefined ? { status } : {}), ...advice, details: [], meaning: ['The response is not a Genesys error body.', ...advice.meaning] }
  }

  if (typeof body.error === 'string' && !('code' in body)) {
    const known = TOKEN_ERRORS[body.error]
    const description = nonEmptyString(body.description) ?? nonEmptyString(body.error_description)
    return {
      kind: 'token',
      ...(status !== undefined ? { status } : {}),
      code: body.error,
      ...(description ? { message: description } : {}),
      title: known?.title ?? `The token endpoint refused the grant (${body.error})`,
      meaning: known?.meaning ?? ['The login endpoint (POST https://login.<region host>/oauth/token) refused to issue a token.'],
      checks: known?.checks ?? TOKEN_ERRORS.invalid_client!.checks,
      details: [],
      retryable: false,
    }
  }

  const bodyStatus = typeof body.status === 'number' ? body.status : undefined
  status ??= bodyStatus
  const code = nonEmptyString(body.code)
  const message = nonEmptyString(body.message)
  const advice = adviceFor(status, code)
  const details = errorDetails(body)
  const meaning = [...advice.meaning]
  if (message && GUEST_PROTOCOL_TEXT.test(message)) {
    meaning.unshift(
      `This text is not from the agentless endpoint (its origin is UNVERIFIED; it resembles the Web Messaging guest WebSocket protocol). A backend sends proactive messages with ${AGENTLESS_PATH}.`,
    )
  }
  const retryAfter = retryAfterSeconds(headers, message)
  const contextId = nonEmptyString(body.contextId)
  return {
    kind: code !== undefined || bodyStatus !== undefined || message !== undefined ? 'api' : 'unknown',
    ...(status !== undefined ? { status } : {}),
    ...(code ? { code } : {}),
    ...(message ? { message } : {}),
    ...(contextId ? { contextId } : {}),
    title: advice.title,
    meaning,
    checks: advice.checks,
    details,
    retryable: advice.retryable,
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
  }
}

function errorDetails(body: Json): string[] {
  const lines: string[] = []
  if (Array.isArray(body.details)) {
    for (const detail of body.details) {
      if (!isObject(detail)) continue
      const parts = [
        nonEmptyString(detail.fieldName) && `field ${String(detail.fieldName)}`,
        nonEmptyString(detail.errorCode) && `code ${String(detail.errorCode)}`,
        nonEmptyString(detail.entityName) && `entity ${String(detail.entityName)}`,
      ].filter(Boolean)
      if (parts.length > 0) lines.push(parts.join(', '))
    }
  }
  if (isObject(body.messageParams)) {
    for (const [name, value] of Object.entries(body.messageParams)) lines.push(`${name}: ${String(value)}`)
  }
  if (isObject(body.limit)) {
    const { key, namespace, value } = body.limit
    lines.push(`limit ${[namespace, key].filter(Boolean).join('/')}${value !== undefined ? ` = ${String(value)}` : ''}`)
  }
  if (Array.isArray(body.errors)) {
    for (const nested of body.errors) {
      if (isObject(nested) && (nested.code !== undefined || nested.message !== undefined)) {
        lines.push(`nested error: ${[nested.code, nested.message].filter(Boolean).map(String).join(': ')}`)
      }
    }
  }
  return lines
}
