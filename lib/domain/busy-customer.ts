/**
 * Busy customers are left alone: a customer is not messaged while any of their conversations is still active.
 *
 * A conversation is active until Genesys reports the customer's side ended (`customer.end`). That covers a
 * customer chatting with another agent, one back in queue after a transfer (`user.end`, then `acd.start`: the
 * agent left, the customer did not) and one whose conversation simply has not ended yet. A conversation with no
 * event for `staleMs` counts as ended all the same, so a lost `customer.end` blocks a customer for that long,
 * not for the whole window.
 */
import type { Session } from './model.ts'

export interface BusyPolicy {
  /** ACTIVE_CONVERSATION_STALE_HOURS, in ms: a conversation with no event for this long counts as ended. */
  readonly staleMs: number
}

/**
 * Whether the conversation is still active at `now`: no `customer.end`, and an event less than `staleMs` ago.
 * A conversation whose newest event is after `now` (it started after the trigger) is active.
 */
export function isActiveConversation(session: Session, now: number, policy: BusyPolicy): boolean {
  if (session.customerEndedAt !== undefined) return false
  return now - session.lastActiveAt < policy.staleMs
}

/** The customer's active conversation at `now` among `sessions` (all of that customer's), if any. */
export function activeConversationOf(sessions: readonly Session[], now: number, policy: BusyPolicy): Session | undefined {
  return sessions.find((session) => isActiveConversation(session, now, policy))
}

/** Whether the customer has an active conversation at `now`, given their sessions. */
export function isCustomerBusy(sessions: readonly Session[], now: number, policy: BusyPolicy): boolean {
  return activeConversationOf(sessions, now, policy) !== undefined
}

/**
 * How far back a by-customer lookup must reach: a session whose newest event is older than this cannot be
 * active at `now` (it is stale), so the index is read from here on.
 */
export function busyLookupFrom(now: number, policy: BusyPolicy): number {
  return now - policy.staleMs + 1
}
