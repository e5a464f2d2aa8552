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
import type { AgentStateRepository, MessageRequestPublisher, OutreachReservations, QueueDirectory, SendingModeSource, SessionRepository } from '../domain/ports.ts'
import { legacyCustomerKeys } from '../domain/address.ts'
import { busyLookupFrom, isCustomerBusy, type BusyPolicy } from '../domain/busy-customer.ts'
import { mapConcurrently } from '../concurrency.ts'
import { isCapped, recipientKey, selectRecipients, windowOf, type TargetingResult } from '../domain/targeting.ts'

export interface AvailabilityDeps {
  readonly agents: AgentStateRepository
  readonly sessions: SessionRepository
  readonly reservations: OutreachReservations
  readonly publisher: MessageRequestPublisher
  /** Needed for `queue` scope only. */
  readonly queues?: QueueDirectory
  /** The sending mode in force. Absent: live. */
  readonly mode?: SendingModeSource
}

export interface AvailabilitySettings extends AvailabilityPolicy {
  readonly scope: TargetScope
  readonly windowMs: number
  readonly capMs: number
  /** ENABLED_AGENT_IDS / ENABLED_QUEUE_IDS. Absent: everyone. */
  readonly pilot?: PilotScope
  /** ACTIVE_CONVERSATION_STALE_HOURS: customers with an active conversation are left alone. */
  readonly busy: BusyPolicy
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
      /** Customers left alone: one of their conversations is still active (busy-customer.ts). */
      readonly customerBusy: number
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
  const { inside: pilotRequests, outside: outsidePilot } = filterPilotSessions(pilot, selected.requests)
  const { free: requests, busy: customerBusy } = await withoutBusyCustomers(pilotRequests, sessions, deps, event.at, settings.busy)
  // Each customer's normalised key and the keys written before normalisation (address.ts): any standing one caps.
  const keys = requests.map((request) => [recipientKey(request.customer), ...legacyCustomerKeys(request.customer)])
  const reservations = requests.length > 0 ? await deps.reservations.reservationsOf([...new Set(keys.flat())]) : new Map()
  const approved: MessageRequest[] = requests.filter((request, index) => !(keys[index] ?? []).some((key) => isCapped(reservations.get(key), request.requestedAt, settings.capMs, request.dedupeKey)))
  const suppressed = requests.length - approved.length
  // Paused: availability is still tracked (the caller saves the agent's state), nothing is requested.
  if ((await deps.mode?.current()) === 'paused') {
    return { kind: 'triggered', sessionsFound: sessions.length, requested: 0, suppressed, paused: approved.length, outsidePilot, customerBusy, skipped }
  }
  if (approved.length > 0) await deps.publisher.publish(approved)
  return { kind: 'triggered', sessionsFound: sessions.length, requested: approved.length, suppressed, paused: 0, outsidePilot, customerBusy, skipped }
}

/** Customer lookups (one Query each on the byCustomer index) in flight at once. */
const BUSY_LOOKUPS_IN_FLIGHT = 8

/**
 * Leaves out customers with a conversation still active at the trigger's time (lib/domain/busy-customer.ts):
 * chatting with another agent, back in queue after a transfer, or not ended yet. Their other conversations come
 * from the byCustomer index; the session that selected them is judged too (one recorded before that index
 * existed is not in it).
 */
async function withoutBusyCustomers(
  requests: readonly MessageRequest[],
  found: readonly Session[],
  deps: AvailabilityDeps,
  now: number,
  policy: BusyPolicy,
): Promise<{ free: MessageRequest[]; busy: number }> {
  const own = new Map(found.map((session) => [session.conversationId, session]))
  const busy = await mapConcurrently(requests, BUSY_LOOKUPS_IN_FLIGHT, async (request) => {
    const selected = own.get(request.conversationId)
    if (selected && isCustomerBusy([selected], now, policy)) return true
    return isCustomerBusy(await deps.sessions.findByCustomer(recipientKey(request.customer), busyLookupFrom(now, policy)), now, policy)
  })
  const free = requests.filter((_, index) => !busy[index])
  return { free, busy: requests.length - free.length }
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
