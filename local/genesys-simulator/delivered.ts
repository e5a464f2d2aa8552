/**
 * What the simulator really accepted: one record per agentless message it answered 200 to, with the message's
 * status over time (queued → sent → delivery-success or delivery-failed), so the message-status read and the
 * analytics details query answer from the same facts. A request held by a `timeout` fault was never accepted and
 * has no record; one whose worker crashed after the 200 (`crashAfterSend`, local/chaos.ts) has one.
 */
import type { Channel } from '#lib/domain/model.ts'

/** What a Delivery-failure carries (MessageDetails.errorInfo, an ErrorBody). The code is the simulator's own. */
export const SIMULATED_DELIVERY_FAILURE = { code: 'simulator.delivery.failed', message: 'The recipient could not be reached (simulated Delivery-failure).' } as const

export interface DeliveredMessage {
  readonly conversationId: string
  readonly messageId: string
  readonly channel: Channel | string
  readonly fromAddress: string
  /** `toAddress`, absent for Web Messaging. */
  readonly toAddress?: string
  readonly externalContactId?: string
  readonly acceptedAt: number
  /** Drawn at acceptance (`undeliverable` fault): the message ends delivery-failed. */
  readonly undeliverable: boolean
}

/** How the statuses unfold in time. */
export interface StatusTiming {
  /** `statusLag`: each status change shows this long after the one before (queued → sent → final). */
  readonly statusLagMs: number
}

export type MessageStatus = 'queued' | 'sent' | 'delivery-success' | 'delivery-failed'

/** The status a read at `now` sees. */
export function statusAt(message: DeliveredMessage, now: number, timing: StatusTiming): MessageStatus {
  const elapsed = now - message.acceptedAt
  if (elapsed < timing.statusLagMs) return 'queued'
  if (elapsed < 2 * timing.statusLagMs) return 'sent'
  return message.undeliverable ? 'delivery-failed' : 'delivery-success'
}

/** The agentless message's recipient as the analytics session shows it: `addressTo` (or the external contact). */
export function addressToOf(message: DeliveredMessage): string | undefined {
  return message.toAddress ?? message.externalContactId
}
