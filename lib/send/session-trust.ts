/**
 * Send trusts nothing it did not record: a request names a conversation and a customer, and both must match a
 * session the session recorder wrote, recent enough at the trigger's time. A request anyone else put on the
 * queue or the bus (a forged or stale one) fails this and is dead-lettered as `unknown-session`.
 */
import { customerKey } from '../domain/address.ts'
import type { MessageRequest, Session } from '../domain/model.ts'

export type SessionMismatch = 'no-session' | 'customer-mismatch' | 'outside-window'

/** Why the request is not backed by the recorded session, or undefined when it is. */
export function sessionMismatch(request: MessageRequest, session: Session | undefined, windowMs: number): SessionMismatch | undefined {
  if (!session?.customer) return 'no-session'
  if (customerKey(session.customer) !== customerKey(request.customer)) return 'customer-mismatch'
  const age = request.requestedAt - session.lastActiveAt
  if (age > windowMs) return 'outside-window'
  return undefined
}
