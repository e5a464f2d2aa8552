/**
 * presence's use case: detect the transition into available, find the customers to message, leave out those
 * already messaged in the cap window, limit them to what the agent can serve, and publish one request per
 * recipient.
 *
 * Fan-out order: select the recipients (window, one per customer) → pilot queues → eligibility (ELIGIBLE_SESSIONS,
 * EXCLUDE_WRAPUP_CODES: lib/presence/eligibility.ts) → opt-outs → the cap read → the per-trigger
 * limit (lib/presence/capacity.ts: never-served first, then newest; the rest deferred, nothing written for them,
 * so a later trigger finds them again) → sending mode → publish. Every filter runs before the limit, so the
 * limit counts only customers who can actually be messaged.
 *
 * The cap itself is enforced by send, which reserves each customer atomically just before sending. Here it is
 * only read (one batched read per 100 recipients, no write per recipient), so a fan-out costs a Query, a few
 * BatchGetItems and the PutEvents calls, and an agent back from a break does not re-request customers
 * messaged earlier that day. Two triggers at the same moment may both request a customer: send messages one.
 *
 * Order matters for "never lost" (docs/guarantees.md): decide → save the agent's new state WITH the trigger's
 * requests (the outbox, compare-and-set on the same item) → publish → clear the outbox (compare-and-set). If
 * publishing fails the record is retried; whoever processes this agent next (that retry, a redelivery judged
 * stale, or a newer event) first publishes a pending outbox, so a newer event saved in between can no longer
 * make the trigger's requests vanish. A republish carries the same dedupe keys, which send recognises.
 */
import { decideAvailability, type AvailabilityPolicy } from './availability.ts'
import type { AgentAvailabilityEvent } from '../domain/events.ts'
import type { AgentState, MessageRequest, PendingFanOut, Session, TargetScope } from '../domain/model.ts'
import { EVERY_SESSION, filterEligible, type EligibilityRule } from './eligibility.ts'
import { optOutKeyOfCustomer, withoutOptedOut } from '../domain/opt-outs.ts'
import { agentInPilot, EVERYONE, filterPilotSessions, type PilotScope } from './pilot-scope.ts'
import type { AgentCapacityLookup, AgentStateRepository, CapLedger, MessageRequestPublisher, OptOutList, QueueDirectory, SendingModeSource, SessionRepository } from '../domain/ports.ts'
import { AGENT_CAPACITY, limitRecipients, priorityFactsOf, type MessageLimitSetting } from './capacity.ts'
import { busyLookupFrom, isCustomerBusy, type BusyPolicy } from '../domain/busy-customer.ts'
import { mapConcurrently } from '../concurrency.ts'
import { isCapped, recipientKey, selectRecipients, windowOf, type TargetingResult } from '../domain/targeting.ts'

export interface AvailabilityDeps {
  readonly agents: AgentStateRepository
  readonly sessions: SessionRepository
  readonly reservations: Pick<CapLedger, 'reservationsOf'>
  readonly publisher: MessageRequestPublisher
  /** The opt-out list: customers on it are never requested. */
  readonly optOuts: OptOutList
  /** Needed for `queue` scope only. */
  readonly queues?: QueueDirectory
  /** The sending mode in force. Absent: live. */
  readonly mode?: SendingModeSource
  /** The agent's messaging capacity (MAX_MESSAGES_PER_TRIGGER=agent-capacity). */
  readonly capacity?: AgentCapacityLookup
}

export interface AvailabilitySettings extends AvailabilityPolicy {
  readonly scope: TargetScope
  readonly windowMs: number
  readonly capMs: number
  /** ENABLED_AGENT_IDS / ENABLED_QUEUE_IDS / ENABLED_CHANNELS. Absent: everyone. */
  readonly pilot?: PilotScope
  /** ACTIVE_CONVERSATION_STALE_HOURS: customers with an active conversation are left alone. */
  readonly busy: BusyPolicy
  /** MAX_MESSAGES_PER_TRIGGER and FALLBACK_MESSAGES_PER_TRIGGER. Absent: no limit. */
  readonly perTrigger?: { readonly limit: MessageLimitSetting; readonly fallback: number }
  /** ELIGIBLE_SESSIONS and EXCLUDE_WRAPUP_CODES. Absent: every session. */
  readonly eligibility?: EligibilityRule
}

export type AvailabilityOutcome = (
  | { readonly kind: 'stale' }
  | { readonly kind: 'no-trigger'; readonly reason: 'no-transition' | 'cooldown' }
  | TriggeredOutcome
  /** The agent is outside the pilot (ENABLED_AGENT_IDS): availability is tracked, nothing requested. */
  | { readonly kind: 'outside-pilot' }
) & {
  /** Outboxes of earlier triggers (a failed publish) this call published first: how many, and their requests. */
  readonly completedLate?: { readonly fanOuts: number; readonly requests: number }
}

