/**
 * Who is eligible, after the recipients are selected and before every other filter:
 * - `ELIGIBLE_SESSIONS=unserved` keeps only conversations no agent ever connected to (abandoned in queue or in the
 *   flow: the abandoned-customer callback). `all` keeps every one. `unserved` needs `TARGET_SCOPE=queue`: in agent
 *   scope every session was found through an agent who connected, so nothing would ever be eligible.
 * - `EXCLUDE_WRAPUP_CODES`: a conversation whose `acw` event carried one of these wrap-up code ids (e.g. "Resolved")
 *   is never targeted.
 */
import { neverServed } from './capacity.ts'
import type { Session } from '../domain/model.ts'

export const ELIGIBLE_SESSIONS = ['all', 'unserved'] as const
export type EligibleSessions = (typeof ELIGIBLE_SESSIONS)[number]

export interface EligibilityRule {
  readonly sessions: EligibleSessions
  readonly excludeWrapupCodes: readonly string[]
}

export const EVERY_SESSION: EligibilityRule = { sessions: 'all', excludeWrapupCodes: [] }

export function isEligible(session: Pick<Session, 'agents' | 'wrapupCodes'>, rule: EligibilityRule): boolean {
  if (rule.sessions === 'unserved' && !neverServed(session)) return false
  return !(session.wrapupCodes ?? []).some((code) => rule.excludeWrapupCodes.includes(code))
}

/**
 * The candidates whose conversation is eligible. A candidate whose session is unknown (cannot happen: each comes
 * from a session found) is kept, so this filter never drops a customer for want of facts it was not given.
 */
export function filterEligible<T extends { readonly conversationId: string }>(
  candidates: readonly T[],
  sessionOf: (conversationId: string) => Pick<Session, 'agents' | 'wrapupCodes'> | undefined,
  rule: EligibilityRule,
): { readonly kept: T[]; readonly ineligible: number } {
  const kept = candidates.filter((candidate) => {
    const session = sessionOf(candidate.conversationId)
    return session === undefined || isEligible(session, rule)
  })
  return { kept, ineligible: candidates.length - kept.length }
}

/** `unserved` with any scope but `queue` is a configuration error; the message names both settings. */
export function eligibilityScopeProblem(sessions: EligibleSessions, scope: string): string | undefined {
  if (sessions !== 'unserved' || scope === 'queue') return undefined
  return `ELIGIBLE_SESSIONS=unserved needs TARGET_SCOPE=queue (got TARGET_SCOPE=${scope}): in agent scope every session was found through an agent who connected to it`
}
