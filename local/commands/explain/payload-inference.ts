/**
 * Reads the intent of a wrongly shaped agentless body (to/from objects, body.content, channel hints…) and maps
 * it to the real fields of SendAgentlessOutboundMessageRequest, re-checked with `checkAgentlessRequest`.
 */
import type { Channel } from '../../../lib/domain/model.ts'
import { AGENTLESS_FIELDS, TEMPLATE_FIELDS, checkAgentlessRequest, type PayloadProblem } from '../../../lib/domain/payload.ts'
import { isObject, nonEmptyString, type Json } from './json.ts'

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

export interface Correction {
  /** The repaired body. Only a real request when `passes`: values that cannot be derived are left out, never invented. */
  readonly body: Json
  /** What was moved, renamed or dropped, in words. */
  readonly changes: readonly string[]
  /** Problems `checkAgentlessRequest` still finds in `body`: the values a person has to fill in. */
  readonly remaining: readonly PayloadProblem[]
  readonly passes: boolean
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
