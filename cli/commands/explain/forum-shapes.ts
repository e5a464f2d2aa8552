/**
 * The shapes people send when they try a proactive Web Messaging message from a backend (forum threads and
 * advice online): `to: {type: "web", id: <guest session id>}`, `from: {type: "agent", id: <user id>}`, a
 * Web Messaging `channelId`, the Go-style `{To: [{Address, Type}], Content: {Text}}`, and calls to paths
 * that do not exist. What each piece really is, and why it cannot be the agentless request.
 *
 * Facts: SendAgentlessOutboundMessageRequest (purecloud-platform-client-v2 262): for webmessaging, fromAddress is
 * the deployment id, toAddress cannot be used and externalContactId is required.
 */
import type { Channel } from '#lib/domain/model.ts'
import { isObject, nonEmptyString, type Json } from './json.ts'

export const AGENTLESS_ENDPOINT = 'POST /api/v2/conversations/messages/agentless'

/** The value the corrected body carries where only the person can fill it in; never sendable as it is. */
export const EXTERNAL_CONTACT_PLACEHOLDER = "<FILL IN: the customer's externalContactId (not a guest session id)>"

export const isPlaceholder = (value: unknown): boolean => typeof value === 'string' && value.startsWith('<FILL IN:')

const letters = (value: unknown): string | undefined => (typeof value === 'string' ? value.toLowerCase().replace(/[^a-z]/g, '') : undefined)

/** `to.type` / `To[].Type` values that name the customer's browser side of Web Messaging (or web chat). */
const GUEST_TYPES = new Set(['web', 'webchat', 'webmessaging', 'webmessenger', 'messenger', 'guest', 'session', 'guestsession', 'chat'])
/** `to.type` values under which an id can be an external contact id. */
const CONTACT_TYPES = new Set(['externalcontact', 'externalcontactid', 'contact', 'customer'])
/** `from.type` values that make `from.id` a person, never a sender of an agentless message. */
const PERSON_TYPES = new Set(['agent', 'user', 'member', 'person', 'employee', 'owner'])

/** Channel spellings in `to.type` that mean Web Messaging, beyond the channel's own names. */
export const GUEST_CHANNEL_ALIASES: Readonly<Record<string, Channel>> = { web: 'webmessaging', webchat: 'webmessaging' }

export type RecipientKind = 'contact' | 'guest' | 'untyped' | 'other'

/** What an id under `to` (or `To[]`) is, from its `type`. */
export function recipientKind(type: unknown): RecipientKind {
  const kind = letters(type)
  if (kind === undefined || kind === '') return 'untyped'
  if (CONTACT_TYPES.has(kind)) return 'contact'
  return GUEST_TYPES.has(kind) ? 'guest' : 'other'
}

export const isPersonType = (type: unknown): boolean => PERSON_TYPES.has(letters(type) ?? '')

/** The Go-style `To: [{Address, Type}]` recipient, or `to` when it is an array. */
export function firstRecipient(source: Json): { path: string; entry: Json } | undefined {
  for (const key of ['To', 'to']) {
    const list = source[key]
    if (Array.isArray(list) && isObject(list[0])) return { path: `${key}[0]`, entry: list[0] }
  }
  return undefined
}

/** Reads `Type`/`type`, `Address`/`address`, `Id`/`id` regardless of case. */
export function field(entry: Json, name: string): unknown {
  const key = Object.keys(entry).find((candidate) => candidate.toLowerCase() === name)
  return key === undefined ? undefined : entry[key]
}

/**
 * The Web Messaging `channelId` as people send it: a deployment id (the value that belongs in fromAddress), as
 * opposed to a channel name such as "WebMessaging".
 */
export function channelIdAsDeployment(source: Json, isChannelName: (value: unknown) => unknown): string | undefined {
  const value = nonEmptyString(source.channelId)
  return value !== undefined && !isChannelName(value) ? value : undefined
}

export const WHY_NOT_AGENT_SENDER =
  "an agent's (user's) id is never the sender of an agentless message: the message is sent by an API participant on behalf of the channel, so fromAddress is the Messenger deployment id (webmessaging), the SMS number or the integration id. A client-credentials token has no user; sending as an agent needs that agent in the conversation and a user token (POST /api/v2/conversations/messages/{conversationId}/communications/{communicationId}/messages)"

