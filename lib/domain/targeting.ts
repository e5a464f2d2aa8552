/**
 * Who gets a message when an agent becomes available: the sessions active in the window that ends at the
 * trigger's own time, with no agent still connected, one per customer (the most recent session wins).
 */
import type { CustomerAddress, MessageRequest, Session, TargetScope } from './model.ts'
import { customerKey } from './address.ts'
import { hasConnectedAgent } from './session.ts'

export interface Trigger {
  readonly agentId: string
  readonly eventId: string
  /** The triggering event's own time: the window runs back from here, not from the wall clock. */
  readonly at: number
  readonly scope: TargetScope
}

export interface TargetingResult {
  readonly requests: MessageRequest[]
  readonly skipped: { readonly outsideWindow: number; readonly agentConnected: number; readonly noAddress: number; readonly sameCustomer: number }
}

export function windowOf(at: number, windowMs: number): { from: number; to: number } {
  return { from: at - windowMs, to: at }
}

/**
 * Identifies a customer on a channel: the normalised key of address.ts (`customerKey`), so one phone number is
 * one customer however its events wrote it. Holds personal data: store it hashed, never log it.
 */
export const recipientKey = (customer: CustomerAddress): string => customerKey(customer)

/**
 * Whether a standing reservation keeps this request from going out: it is younger than the cap window and was
 * made for another request. The same rule as the cap ledger's conditional write.
 */
export function isCapped(reservation: { readonly reservedAt: number; readonly dedupeKey: string } | undefined, at: number, capMs: number, dedupeKey: string): boolean {
  return reservation !== undefined && reservation.reservedAt > at - capMs && reservation.dedupeKey !== dedupeKey
}

/** Same trigger and same conversation ⇒ same key, so redeliveries and retries are recognisable downstream. */
export function dedupeKeyOf(trigger: Trigger, conversationId: string): string {
  return `${trigger.eventId}:${conversationId}`
}

/** Newest first; equally recent sessions are ordered by conversation id, so the input order never decides. */
function isNewer(a: Session, b: Session): boolean {
  return a.lastActiveAt > b.lastActiveAt || (a.lastActiveAt === b.lastActiveAt && a.conversationId < b.conversationId)
}

export function selectRecipients(sessions: readonly Session[], trigger: Trigger, windowMs: number): TargetingResult {
  const { from, to } = windowOf(trigger.at, windowMs)
  const skipped = { outsideWindow: 0, agentConnected: 0, noAddress: 0, sameCustomer: 0 }
  const newestPerCustomer = new Map<string, Session & { customer: CustomerAddress }>()
  const seenConversations = new Set<string>()
  for (const session of sessions) {
    if (seenConversations.has(session.conversationId)) continue
    seenConversations.add(session.conversationId)
    if (session.lastActiveAt < from || session.lastActiveAt > to) {
      skipped.outsideWindow++
      continue
    }
    const customer = session.customer
    if (!customer || !(customer.externalContactId || customer.address)) {
      if (hasConnectedAgent(session)) skipped.agentConnected++
      else skipped.noAddress++
      continue
    }
    const key = recipientKey(customer)
    const existing = newestPerCustomer.get(key)
    if (existing) skipped.sameCustomer++
    if (!existing || isNewer(session, existing)) newestPerCustomer.set(key, { ...session, customer })
  }
  const recipients: (Session & { customer: CustomerAddress })[] = []
  for (const session of newestPerCustomer.values()) {
    // A customer whose newest conversation still has an agent is being served: no message, not even from an older one.
    if (hasConnectedAgent(session)) skipped.agentConnected++
    else recipients.push(session)
  }
  const requests = recipients
    .sort((a, b) => b.lastActiveAt - a.lastActiveAt || (a.conversationId < b.conversationId ? -1 : 1))
    .map(
      (session): MessageRequest => ({
        dedupeKey: dedupeKeyOf(trigger, session.conversationId),
        conversationId: session.conversationId,
        customer: session.customer,
        ...(session.queueId ? { queueId: session.queueId } : {}),
        agentId: trigger.agentId,
        scope: trigger.scope,
        requestedAt: trigger.at,
        triggerEventId: trigger.eventId,
      }),
    )
  return { requests, skipped }
}
