/**
 * The per-trigger limit (MAX_MESSAGES_PER_TRIGGER): an agent is offered only as many customers as they can serve.
 * When there are more, the order is fixed, so any delivery order of the same sessions picks the same customers:
 * (1) conversations no agent ever connected to (abandoned in queue or flow), (2) newest `lastActiveAt`,
 * (3) conversation id. The rest are deferred: nothing is written for them, so they stay eligible for the next
 * trigger (this agent's, or in queue scope any agent's) until their session leaves the window.
 */
import type { Session } from '../domain/model.ts'
import { neverServed } from '../domain/session.ts'

export { neverServed }

/** `agent-capacity`: the agent's `message` capacity in Genesys (utilization); a number: that many at most. */
export type MessageLimitSetting = number | 'agent-capacity'
export const AGENT_CAPACITY = 'agent-capacity'

/** What the priority order reads of a candidate's session. */
export interface PriorityFacts {
  readonly conversationId: string
  readonly lastActiveAt: number
  /** true when no agent was ever connected to the conversation (its `agents` map is empty). */
  readonly abandoned: boolean
}

export function priorityFactsOf(session: Pick<Session, 'conversationId' | 'lastActiveAt' | 'agents'>): PriorityFacts {
  return { conversationId: session.conversationId, lastActiveAt: session.lastActiveAt, abandoned: neverServed(session) }
}

/** Negative when `a` comes first. A total order: two candidates compare equal only with the same conversation id. */
export function comparePriority(a: PriorityFacts, b: PriorityFacts): number {
  if (a.abandoned !== b.abandoned) return a.abandoned ? -1 : 1
  if (a.lastActiveAt !== b.lastActiveAt) return b.lastActiveAt - a.lastActiveAt
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0
}

export interface LimitedRecipients<T> {
  readonly chosen: T[]
  readonly deferred: T[]
}

/** The first `limit` candidates in priority order are chosen, the rest deferred (both in priority order). */
export function limitRecipients<T>(candidates: readonly T[], limit: number, factsOf: (candidate: T) => PriorityFacts): LimitedRecipients<T> {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`per-trigger limit must be a whole number, 0 or more (got ${limit})`)
  const ranked = candidates.map((candidate) => ({ candidate, facts: factsOf(candidate) })).sort((a, b) => comparePriority(a.facts, b.facts))
  return { chosen: ranked.slice(0, limit).map((r) => r.candidate), deferred: ranked.slice(limit).map((r) => r.candidate) }
}

/** Parses MAX_MESSAGES_PER_TRIGGER: a positive whole number or `agent-capacity`; undefined when it is neither. */
export function parseMessageLimit(raw: string): MessageLimitSetting | undefined {
  const value = raw.trim().toLowerCase()
  if (value === AGENT_CAPACITY) return AGENT_CAPACITY
  if (!/^\d+$/.test(value)) return undefined
  const limit = Number(value)
  return Number.isSafeInteger(limit) && limit > 0 ? limit : undefined
}
