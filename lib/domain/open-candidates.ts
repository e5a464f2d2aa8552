/**
 * Open candidates: the sessions a trigger could message, kept by the sessions table in a sparse index per agent and
 * per queue, sorted in the per-trigger limit's priority order (lib/presence/capacity.ts: never served first, then newest, then
 * conversation id). A trigger reads them from the top and stops when its limit is filled, so its reads grow with
 * the limit, not with the history.
 *
 * A session is open while it names a customer and no agent is connected to it. Whether its customer is messaged,
 * busy or opted out is judged when a trigger reads it, since those change without a conversation event.
 */
import type { Session } from './model.ts'
import { hasConnectedAgent, neverServed } from './session.ts'

/** Whose candidates a trigger reads: the agent's own (agent scope), or one queue's (queue scope, one per queue). */
export type CandidatePartition = { readonly agentId: string } | { readonly queueId: string }

/** `lastActiveAt` values stay below this (year 2286), so `RANK_EPOCH - lastActiveAt` fits in the padded width. */
const RANK_EPOCH = 9_999_999_999_999
const RANK_WIDTH = String(RANK_EPOCH).length

const group = (abandoned: boolean): string => (abandoned ? '0' : '1')
const newestFirst = (lastActiveAt: number): string => String(RANK_EPOCH - lastActiveAt).padStart(RANK_WIDTH, '0')

export function isOpenCandidate(session: Session): boolean {
  const customer = session.customer
  return customer !== undefined && Boolean(customer.externalContactId || customer.address) && !hasConnectedAgent(session)
}

/**
 * The index sort key: ascending order of the rank is the priority order. A string, so the conversation id breaks
 * ties: `<0 never served | 1 served>#<RANK_EPOCH − lastActiveAt, zero-padded>#<conversationId>`.
 */
export function openRankOf(session: Pick<Session, 'agents' | 'lastActiveAt' | 'conversationId'>): string {
  return `${group(neverServed(session))}#${newestFirst(session.lastActiveAt)}#${session.conversationId}`
}

/**
 * The rank ranges holding the candidates whose `lastActiveAt` is in [from, to], in priority order: the never-served
 * group, then the served group, each from `to` back to `from`. Both bounds inclusive (`~` sorts after every
 * conversation id character used: letters, digits, `-`).
 */
export function openRankRanges(from: number, to: number): readonly { readonly low: string; readonly high: string }[] {
  if (from > to) return []
  return [true, false].map((abandoned) => ({ low: `${group(abandoned)}#${newestFirst(to)}#`, high: `${group(abandoned)}#${newestFirst(from)}#~` }))
}

/** Whether a session belongs to a trigger's scope: its agent's (agent scope) or one of its queues (queue scope). */
export type ScopeOf = (session: Session) => boolean

export const scopeOfAgent =
  (agentId: string): ScopeOf =>
  (session) =>
    session.lastAgentId === agentId

export const scopeOfQueues = (queueIds: readonly string[]): ScopeOf => {
  const wanted = new Set(queueIds)
  return (session) => session.queueId !== undefined && wanted.has(session.queueId)
}

/** Newest first; equally recent sessions by conversation id (the order targeting.ts picks a customer's session by). */
export function isNewerSession(a: Session, b: Session): boolean {
  return a.lastActiveAt > b.lastActiveAt || (a.lastActiveAt === b.lastActiveAt && a.conversationId < b.conversationId)
}

/**
 * The session that stands for a customer in a trigger: their newest session in the trigger's scope and window
 * (`customerSessions`: all of that customer's sessions the by-customer index holds from the window's start).
 */
export function representativeSession(customerSessions: readonly Session[], inScope: ScopeOf, from: number, to: number): Session | undefined {
  let newest: Session | undefined
  for (const session of customerSessions) {
    if (session.lastActiveAt < from || session.lastActiveAt > to || !inScope(session)) continue
    if (!newest || isNewerSession(session, newest)) newest = session
  }
  return newest
}