export const WHY_NOT_GUEST_RECIPIENT =
  "a guest session id comes from the Messenger running in the customer's browser and is valid only on that guest's own connection (the Web Messaging guest API, which speaks as the customer); it is not an external contact id, and webmessaging does not allow toAddress at all"

export const WHERE_EXTERNAL_CONTACT_ID =
  'the customer\'s externalContactId is on the conversation\'s customer participant (GET /api/v2/conversations/{conversationId}: the participant with purpose "customer"), or in the v2.detail.events.conversation.{id}.customer.start event, which this pipeline records per customer (its externalContactId field) when the customer starts a conversation'

/** Paths that circulate in advice online and do not exist in the Platform API (checked against the SDK's ConversationsApi). */
const INVENTED_PATHS: readonly RegExp[] = [/\/conversations\/messaging\/external-messages/i, /\/webmessaging\/send/i, /\/webmessaging\/messages\/send/i]

/** What a request path means for a proactive send, or undefined when it is the agentless endpoint. */
export function judgePath(path: string): string | undefined {
  const bare = path.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/[?#].*$/, '')
  if (/\/api\/v2\/conversations\/messages\/agentless\/?$/i.test(bare)) return undefined
  if (INVENTED_PATHS.some((pattern) => pattern.test(bare))) {
    return `${bare} does not exist in the Genesys Cloud Platform API (it appears in advice online; no such path is in the SDK's ConversationsApi): a backend sends a proactive message with ${AGENTLESS_ENDPOINT}`
  }
  return `${bare} is not the agentless endpoint: a backend sends a proactive message with ${AGENTLESS_ENDPOINT}`
}

/** A Node-style call `{url|path|endpoint, data|body|json}` → the path and the body; anything else → undefined. */
export function unwrapRequest(input: unknown): { path: string; body: unknown } | undefined {
  if (!isObject(input)) return undefined
  const path = nonEmptyString(input.url) ?? nonEmptyString(input.path) ?? nonEmptyString(input.endpoint) ?? nonEmptyString(input.uri)
  if (path === undefined || !/\//.test(path)) return undefined
  const body = input.data ?? input.json ?? input.body
  return isObject(body) ? { path, body } : undefined
}

/** Why this body could never work from a backend, in words; empty when nothing about it points that way. */
export function backendDiagnosis(source: Json): string[] {
  const lines: string[] = []
  const to = isObject(source.to) ? source.to : firstRecipient(source)?.entry
  const toType = to ? field(to, 'type') : undefined
  const typeValue = letters(source.type)
  if (typeValue === 'proactive' || typeValue === 'message' || typeValue === 'event' || recipientKind(toType) === 'guest' || firstRecipient(source)) {
    lines.push(
      `This body is not the request of any Genesys Cloud Platform API endpoint. A backend sends a proactive message with ${AGENTLESS_ENDPOINT}, whose body is SendAgentlessOutboundMessageRequest: fromAddress, toAddress or externalContactId, toAddressMessengerType, textBody or messagingTemplate, useExistingActiveConversation.`,
    )
  }
  if (recipientKind(toType) === 'guest') {
    lines.push(`It addresses a guest session: ${WHY_NOT_GUEST_RECIPIENT}. A backend cannot act in a guest session. Instead, ${WHERE_EXTERNAL_CONTACT_ID}.`)
  }
  if (isObject(source.from) && isPersonType(source.from.type)) lines.push(`It sends as an agent: ${WHY_NOT_AGENT_SENDER}.`)
  if (typeValue === 'message' || typeValue === 'event' || typeValue === 'proactive') {
    lines.push(
      "The agentless request has no `type` field. An error such as \"Type must be 'message' or 'event'\" names values of a `type` field, so the body was judged by another endpoint's rules, not by the agentless endpoint (which one is UNVERIFIED: no Genesys source for that error text was found; it resembles the Web Messaging guest protocol, which a backend must not use).",
    )
  }
  return lines
}
