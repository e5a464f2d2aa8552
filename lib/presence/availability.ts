/**
 * When an agent can take routed messaging work, as Genesys defines it (docs/genesys-platform.md, availability):
 * the system presence is On Queue and the routing status is Idle. The two facts arrive separately
 * (`v2.users.{id}.presence`, `v2.users.{id}.routingStatus`) or together (`v2.users.{id}.activity`), each with its
 * own time, so the agent state keeps them apart: a late or repeated event for one never overwrites the other.
 * A trigger is the combined condition turning from false to true, at most once per cooldown.
 */
import type { AgentAvailabilityEvent } from '../domain/events.ts'
import type { AgentFact, AgentState } from '../domain/model.ts'

export interface AvailabilityPolicy {
  /** systemPresence values that count as available (compared case-insensitively). */
  readonly availablePresences: readonly string[]
  /** routingStatus values that count as available, once any routing status has been seen (case-insensitive). */
  readonly availableRoutingStatuses: readonly string[]
  readonly cooldownMs: number
}

export type AvailabilityDecision =
  | { readonly kind: 'stale' } // duplicate or older than what is known for every fact the event carries: change nothing
  | { readonly kind: 'update'; readonly next: AgentState; readonly trigger: false; readonly reason: 'no-transition' | 'cooldown' }
  | { readonly kind: 'update'; readonly next: AgentState; readonly trigger: true }

export const normaliseStatus = (value: string): string =>
  value
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_')
    .replace(/^ONQUEUE$/, 'ON_QUEUE')

const accepts = (accepted: readonly string[], status: string): boolean => accepted.some((value) => normaliseStatus(value) === normaliseStatus(status))

/**
 * The combined condition: the system presence is in `availablePresences` and, once any routing status has been
 * seen for the agent, that status is in `availableRoutingStatuses`. No presence seen yet: not available.
 */
export function isAvailable(state: Pick<AgentState, 'presence' | 'routing'>, policy: AvailabilityPolicy): boolean {
  if (!state.presence || !accepts(policy.availablePresences, state.presence.status)) return false
  return state.routing === undefined || accepts(policy.availableRoutingStatuses, state.routing.status)
}

type FactResult = { readonly fact: AgentFact | undefined; readonly changed: boolean }

/**
 * Applies one observation to one fact. The first, or newer than the stored one: a change (of its time at least).
 * Older: ignored. Same instant and same status (a redelivery, or the same status repeated by another topic): no
 * change, the ranks being equal. Same instant, different status (two changes within one millisecond): the accepted
 * status wins (then the greater name), so the result is the same in any delivery order. A fact that loses keeps the
 * stored one: the other fact of the same event (activity) is still applied.
 */
function applyFact(stored: AgentFact | undefined, observed: AgentFact | undefined, accepted: readonly string[]): FactResult {
  if (!observed) return { fact: stored, changed: false }
  if (!stored || observed.at > stored.at) return { fact: observed, changed: true }
  if (observed.at < stored.at) return { fact: stored, changed: false }
  const rank = (status: string): string => `${accepts(accepted, status) ? 1 : 0}:${normaliseStatus(status)}`
  return rank(observed.status) > rank(stored.status) ? { fact: observed, changed: true } : { fact: stored, changed: false }
}

/** Judged by the current lists, from the stored facts: a state saved under other settings is read as they say now. */
const wasAvailable = (previous: AgentState | undefined, policy: AvailabilityPolicy): boolean => previous !== undefined && isAvailable(previous, policy)

export function decideAvailability(previous: AgentState | undefined, event: AgentAvailabilityEvent, policy: AvailabilityPolicy): AvailabilityDecision {
  const presence = applyFact(previous?.presence, event.presence, policy.availablePresences)
  const routing = applyFact(previous?.routing, event.routing, policy.availableRoutingStatuses)
  if (previous && !presence.changed && !routing.changed) return { kind: 'stale' }
  const facts = { presence: presence.fact, routing: routing.fact }
  const available = isAvailable(facts, policy)
  const base: AgentState = {
    agentId: event.agentId,
    observedAt: Math.max(previous?.observedAt ?? event.at, event.at),
    ...(facts.presence ? { presence: facts.presence } : {}),
    ...(facts.routing ? { routing: facts.routing } : {}),
    ...(previous?.lastTriggeredAt !== undefined ? { lastTriggeredAt: previous.lastTriggeredAt } : {}),
    ...(previous?.version !== undefined ? { version: previous.version } : {}),
  }
  if (!available || wasAvailable(previous, policy)) return { kind: 'update', next: base, trigger: false, reason: 'no-transition' }
  // The trigger's time is the event's: the moment the condition was completed.
  const last = previous?.lastTriggeredAt
  if (last !== undefined && event.at - last < policy.cooldownMs) return { kind: 'update', next: base, trigger: false, reason: 'cooldown' }
  return { kind: 'update', next: { ...base, lastTriggeredAt: event.at }, trigger: true }
}
