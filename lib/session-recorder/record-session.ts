/** session-recorder's use case: fold one conversation event into its session item (compare-and-set, retried). */
import type { ConversationEvent } from '../domain/events.ts'
import type { Session } from '../domain/model.ts'
import type { SessionRepository } from '../domain/ports.ts'
import { applyConversationEvent, type SessionPolicy } from '../domain/session.ts'

/** `session`: the conversation's item after the event (for the reply check that follows). */
export type RecordOutcome =
  | { readonly kind: 'recorded'; readonly created: boolean; readonly session: Session }
  | { readonly kind: 'unchanged'; readonly session: Session | undefined }
  | { readonly kind: 'ignored'; readonly reason: string }

const MAX_CONFLICT_RETRIES = 8

export async function recordSession(event: ConversationEvent, sessions: SessionRepository, policy: SessionPolicy): Promise<RecordOutcome> {
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const previous = await sessions.get(event.conversationId)
    const decision = applyConversationEvent(previous, event, policy)
    if (decision.kind === 'ignored') return decision
    if (decision.kind === 'unchanged') return { kind: 'unchanged', session: previous }
    if ((await sessions.put(decision.session)) === 'written') return { kind: 'recorded', created: previous === undefined, session: decision.session }
  }
  throw new Error(`session ${event.conversationId.slice(0, 8)}…: too many concurrent writers, will retry`)
}
