/**
 * The agentless request (`POST /api/v2/conversations/messages/agentless`) and its per-channel rules.
 * One source of truth: the send handler's preflight, the Genesys simulator and `proactive explain-payload`
 * all use `checkAgentlessRequest`.
 *
 * Field facts (SendAgentlessOutboundMessageRequest; sources in docs/genesys-platform.md):
 * - fromAddress: SMS → provisioned number; WhatsApp/Open → integration id; Web Messaging → deployment id.
 * - toAddress: E.164 for SMS; WhatsApp id (digits, no +) for WhatsApp; not allowed for Web Messaging.
 * - externalContactId: required for Web Messaging; supported for SMS and Open (sent when the customer has no
 *   address); not for WhatsApp.
 * - textBody: required for SMS; max 765 characters for SMS, 2000 for the others. Counted here in UTF-16 code
 *   units (JavaScript's `length`), the stricter of the possible counts: an emoji counts 2, so a text this check
 *   accepts is within the limit however Genesys counts it (which one it uses is UNVERIFIED).
 * - messagingTemplate: required for WhatsApp.
 * - Open: agentless Open messages are text only (developer.genesys.cloud Open Messaging outbound guide), so
 *   textBody is required and a template is rejected.
 */
import { E164, normaliseCustomer, WHATSAPP_ID } from './address.ts'
import { CHANNELS, type Channel, type CustomerAddress } from './model.ts'

export interface TemplateParameter {
  id?: string
  value?: string
}

/** Mirrors the SDK's `Models.CardParameters`: the parameters of one carousel card. */
export interface CardParameters {
  index?: number
  bodyParameters?: TemplateParameter[]
  buttonUrlParameters?: TemplateParameter[]
}

/** Mirrors the SDK's `Models.CarouselParameters`. */
export interface CarouselParameters {
  cardParameters?: CardParameters[]
}

/** Mirrors the SDK's `Models.SendMessagingTemplateRequest` (checked by a type test). */
export interface MessagingTemplate {
  responseId?: string
  parameters?: TemplateParameter[]
  headerParameters?: TemplateParameter[]
  bodyParameters?: TemplateParameter[]
  buttonUrlParameters?: TemplateParameter[]
  carouselParameters?: CarouselParameters
}

/** Mirrors the SDK's `Models.SendAgentlessOutboundMessageRequest` (checked by a type test). */
export interface AgentlessRequest {
  fromAddress: string
  toAddress?: string
  externalContactId?: string
  toAddressMessengerType: string
  textBody?: string
  messagingTemplate?: MessagingTemplate
  useExistingActiveConversation?: boolean
}

export const AGENTLESS_FIELDS = ['fromAddress', 'toAddress', 'externalContactId', 'toAddressMessengerType', 'textBody', 'messagingTemplate', 'useExistingActiveConversation'] as const

export const TEMPLATE_FIELDS = ['responseId', 'parameters', 'headerParameters', 'bodyParameters', 'buttonUrlParameters', 'carouselParameters'] as const

export const TEXT_LIMITS: Readonly<Record<Channel, number>> = {
  sms: 765,
  webmessaging: 2000,
  whatsapp: 2000,
  open: 2000,
}

/**
 * Messenger types the agentless endpoint accepts (toAddressMessengerType, SDK 262 and the iOS SDK enum) that this
 * project does not send: valid for Genesys, not supported here.
 */
export const UNSUPPORTED_MESSENGER_TYPES = ['apple'] as const

export interface PayloadProblem {
  /** JSON path of the field, e.g. `toAddress` or `messagingTemplate.responseId`. */
  readonly field: string
  readonly problem: string
  /** What to do about it, when there is a clear fix. */
  readonly fix?: string
}

const isChannel = (value: unknown): value is Channel => typeof value === 'string' && (CHANNELS as readonly string[]).includes(value)

/** UTF-16 code units: the stricter count (see the header). */
export const textLength = (text: string): number => text.length

/**
 * Checks a body against the agentless rules. Returns every problem found, most fundamental first;
 * an empty list means Genesys's documented rules accept it.
 */
