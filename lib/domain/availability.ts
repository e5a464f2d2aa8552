/**
 * Detecting an agent's transition into available. A presence event says only the new state, so the previous
 * one is kept (AgentState) and only not-available → available fires, at most once per cooldown.
 */
import type { AgentAvailabilityEvent } from './events.ts'
import type { AgentState } from './model.ts'

export interface AvailabilityPolicy {
  /** systemPresence values that count as available (compared case-insensitively). */
  readonly availablePresences: readonly string[]
  /** routingStatus values that count as available (compared case-insensitively). */
  readonly availableRoutingStatuses: readonly string[]
  readonly cooldownMs: number
}

export type AvailabilityDecision =
  | { readonly kind: 'stale' } // duplicate or older than what is known: change nothing
  | { readonly kind: 'update'; readonly next: AgentState; readonly trigger: false; readonly reason: 'no-transition' | 'cooldown' }
  | { readonly kind: 'update'; readonly next: AgentState; readonly trigger: true }

const normalise = (value: string): string =>
  value
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_')
    .replace(/^ONQUEUE$/, 'ON_QUEUE')

export function isAvailable(event: AgentAvailabilityEvent, policy: AvailabilityPolicy): boolean {
  const accepted = event.signal === 'presence' ? policy.availablePresences : policy.availableRoutingStatuses
  const status = normalise(event.status)
  return accepted.some((value) => normalise(value) === status)
}

/** How many envelope ids of one instant are remembered; more events than this at one millisecond are not expected. */
const MAX_IDS_PER_INSTANT = 16

/**
 * Order rules: an event older than the newest applied one is stale. A redelivery (same envelope id) is stale. Two
 * different events at the same instant (presence and routing status, or two presence changes within a millisecond)
 * are both applied, and at one instant "available" wins: the result, and whether it fires, is the same in either
 * delivery order, and a real change into available is never dropped as a duplicate.
 */
export function decideAvailability(previous: AgentState | undefined, event: AgentAvailabilityEvent, policy: AvailabilityPolicy): AvailabilityDecision {
  if (previous && event.at < previous.observedAt) return { kind: 'stale' }
  const tie = previous !== undefined && event.at === previous.observedAt
  // A tie with a state saved before envelope ids were kept cannot tell a duplicate from a new event: stale, as before.
  if (tie && (previous.observedEventIds === undefined || previous.observedEventIds.includes(event.eventId))) return { kind: 'stale' }
  const availableBefore = tie ? previous.availableBefore === true : previous?.available === true
  const available = isAvailable(event, policy) || (tie && previous.available)
  const base: AgentState = {
    agentId: event.agentId,
    available,
    observedAt: event.at,
    observedEventIds: tie ? [...(previous.observedEventIds ?? []), event.eventId].slice(-MAX_IDS_PER_INSTANT) : [event.eventId],
    availableBefore,
    lastTriggeredAt: previous?.lastTriggeredAt,
    version: previous?.version,
  }
  if (!available || previous?.available || availableBefore) return { kind: 'update', next: base, trigger: false, reason: 'no-transition' }
  const last = previous?.lastTriggeredAt
  if (last !== undefined && event.at - last < policy.cooldownMs) return { kind: 'update', next: base, trigger: false, reason: 'cooldown' }
  return { kind: 'update', next: { ...base, lastTriggeredAt: event.at }, trigger: true }
}
