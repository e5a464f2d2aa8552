/**
 * presence's use case: detect the transition into available, find the customers to message, leave out those
 * already messaged in the cap window, and publish one request per recipient.
 *
 * The cap itself is enforced by send, which reserves each customer atomically just before sending. Here it is
 * only read (one batched read per 100 recipients, no write per recipient), so a fan-out costs a Query, a few
 * BatchGetItems and the PutEvents calls, and an agent back from a break does not re-request customers
 * messaged earlier that day. Two triggers at the same moment may both request a customer: send messages one.
 *
 * Order matters for "never lost": requests are published before the agent's new state is saved. If publishing
 * fails the record is retried and the decision repeats with the same dedupe keys, which send recognises.
 * Once the state is saved, a redelivery of the event is stale and fires nothing.
 */
import { decideAvailability, type AvailabilityPolicy } from '../domain/availability.ts'
import type { AgentAvailabilityEvent } from '../domain/events.ts'
import type { MessageRequest, Session, TargetScope } from '../domain/model.ts'
import { agentInPilot, EVERYONE, filterPilotSessions, type PilotScope } from '../domain/pilot-scope.ts'
import type { AgentCapacityLookup, AgentStateRepository, MessageRequestPublisher, OutreachReservations, QueueDirectory, SendingModeSource, SessionRepository } from '../domain/ports.ts'
import { legacyCustomerKeys } from '../domain/address.ts'
import { isCapped, recipientKey, selectRecipients, windowOf, type TargetingResult } from '../domain/targeting.ts'
import { applyTriggerLimit, type TriggerLimitSettings } from './trigger-limit.ts'

export interface AvailabilityDeps {
  readonly agents: AgentStateRepository
  readonly sessions: SessionRepository
  readonly reservations: OutreachReservations
  readonly publisher: MessageRequestPublisher
  /** Needed for `queue` scope only. */
  readonly queues?: QueueDirectory
  /** The sending mode in force. Absent: live. */
  readonly mode?: SendingModeSource
  /** The agent's message capacity (MAX_MESSAGES_PER_TRIGGER=agent-capacity). Absent: as a failed lookup (the fallback). */
  readonly capacity?: AgentCapacityLookup
}

export interface AvailabilitySettings extends AvailabilityPolicy, TriggerLimitSettings {
  readonly scope: TargetScope
  readonly windowMs: number
  readonly capMs: number
  /** ENABLED_AGENT_IDS / ENABLED_QUEUE_IDS. Absent: everyone. */
  readonly pilot?: PilotScope
}

export type AvailabilityOutcome =
  | { readonly kind: 'stale' }
  | { readonly kind: 'no-trigger'; readonly reason: 'no-transition' | 'cooldown' }
  | {
      readonly kind: 'triggered'
      readonly sessionsFound: number
      readonly requested: number
      readonly suppressed: number
      /** Sending mode `paused`: customers that would have been requested. */
      readonly paused: number
      /** Customers whose session's queue is outside the pilot. */
      readonly outsidePilot: number
      /** Customers over the per-trigger limit: not requested now, still eligible for the next trigger. */
      readonly deferred: number
      /** The agent's capacity could not be read: FALLBACK_MESSAGES_PER_TRIGGER was the limit. */
      readonly capacityFallback: boolean
      readonly skipped: TargetingResult['skipped']
    }
  /** The agent is outside the pilot (ENABLED_AGENT_IDS): availability is tracked, nothing requested. */
  | { readonly kind: 'outside-pilot' }

const MAX_CONFLICT_RETRIES = 8

export async function handleAvailability(event: AgentAvailabilityEvent, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<AvailabilityOutcome> {
  let fannedOut: AvailabilityOutcome | undefined
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const previous = await deps.agents.get(event.agentId)
    const decision = decideAvailability(previous, event, settings)
    if (decision.kind === 'stale') return fannedOut ?? decision
    let outcome: AvailabilityOutcome = decision.trigger ? { kind: 'no-trigger', reason: 'no-transition' } : { kind: 'no-trigger', reason: decision.reason }
    if (decision.trigger) outcome = fannedOut ??= await fanOut(event, deps, settings)
    if ((await deps.agents.put(decision.next)) === 'written') return fannedOut ?? outcome
    // Another event for this agent was saved first: decide again against it. Customers already requested by
    // this trigger are not messaged twice: the dedupe keys and send's outreach ledger see to that.
  }
  throw new Error(`agent ${event.agentId.slice(0, 8)}…: too many concurrent writers, will retry`)
}

async function fanOut(event: AgentAvailabilityEvent, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<AvailabilityOutcome> {
  const pilot = settings.pilot ?? EVERYONE
  if (!agentInPilot(pilot, event.agentId)) return { kind: 'outside-pilot' }
  const sessions = await findSessions(event, deps, settings)
  const trigger = { agentId: event.agentId, eventId: event.eventId, at: event.at, scope: settings.scope }
  const selected = selectRecipients(sessions, trigger, settings.windowMs)
  const skipped = selected.skipped
  const { inside: requests, outside: outsidePilot } = filterPilotSessions(pilot, selected.requests)
  // Each customer's normalised key and the keys written before normalisation (address.ts): any standing one caps.
  const keys = requests.map((request) => [recipientKey(request.customer), ...legacyCustomerKeys(request.customer)])
  const reservations = requests.length > 0 ? await deps.reservations.reservationsOf([...new Set(keys.flat())]) : new Map()
  const approved: MessageRequest[] = requests.filter((request, index) => !(keys[index] ?? []).some((key) => isCapped(reservations.get(key), request.requestedAt, settings.capMs, request.dedupeKey)))
  const suppressed = requests.length - approved.length
  // Last filter: only customers who can actually be messaged count against the agent's limit.
  const { chosen, deferred, capacityFallback } = await applyTriggerLimit(approved, sessions, event.agentId, deps.capacity, settings)
  const counts = { sessionsFound: sessions.length, suppressed, outsidePilot, deferred, capacityFallback, skipped }
  // Paused: availability is still tracked (the caller saves the agent's state), nothing is requested.
  if ((await deps.mode?.current()) === 'paused') return { kind: 'triggered', ...counts, requested: 0, paused: chosen.length }
  if (chosen.length > 0) await deps.publisher.publish(chosen)
  return { kind: 'triggered', ...counts, requested: chosen.length, paused: 0 }
}

async function findSessions(event: AgentAvailabilityEvent, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<Session[]> {
  const { from, to } = windowOf(event.at, settings.windowMs)
  if (settings.scope === 'agent') return deps.sessions.findByAgent(event.agentId, from, to)
  // An activity event lists the queues the agent is active on: no Genesys call. Otherwise, the (cached) directory.
  const queueIds = event.activeQueueIds ?? (await queueDirectory(deps).queueIdsOf(event.agentId))
  const perQueue = await Promise.all(queueIds.map((queueId) => deps.sessions.findByQueue(queueId, from, to)))
  return perQueue.flat()
}

function queueDirectory(deps: AvailabilityDeps): QueueDirectory {
  if (!deps.queues) throw new Error('queue scope needs a queue directory (Genesys GET /api/v2/users/{userId}/queues)')
  return deps.queues
}
