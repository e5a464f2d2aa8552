/**
 * presence's use case: detect the transition into available, find the customers to message, reserve each one
 * in the outreach ledger (one message per customer per cap window) and publish one request per recipient.
 *
 * Order matters for "never twice, never lost": requests are published before the agent's new state is saved.
 * If publishing fails the record is retried, the decision repeats with the same dedupe keys, and the ledger
 * lets the same key through again. Once the state is saved, a redelivery of the event is stale and fires nothing.
 */
import { decideAvailability, type AvailabilityPolicy } from '../domain/availability.ts'
import type { AgentAvailabilityEvent } from '../domain/events.ts'
import type { MessageRequest, Session, TargetScope } from '../domain/model.ts'
import type { AgentStateRepository, MessageRequestPublisher, OutreachLedger, QueueDirectory, SessionRepository } from '../domain/ports.ts'
import { recipientKey, selectRecipients, windowOf, type TargetingResult } from '../domain/targeting.ts'
import { mapConcurrently } from '../concurrency.ts'

export interface AvailabilityDeps {
  readonly agents: AgentStateRepository
  readonly sessions: SessionRepository
  readonly ledger: OutreachLedger
  readonly publisher: MessageRequestPublisher
  /** Needed for `queue` scope only. */
  readonly queues?: QueueDirectory
}

export interface AvailabilitySettings extends AvailabilityPolicy {
  readonly scope: TargetScope
  readonly windowMs: number
  readonly capMs: number
}

export type AvailabilityOutcome =
  | { readonly kind: 'stale' }
  | { readonly kind: 'no-trigger'; readonly reason: 'no-transition' | 'cooldown' }
  | {
      readonly kind: 'triggered'
      readonly sessionsFound: number
      readonly requested: number
      readonly suppressed: number
      readonly skipped: TargetingResult['skipped']
    }

const MAX_CONFLICT_RETRIES = 8
const RESERVATIONS_IN_FLIGHT = 32

export async function handleAvailability(event: AgentAvailabilityEvent, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<AvailabilityOutcome> {
  let fannedOut: AvailabilityOutcome | undefined
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const previous = await deps.agents.get(event.agentId)
    const decision = decideAvailability(previous, event, settings)
    if (decision.kind === 'stale') return fannedOut ?? decision
    let outcome: AvailabilityOutcome = decision.trigger ? { kind: 'no-trigger', reason: 'no-transition' } : { kind: 'no-trigger', reason: decision.reason }
    if (decision.trigger) outcome = fannedOut ??= await fanOut(event, deps, settings)
    if ((await deps.agents.put(decision.next)) === 'written') return fannedOut ?? outcome
    // Another event for this agent was saved first: decide again against it. Customers already reserved for
    // this trigger are not messaged twice: the ledger and the dedupe keys see to that.
  }
  throw new Error(`agent ${event.agentId.slice(0, 8)}…: too many concurrent writers, will retry`)
}

async function fanOut(event: AgentAvailabilityEvent, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<AvailabilityOutcome> {
  const sessions = await findSessions(event, deps, settings)
  const trigger = { agentId: event.agentId, eventId: event.eventId, at: event.at, scope: settings.scope }
  const { requests, skipped } = selectRecipients(sessions, trigger, settings.windowMs)
  // One conditional write per recipient: run them side by side, or a large fan-out outlasts the function.
  const reserved = await mapConcurrently(requests, RESERVATIONS_IN_FLIGHT, (request) =>
    deps.ledger.tryReserve(recipientKey(request.customer), request.requestedAt, settings.capMs, request.dedupeKey),
  )
  const approved: MessageRequest[] = requests.filter((_request, index) => reserved[index])
  if (approved.length > 0) await deps.publisher.publish(approved)
  return { kind: 'triggered', sessionsFound: sessions.length, requested: approved.length, suppressed: requests.length - approved.length, skipped }
}

async function findSessions(event: AgentAvailabilityEvent, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<Session[]> {
  const { from, to } = windowOf(event.at, settings.windowMs)
  if (settings.scope === 'agent') return deps.sessions.findByAgent(event.agentId, from, to)
  if (!deps.queues) throw new Error('queue scope needs a queue directory (Genesys GET /api/v2/users/{userId}/queues)')
  const queueIds = await deps.queues.queueIdsOf(event.agentId)
  const perQueue = await Promise.all(queueIds.map((queueId) => deps.sessions.findByQueue(queueId, from, to)))
  return perQueue.flat()
}