export interface TriggeredOutcome {
  readonly kind: 'triggered'
  readonly sessionsFound: number
  readonly requested: number
  readonly capped: number
  /** Sending mode `paused`: customers that would have been requested. */
  readonly paused: number
  /** Customers whose session's queue is outside the pilot. */
  readonly outsidePilot: number
  /** Customers whose conversation is not eligible (ELIGIBLE_SESSIONS=unserved, EXCLUDE_WRAPUP_CODES). */
  readonly ineligible: number
  /** Customers on the opt-out list (opted out): not requested. */
  readonly optedOut: number
  /** Customers left alone: one of their conversations is still active (busy-customer.ts). */
  readonly customerBusy: number
  /** Approved customers beyond MAX_OUTBOX_REQUESTS: not requested (the outbox must fit in one item). */
  readonly overOutboxLimit: number
  /** Customers over the per-trigger limit: not requested now, still eligible for a later trigger. */
  readonly deferred: number
  /** The agent's capacity could not be looked up: the fallback limit applied. */
  readonly capacityFallback: boolean
  /** Why the lookup failed (no personal data: a Genesys status and code, or the missing field). */
  readonly capacityLookupError?: string
  readonly skipped: TargetingResult['skipped']
}

/** What a trigger decided: the requests to publish, and the counts for the outcome. */
export interface FanOut {
  readonly outcome: TriggeredOutcome | { readonly kind: 'outside-pilot' }
  readonly requests: readonly MessageRequest[]
}

/**
 * The trigger's requests are saved in the agent's state, but publishing them failed: the record must be
 * retried (SQS), and the next processing of this agent publishes them first. Carries the trigger's outcome so
 * the caller can count it before handing the record back.
 */