export function checkAgentlessRequest(body: unknown): PayloadProblem[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [{ field: '(body)', problem: 'the request body must be a JSON object' }]
  }
  const request = body as Record<string, unknown>
  const problems: PayloadProblem[] = []
  for (const key of Object.keys(request)) {
    if (!(AGENTLESS_FIELDS as readonly string[]).includes(key)) {
      problems.push({
        field: key,
        problem: 'is not a field of SendAgentlessOutboundMessageRequest',
        fix: `remove it; the fields are ${AGENTLESS_FIELDS.join(', ')}`,
      })
    }
  }
  const channel = request.toAddressMessengerType
  if (channel === undefined) {
    problems.push({ field: 'toAddressMessengerType', problem: 'is required', fix: `one of ${CHANNELS.join(', ')}` })
  } else if ((UNSUPPORTED_MESSENGER_TYPES as readonly unknown[]).includes(channel)) {
    problems.push({
      field: 'toAddressMessengerType',
      problem: `${JSON.stringify(channel)} is a valid Genesys messenger type that this project does not support`,
      fix: `this project sends ${CHANNELS.join(', ')}`,
    })
  } else if (!isChannel(channel)) {
    problems.push({
      field: 'toAddressMessengerType',
      problem: `must be one of ${CHANNELS.join(', ')} (lower case), got ${JSON.stringify(channel)}`,
    })
  }
  for (const field of ['fromAddress', 'toAddress', 'externalContactId', 'textBody'] as const) {
    const value = request[field]
    if (value !== undefined && typeof value !== 'string') {
      problems.push({ field, problem: `must be a string, got ${typeof value}` })
    }
  }
  if (request.useExistingActiveConversation !== undefined && typeof request.useExistingActiveConversation !== 'boolean') {
    problems.push({ field: 'useExistingActiveConversation', problem: 'must be a boolean' })
  }
  if (typeof request.fromAddress !== 'string' || request.fromAddress.trim() === '') {
    if (request.fromAddress === undefined || typeof request.fromAddress === 'string') {
      problems.push({ field: 'fromAddress', problem: 'is required', fix: fromAddressFix(isChannel(channel) ? channel : undefined) })
    }
  }
  const template = request.messagingTemplate
  if (template !== undefined) {
    if (typeof template !== 'object' || template === null || Array.isArray(template)) {
      problems.push({ field: 'messagingTemplate', problem: 'must be an object' })
    } else {
      for (const key of Object.keys(template)) {
        if (!(TEMPLATE_FIELDS as readonly string[]).includes(key)) {
          problems.push({ field: `messagingTemplate.${key}`, problem: 'is not a field of SendMessagingTemplateRequest' })
        }
      }
      const responseId = (template as Record<string, unknown>).responseId
      if (typeof responseId !== 'string' || responseId === '') {
        problems.push({ field: 'messagingTemplate.responseId', problem: 'is required: the id of the approved template (canned response)' })
      }
    }
  }
  if (!isChannel(channel)) return problems

  const toAddress = typeof request.toAddress === 'string' ? request.toAddress : undefined
  const externalContactId = typeof request.externalContactId === 'string' ? request.externalContactId : undefined
  const textBody = typeof request.textBody === 'string' ? request.textBody : undefined

  switch (channel) {
    case 'webmessaging':
      if (request.toAddress !== undefined) {
        problems.push({
          field: 'toAddress',
          problem: 'is not allowed for webmessaging',
          fix: 'remove it and put the recipient in externalContactId',
        })
      }
      if (!externalContactId) {
        problems.push({ field: 'externalContactId', problem: 'is required for webmessaging', fix: "the recipient's external contact id" })
      }
      break
    case 'sms':
      if (!toAddress && !externalContactId) {
        problems.push({ field: 'toAddress', problem: 'is required for sms (or externalContactId)', fix: "the customer's number in E.164, e.g. +13175555555" })
      } else if (toAddress && !E164.test(toAddress)) {
        problems.push({ field: 'toAddress', problem: 'must be an E.164 phone number for sms', fix: 'a + followed by at most 15 digits, the first not 0, e.g. +13175555555' })
      }
      if (textBody === undefined) problems.push({ field: 'textBody', problem: 'is required for sms' })
      break
    case 'whatsapp':
      if (!toAddress) {
        problems.push({ field: 'toAddress', problem: 'is required for whatsapp', fix: "the WhatsApp id: the phone number's digits without +" })
      } else if (!WHATSAPP_ID.test(toAddress)) {
        problems.push({ field: 'toAddress', problem: 'must be a WhatsApp id (digits only, no +)', fix: `e.g. ${toAddress.replace(/\D/g, '') || '13175555555'}` })
      }
      if (externalContactId !== undefined) {
        problems.push({ field: 'externalContactId', problem: 'is not supported for whatsapp', fix: 'remove it and use toAddress' })
      }
      if (template === undefined) {
        problems.push({ field: 'messagingTemplate', problem: 'is required for whatsapp', fix: 'an approved WhatsApp template: {"responseId": "<template id>"}' })
      }
      break
    case 'open':
      if (!toAddress && !externalContactId) {
        problems.push({ field: 'toAddress', problem: 'is required for open (or externalContactId)', fix: 'the Open Messaging user address' })
      }
      if (textBody === undefined) problems.push({ field: 'textBody', problem: 'is required for open (agentless Open messages are text only)' })
      if (template !== undefined) {
        problems.push({ field: 'messagingTemplate', problem: 'is not supported for open: agentless Open messages are text only', fix: 'remove it and send the text in textBody' })
      }
      break
  }
  if (textBody !== undefined) {
    if (textBody.trim() === '') problems.push({ field: 'textBody', problem: 'must not be empty' })
    const limit = TEXT_LIMITS[channel]
    const length = textLength(textBody)
    if (length > limit) problems.push({ field: 'textBody', problem: `is ${length} characters (UTF-16 code units); ${channel} allows at most ${limit}` })
  } else if (template === undefined && channel === 'webmessaging') {
    // WhatsApp needs the template whatever the text (reported above), so asking for a textBody would mislead.
    problems.push({ field: 'textBody', problem: `is required for ${channel} unless a messagingTemplate is given` })
  }
  return problems
}

