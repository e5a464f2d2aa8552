/**
 * How many customers one trigger messages, and which first when there are more: an agent can take only so many
 * messaging interactions at once (Genesys utilization, `message` `maximumCapacity`), and every reply to a
 * proactive message is routed to the queue. Customers over the limit are deferred, not dropped: nothing is
 * written for them, so they stay eligible for the agent's next trigger (and, in queue scope, for any other
 * agent's) until their session leaves the window.
 *
 * Order when the limit bites, deterministic whatever order the sessions were read in:
 *   1. conversations no agent ever joined (abandoned in queue or in a flow): they were never served;
 *   2. then the newest `lastActiveAt`;
 *   3. then the conversation id.
 */
import type { MessageRequest, Session } from './model.ts'

/** `MAX_MESSAGES_PER_TRIGGER`: a fixed number, or the agent's own messaging capacity from Genesys. */
export type MessagesPerTrigger = { readonly kind: 'fixed'; readonly limit: number } | { readonly kind: 'agent-capacity' }

export const AGENT_CAPACITY = 'agent-capacity'

/** Parses the setting; undefined when the value is neither a positive whole number nor `agent-capacity`. */
export function parseMessagesPerTrigger(raw: string): MessagesPerTrigger | undefined {
  const value = raw.trim().toLowerCase()
  if (value === AGENT_CAPACITY) return { kind: 'agent-capacity' }
  if (!/^\d+$/.test(value)) return undefined
  const limit = Number(value)
  return Number.isSafeInteger(limit) && limit > 0 ? { kind: 'fixed', limit } : undefined
}

/** Whether any agent ever joined the conversation (a user.start, user.end or acw was recorded for one). */
export function wasEverServed(session: Pick<Session, 'agents'>): boolean {
  return Object.keys(session.agents).length > 0
}

export interface Candidate {
  readonly request: MessageRequest
  /** No agent ever joined its conversation. */
  readonly unserved: boolean
  readonly lastActiveAt: number
}

/** Negative when `a` goes first. */
export function byPriority(a: Candidate, b: Candidate): number {
  if (a.unserved !== b.unserved) return a.unserved ? -1 : 1
  if (a.lastActiveAt !== b.lastActiveAt) return b.lastActiveAt - a.lastActiveAt
  const x = a.request.conversationId
  const y = b.request.conversationId
  return x < y ? -1 : x > y ? 1 : 0
}

/** The requests in priority order, each with what decides its place (from the session it was made for). */
export function candidatesOf(requests: readonly MessageRequest[], sessions: readonly Session[]): Candidate[] {
  const byConversation = new Map(sessions.map((session) => [session.conversationId, session]))
  return requests
    .map((request): Candidate => {
      const session = byConversation.get(request.conversationId)
      return { request, unserved: session ? !wasEverServed(session) : false, lastActiveAt: session?.lastActiveAt ?? request.requestedAt }
    })
    .sort(byPriority)
}

/** The first `limit` requests by priority; the rest are deferred. */
export function limitRequests(requests: readonly MessageRequest[], sessions: readonly Session[], limit: number): { chosen: MessageRequest[]; deferred: MessageRequest[] } {
  const ordered = candidatesOf(requests, sessions).map((candidate) => candidate.request)
  const keep = Math.max(0, Math.floor(limit))
  return { chosen: ordered.slice(0, keep), deferred: ordered.slice(keep) }
}