export class FanOutPendingError extends Error {
  override readonly name = 'FanOutPendingError'
  constructor(
    readonly outcome: TriggeredOutcome,
    readonly pending: number,
    override readonly cause: unknown,
  ) {
    super(`${pending} request(s) kept in the agent's outbox, not yet published: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
}

const MAX_CONFLICT_RETRIES = 8
/**
 * The outbox lives in the `agent#` item, and a DynamoDB item holds at most 400 KB. A request is well under 1 KB
 * (ids, channel, address), so 250 stay under about 250 KB with the rest of the state. The per-trigger limit
 * (MAX_MESSAGES_PER_TRIGGER) keeps a trigger to a handful; this bound only guards a misconfiguration.
 */
export const MAX_OUTBOX_REQUESTS = 250

export async function handleAvailability(event: AgentAvailabilityEvent, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<AvailabilityOutcome> {
  let fannedOut: FanOut | undefined
  const late = { fanOuts: 0, requests: 0 }
  const withLate = (outcome: AvailabilityOutcome): AvailabilityOutcome => (late.fanOuts > 0 ? { ...outcome, completedLate: { ...late } } : outcome)
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const previous = await deps.agents.get(event.agentId)
    if (previous?.pending) {
      // An earlier trigger of this agent is not (known to be) published: finish it before anything else.
      await deps.publisher.publish(previous.pending.requests)
      late.fanOuts++
      late.requests += previous.pending.requests.length
      await clearOutbox(deps, previous, previous.pending.triggerEventId)
      continue
    }
    const decision = decideAvailability(previous, event, settings)
    // Stale, also after losing a race: the state that won holds this event's facts (and any outbox is done above).
    if (decision.kind === 'stale') return withLate(decision)
    if (!decision.trigger) {
      if ((await deps.agents.put(decision.next)) === 'written') return withLate({ kind: 'no-trigger', reason: decision.reason })
      continue
    }
    fannedOut ??= await fanOut(event, deps, settings)
    const { outcome, requests } = fannedOut
    const pending: PendingFanOut | undefined = requests.length > 0 ? { triggerEventId: event.eventId, requests } : undefined
    const saved: AgentState = pending ? { ...decision.next, pending } : decision.next
    // Lost the race: another event for this agent was saved first. Decide again against it; nothing was published.
    if ((await deps.agents.put(saved)) === 'conflict') continue
    if (!pending || outcome.kind !== 'triggered') return withLate(outcome)
    try {
      await deps.publisher.publish(pending.requests)
    } catch (error) {
      throw new FanOutPendingError(outcome, pending.requests.length, error)
    }
    await clearOutbox(deps, { ...saved, version: (saved.version ?? 0) + 1 }, pending.triggerEventId)
    return withLate(outcome)
  }
  throw new Error(`agent ${event.agentId.slice(0, 8)}…: too many concurrent writers, will retry`)
}

/**
 * Removes the outbox of `triggerEventId` once its requests are published. `state` is the item as last known; on
 * a conflict it is read again: gone or another trigger's outbox ⇒ nothing to clear (someone else published ours);
 * still ours ⇒ cleared without publishing again. Giving up leaves it for the next processing, which republishes
 * it: send recognises the dedupe keys, so that costs a duplicate event, never a duplicate message.
 */
async function clearOutbox(deps: AvailabilityDeps, state: AgentState, triggerEventId: string): Promise<void> {
  let current: AgentState | undefined = state
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    if (current?.pending?.triggerEventId !== triggerEventId) return
    const { pending: _published, ...cleared } = current
    if ((await deps.agents.put(cleared)) === 'written') return
    current = await deps.agents.get(state.agentId)
  }
}

export async function fanOut(event: AgentAvailabilityEvent, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<FanOut> {
  const pilot = settings.pilot ?? EVERYONE
  if (!agentInPilot(pilot, event.agentId)) return { outcome: { kind: 'outside-pilot' }, requests: [] }
  const sessions = await findSessions(event, deps, settings)
  const trigger = { agentId: event.agentId, eventId: event.eventId, at: event.at, scope: settings.scope }
  const selected = selectRecipients(sessions, trigger, settings.windowMs)
  const skipped = selected.skipped
  const { inside: inPilot, outside: outsidePilot } = filterPilotSessions(pilot, selected.requests)
  const sessionOf = new Map(sessions.map((session) => [session.conversationId, session]))
  // Every filter that removes a customer runs before the cap read and the per-trigger limit.
  const { kept: eligible, ineligible } = filterEligible(inPilot, (id) => sessionOf.get(id), settings.eligibility ?? EVERY_SESSION)
  const { kept: notOptedOut, optedOut } = await withoutOptOuts(eligible, deps)
  const { free: requests, busy: customerBusy } = await withoutBusyCustomers(notOptedOut, sessions, deps, event.at, settings.busy)
  const keys = requests.map((request) => recipientKey(request.customer))
  const reservations = requests.length > 0 ? await deps.reservations.reservationsOf([...new Set(keys)]) : new Map()
  const uncapped: MessageRequest[] = requests.filter((request, index) => !isCapped(reservations.get(keys[index] ?? ''), request.requestedAt, settings.capMs, request.dedupeKey))
  const capped = requests.length - uncapped.length
  // Filters first, then the limit: it counts only customers who can actually be messaged.
  const perTrigger = await perTriggerLimit(event.agentId, uncapped.length, deps, settings)
  const factsOf = (request: MessageRequest) => {
    const session = sessionOf.get(request.conversationId)
    return session ? priorityFactsOf(session) : { conversationId: request.conversationId, lastActiveAt: request.requestedAt, abandoned: false }
  }
  const { chosen, deferred } = perTrigger.limit === undefined ? { chosen: uncapped, deferred: [] } : limitRecipients(uncapped, perTrigger.limit, factsOf)
  const approved = chosen.slice(0, MAX_OUTBOX_REQUESTS)
  const overOutboxLimit = chosen.length - approved.length
  const lookupError = perTrigger.error === undefined ? {} : { capacityLookupError: perTrigger.error }
  const counts = {
    sessionsFound: sessions.length,
    capped,
    outsidePilot,
    ineligible,
    optedOut,
    customerBusy,
    overOutboxLimit,
    deferred: deferred.length,
    capacityFallback: perTrigger.error !== undefined,
    ...lookupError,
    skipped,
  }
  // Paused: availability is still tracked (the caller saves the agent's state), nothing is requested.
  if ((await deps.mode?.current()) === 'paused') return { outcome: { kind: 'triggered', ...counts, requested: 0, paused: approved.length }, requests: [] }
  return { outcome: { kind: 'triggered', ...counts, requested: approved.length, paused: 0 }, requests: approved }
}

/** How many of this trigger's customers to request: the setting, or the agent's capacity (the fallback if unknown). */
async function perTriggerLimit(agentId: string, candidates: number, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<{ limit?: number; error?: string }> {
  const perTrigger = settings.perTrigger
  if (!perTrigger) return {}
  if (perTrigger.limit !== AGENT_CAPACITY) return { limit: perTrigger.limit }
  // Nobody to message: no Genesys call.
  if (candidates === 0) return { limit: 0 }
  try {
    if (!deps.capacity) throw new Error('no capacity lookup wired')
    return { limit: await deps.capacity.messageCapacityOf(agentId) }
  } catch (error) {
    // A failed or malformed lookup never fails the trigger: the fallback applies, and the caller counts it.
    return { limit: perTrigger.fallback, error: error instanceof Error ? error.message : String(error) }
  }
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

/** The requests whose customer has not opted out: one batched read of the opt-out list. */
async function withoutOptOuts(requests: MessageRequest[], deps: AvailabilityDeps): Promise<{ kept: MessageRequest[]; optedOut: number }> {
  if (requests.length === 0) return { kept: requests, optedOut: 0 }
  return withoutOptedOut(requests, await deps.optOuts.optOutsOf(requests.map((request) => optOutKeyOfCustomer(request.customer))))
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
