/**
 * Reads the intent of a wrongly shaped agentless body (to/from objects, body.content, channel hints…) and maps
 * it to the real fields of SendAgentlessOutboundMessageRequest, re-checked with `checkAgentlessRequest`.
 */
import type { Channel } from '#lib/domain/model.ts'
import { AGENTLESS_FIELDS, TEMPLATE_FIELDS, checkAgentlessRequest, type PayloadProblem } from '#lib/domain/payload.ts'
import {
  EXTERNAL_CONTACT_PLACEHOLDER,
  GUEST_CHANNEL_ALIASES,
  WHERE_EXTERNAL_CONTACT_ID,
  WHY_NOT_AGENT_SENDER,
  WHY_NOT_GUEST_RECIPIENT,
  channelIdAsDeployment,
  field,
  firstRecipient,
  isPersonType,
  recipientKind,
} from './forum-shapes.ts'
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
  ...GUEST_CHANNEL_ALIASES,
}

/** `"WebMessaging"`, `"web_messaging"`, `"SMS"`… → the channel; anything else (e.g. `"proactive"`) → undefined. */
export function channelFromHint(value: unknown): Channel | undefined {
  if (typeof value !== 'string') return undefined
  return CHANNEL_ALIASES[value.toLowerCase().replace(/[^a-z]/g, '')]
}

export interface Correction {
  /**
   * The repaired body. Only a real request when `passes` and no `placeholders`: values that cannot be derived are
   * left out, never invented; the one exception is a recipient the body named with the wrong kind of id (a guest
   * session), whose field gets a clearly marked placeholder.
   */
  readonly body: Json
  /** Fields of `body` that hold a `<FILL IN: …>` placeholder. */
  readonly placeholders: readonly string[]
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
    ['Content.Text', isObject(source.Content) ? field(source.Content, 'text') : undefined],
    ['Text', source.Text],
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
  const recipient = firstRecipient(source)
  if (recipient) hints.push([`${recipient.path}.Type`, field(recipient.entry, 'type')])
  for (const [name, value] of hints) {
    const channel = channelFromHint(value)
    if (channel) return [name, channel]
  }
  if (nonEmptyString(source.deploymentId)) return ['deploymentId', 'webmessaging']
  // A channelId that is not a channel name is a Web Messaging deployment id.
  if (channelIdAsDeployment(source, channelFromHint)) return ['channelId', 'webmessaging']
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
 * with `checkAgentlessRequest`. Fills a value with a placeholder only where the body named the recipient with a
 * guest session id, which can never be the recipient.
 */
export function correctAgentlessRequest(body: unknown): Correction {
  const changes: string[] = []
  if (!isObject(body)) {
    return { body: {}, placeholders: [], changes, remaining: checkAgentlessRequest({}), passes: false }
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
    used.add(topKey(from))
    if (from !== to) changes.push(`${from} → ${to}`)
  }
  const out: Json = {}
  const channelHint = channelFrom(source)
  const channel = channelHint?.[1]
  if (channelHint) {
    const [from] = channelHint
    used.add(topKey(from))
    const raw = source.toAddressMessengerType
    if (from === 'deploymentId' || (from === 'channelId' && channelIdAsDeployment(source, channelFromHint))) changes.push(`${from} (a deployment id) given → toAddressMessengerType "${channel}"`)
    else if (from !== 'toAddressMessengerType') changes.push(`${from} → toAddressMessengerType "${channel}"`)
    else if (raw !== channel) changes.push(`toAddressMessengerType ${JSON.stringify(raw)} → "${channel}"`)
  }

  const person = isObject(source.from) && isPersonType(source.from.type)
  const deployment: [string, unknown][] =
    channel === 'webmessaging'
      ? [
          ['deploymentId', source.deploymentId],
          ['channelId', channelIdAsDeployment(source, channelFromHint)],
        ]
      : []
  const fromAddress = firstString([
    ['fromAddress', source.fromAddress],
    ['fromAddressId', source.fromAddressId],
    ...deployment,
    ...(person
      ? []
      : ([
          ['from.id', isObject(source.from) ? source.from.id : undefined],
          ['from.address', isObject(source.from) ? source.from.address : undefined],
          ['from', source.from],
        ] as [string, unknown][])),
    ...(channel === 'whatsapp' || channel === 'open' ? ([['integrationId', source.integrationId]] as [string, unknown][]) : []),
  ])
  if (fromAddress) {
    const value = channel === 'sms' ? stripPhoneFormatting(fromAddress[1]) : fromAddress[1]
    out.fromAddress = value
    moved(fromAddress[0], 'fromAddress')
  }
  if (person) {
    used.add('from')
    changes.push(`dropped from (type ${JSON.stringify(source.from && (source.from as Json).type)}): ${WHY_NOT_AGENT_SENDER}`)
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
  const to = isObject(source.to) ? { path: 'to', entry: source.to } : firstRecipient(source)
  const toKind = to ? recipientKind(field(to.entry, 'type')) : 'untyped'
  const toId = to
    ? firstString([[`${to.path}.${to.path === 'to' ? 'id' : 'Id'}`, field(to.entry, 'id')], ...(to.path === 'to' ? [] : ([[`${to.path}.Address`, field(to.entry, 'address')]] as [string, unknown][]))])
    : undefined
  const placeholders: string[] = []

  if (channel === 'webmessaging') {
    const guest = toId !== undefined && (toKind === 'guest' || toKind === 'other')
    const contact = explicitContact ?? (guest ? undefined : toId)
    if (contact) {
      out.externalContactId = contact[1]
      moved(contact[0], 'externalContactId')
    } else if (guest) {
      out.externalContactId = EXTERNAL_CONTACT_PLACEHOLDER
      placeholders.push('externalContactId')
    }
    if (guest && toId) {
      used.add(topKey(toId[0]))
      changes.push(`dropped ${toId[0]}: ${WHY_NOT_GUEST_RECIPIENT}`)
      if (!contact) changes.push(`externalContactId: a placeholder to fill in; ${WHERE_EXTERNAL_CONTACT_ID}`)
    }
    if (explicitAddress) {
      used.add(topKey(explicitAddress[0]))
      changes.push(
        `dropped ${explicitAddress[0]}: webmessaging does not allow toAddress (if it held the recipient's external contact id, put that in externalContactId; a guest session id is not one)`,
      )
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
        used.add(topKey(explicitContact[0]))
        changes.push(`dropped ${explicitContact[0]}: whatsapp does not support externalContactId`)
      } else {
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
  return { body: ordered, placeholders, changes, remaining, passes: remaining.length === 0 }
}

/** `to.id` → `to`, `To[0].Address` → `To`. */
const topKey = (path: string): string => path.split(/[.[]/)[0] ?? path

/** "fill in externalContactId: the recipient's external contact id" for each value a corrected body still lacks. */
export function stillNeeded(correction: Correction): string[] {
  return correction.remaining.map((problem) => `${problem.field}: ${problem.problem}${problem.fix ? ` — ${problem.fix}` : ''}`)
}