/** What `fromAddress` must hold on a channel. */
export function senderDescription(channel: Channel): string {
  switch (channel) {
    case 'webmessaging':
      return 'the Messenger deployment id'
    case 'sms':
      return 'a provisioned SMS number in E.164'
    case 'whatsapp':
      return 'the WhatsApp integration id'
    case 'open':
      return 'the Open Messaging integration id'
  }
}

function fromAddressFix(channel: Channel | undefined): string {
  return channel ? senderDescription(channel) : 'the sender: deployment id (webmessaging), SMS number (sms) or integration id (whatsapp, open)'
}

export class InvalidPayloadError extends Error {
  constructor(readonly problems: readonly PayloadProblem[]) {
    super(`invalid agentless request: ${problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`)
    this.name = 'InvalidPayloadError'
  }
}

/** Per-channel sender and message settings, from configuration. */
export interface ChannelSettings {
  /** deployment id (webmessaging), SMS number (sms), integration id (whatsapp, open). */
  readonly fromAddress: string
  /** Text template, e.g. `An agent is available now. Reply here to continue.`; placeholders as in template.ts. */
  readonly text: string
  /** WhatsApp: the approved template's id. */
  readonly templateResponseId?: string
  /** WhatsApp: the template's body parameters, parameter id → value (placeholders as in template.ts, rendered per send). */
  readonly templateBodyParameters?: Readonly<Record<string, string>>
  /** WhatsApp: the template's header parameters, as the body parameters. */
  readonly templateHeaderParameters?: Readonly<Record<string, string>>
}

const asParameters = (parameters: Readonly<Record<string, string>>): TemplateParameter[] => Object.entries(parameters).map(([id, value]) => ({ id, value }))

/** The WhatsApp template of the request: the approved template's id, plus its parameters when configured. */
function whatsappTemplate(settings: ChannelSettings): MessagingTemplate {
  return {
    responseId: settings.templateResponseId ?? '',
    ...(settings.templateHeaderParameters ? { headerParameters: asParameters(settings.templateHeaderParameters) } : {}),
    ...(settings.templateBodyParameters ? { bodyParameters: asParameters(settings.templateBodyParameters) } : {}),
  }
}

/**
 * Builds the agentless request for one customer. Throws InvalidPayloadError naming the field
 * when the result would break a rule, so a request Genesys would reject never leaves.
 */
export function buildAgentlessRequest(recorded: CustomerAddress, settings: ChannelSettings, text: string): AgentlessRequest {
  // The one normalisation (address.ts), as the cap key uses it; a part it cannot normalise stays as recorded and
  // the checks below name it.
  const customer = normaliseCustomer(recorded)
  const base = { fromAddress: settings.fromAddress, toAddressMessengerType: customer.channel }
  let request: AgentlessRequest
  switch (customer.channel) {
    case 'webmessaging':
      request = { ...base, externalContactId: customer.externalContactId ?? '', textBody: text, useExistingActiveConversation: true }
      break
    case 'whatsapp':
      request = {
        ...base,
        toAddress: customer.address ?? '',
        messagingTemplate: whatsappTemplate(settings),
      }
      break
    // SMS and Open take the address, else the external contact id (both supported for them: docs/genesys-platform.md).
    case 'sms':
    case 'open':
      request = customer.address ? { ...base, toAddress: customer.address, textBody: text } : { ...base, externalContactId: customer.externalContactId ?? '', textBody: text }
      break
  }
  const problems = checkAgentlessRequest(request)
  if (problems.length > 0) throw new InvalidPayloadError(problems)
  return request
}
