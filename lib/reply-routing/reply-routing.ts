/**
 * The reply-routing look-up a Genesys data action calls from the inbound message flow: which agent the latest
 * proactive message to this customer came from, so the flow can offer the reply to that agent first (Transfer to
 * ACD with a preferred agent). The request names the conversation the flow runs for and/or the customer (address
 * with its channel, or external contact id); the answer is the triggering agent and when the message was sent,
 * or nothing once the reply window has passed.
 */
import { z } from 'zod'
import { customerKey, normaliseAddress, normaliseContactId } from '../domain/address.ts'
import type { FieldProblem } from '../domain/events.ts'
import { CHANNELS, type Channel } from '../domain/model.ts'
import type { SentMessage } from '../domain/replies.ts'

/** A data action sends unset inputs as empty strings (`$!{input.x}`): those count as absent. */
const optionalText = z
  .string()
  .max(512)
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))

export const replyRoutingRequestSchema = z.looseObject({
  conversationId: optionalText,
  channel: optionalText,
  address: optionalText,
  externalContactId: optionalText,
})

/** What to look up: the conversation (a threaded reply), else the customer's key. */
export interface ReplyRoutingQuery {
  readonly conversationId?: string
  readonly customerKey?: string
}

export type ParsedRoutingRequest = { readonly ok: true; readonly query: ReplyRoutingQuery } | { readonly ok: false; readonly problems: readonly FieldProblem[] }

/** Checks the request body; problems name the field and never echo an address. */
export function parseReplyRoutingRequest(body: unknown): ParsedRoutingRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, problems: [{ field: '(body)', problem: 'must be a JSON object' }] }
  const result = replyRoutingRequestSchema.safeParse(body)
  if (!result.success)
    return { ok: false, problems: result.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', problem: 'must be a string of at most 512 characters' })) }
  const { conversationId, channel, address, externalContactId } = result.data
  const problems: FieldProblem[] = []
  let conversation: string | undefined
  if (conversationId !== undefined) {
    const normalised = normaliseContactId(conversationId)
    if (normalised.ok) conversation = normalised.value
    else problems.push({ field: 'conversationId', problem: 'must be a conversation id (a UUID)' })
  }
  if (channel !== undefined && !CHANNELS.includes(channel.toLowerCase() as Channel)) problems.push({ field: 'channel', problem: `must be one of ${CHANNELS.join(', ')}` })
  const knownChannel = channel !== undefined && CHANNELS.includes(channel.toLowerCase() as Channel) ? (channel.toLowerCase() as Channel) : undefined
  let key: string | undefined
  if (address !== undefined) {
    if (channel === undefined) problems.push({ field: 'channel', problem: 'is required with address (the channel says how to read the address)' })
    else if (knownChannel) {
      const normalised = normaliseAddress(knownChannel, address)
      if (normalised.ok) key = customerKey({ channel: knownChannel, address: normalised.value })
      else problems.push({ field: 'address', problem: normalised.problem })
    }
  }
  if (externalContactId !== undefined) {
    const normalised = normaliseContactId(externalContactId)
    if (!normalised.ok) problems.push({ field: 'externalContactId', problem: 'must be an external contact id (a UUID)' })
    else if (key === undefined) key = customerKey({ channel: knownChannel ?? 'webmessaging', externalContactId: normalised.value })
  }
  if (conversationId === undefined && address === undefined && externalContactId === undefined) {
    problems.push({ field: 'conversationId', problem: 'is required unless address (with channel) or externalContactId is given' })
  }
  if (problems.length > 0) return { ok: false, problems }
  return { ok: true, query: { ...(conversation ? { conversationId: conversation } : {}), ...(key ? { customerKey: key } : {}) } }
}

/** The data action's output contract. */
export interface ReplyRoutingAnswer {
  readonly preferredAgentId: string
  /** ISO 8601, when the message was sent. */
  readonly messagedAt: string
}

/** The triggering agent of the latest message, while the reply window runs; otherwise none. */
export function routingAnswer(message: SentMessage | undefined, now: number, windowMs: number): ReplyRoutingAnswer | undefined {
  if (!message || now > message.sentAt + windowMs) return undefined
  return { preferredAgentId: message.agentId, messagedAt: new Date(message.sentAt).toISOString() }
}
