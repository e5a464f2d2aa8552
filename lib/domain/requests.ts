/**
 * The events this application publishes on its own bus: `ProactiveMessageRequested` (presence → send) and
 * the outcomes `ProactiveMessageSent` / `ProactiveMessageFailed`. The send side re-validates what it reads,
 * since a queue message can be redriven or written by hand.
 */
import { z } from 'zod'
import { APP_DETAIL_TYPES, APP_EVENT_SOURCE } from './topics.ts'
import { EventValidationError, parseEnvelopeJson } from './events.ts'
import { ADDRESS_FIELDS, CHANNELS, CONTACT_ID_FIELDS, type MessageRequest } from './model.ts'
import type { AgentlessRequest } from './payload.ts'

const id = z.string().min(1).max(256)

export const messageRequestSchema = z
  .object({
    dedupeKey: id,
    conversationId: id,
    customer: z
      .object({
        channel: z.enum(CHANNELS),
        externalContactId: z.string().min(1).max(256).optional(),
        address: z.string().min(1).max(512).optional(),
        addressField: z.enum(ADDRESS_FIELDS).optional(),
        contactIdField: z.enum(CONTACT_ID_FIELDS).optional(),
      })
      .refine((customer) => customer.externalContactId || customer.address, {
        message: 'needs externalContactId or address',
      }),
    queueId: id.optional(),
    agentId: id,
    scope: z.enum(['agent', 'queue']),
    requestedAt: z.number().int().nonnegative(),
    triggerEventId: id,
  })
  .strict()

export const requestedEnvelopeSchema = z.looseObject({
  id: z.string().optional(),
  source: z.literal(APP_EVENT_SOURCE),
  'detail-type': z.literal(APP_DETAIL_TYPES.requested),
  detail: messageRequestSchema,
})

/** Parses an SQS body holding the EventBridge envelope of a `ProactiveMessageRequested` event. */
export function parseMessageRequest(body: string): MessageRequest {
  const result = requestedEnvelopeSchema.safeParse(parseEnvelopeJson(body))
  if (!result.success) {
    throw new EventValidationError(result.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', problem: issue.message })))
  }
  return result.data.detail as MessageRequest
}

/** Outcome event details: ids and reasons only, never the customer's address or the message text. */
export interface OutcomeDetail {
  readonly dedupeKey: string
  readonly conversationId: string
  readonly channel: string
  readonly agentId: string
  readonly requestedAt: number
  readonly outcome: 'sent' | 'dead-lettered' | 'expired' | 'capped' | 'paused' | 'dry-run' | 'opted-out' | 'quiet-hours' | 'customer-busy'
  readonly reason?: string
  /** Dry run only: the agentless request that would have been sent, the customer's address masked. */
  readonly body?: AgentlessRequest
  readonly genesys?: { readonly status?: number; readonly code?: string; readonly contextId?: string; readonly messageId?: string; readonly conversationId?: string }
  /** Sent, but the send's answer was lost: a look-up in Genesys found the conversation (`genesys.conversationId`). */
  readonly recoveredBy?: 'lookup'
}
