/**
 * presence's use case: detect the transition into available, choose the customers to message (./fan-out.ts, whose
 * FAN_OUT_STEPS is the order of that choice), and publish one request per recipient.
 *
 * The cap itself is enforced by send, which reserves each customer atomically just before sending. Here it is
 * only read, and each chosen customer is claimed for a short while, so two triggers at the same moment choose
 * different customers; if both still request one, send messages it once.
 *
 * Order matters for "never lost" (docs/guarantees.md): decide → save the agent's new state WITH the trigger's
 * requests (the outbox, compare-and-set on the same item) → publish → clear the outbox (compare-and-set). If
 * publishing fails the record is retried; whoever processes this agent next (that retry, a redelivery judged
 * stale, or a newer event) first publishes a pending outbox, so a newer event saved in between can no longer
 * make the trigger's requests vanish. A republish carries the same dedupe keys, which send recognises.
 */
import { decideAvailability, type AvailabilityPolicy } from './availability.ts'
import type { AgentAvailabilityEvent } from '../domain/events.ts'
import type { AgentState, MessageRequest, PendingFanOut, TargetScope } from '../domain/model.ts'
import type { EligibilityRule } from './eligibility.ts'
import type { PilotScope } from './pilot-scope.ts'
import type {
  AgentCapacityLookup,
  AgentStateRepository,
  CapLedger,
  CustomerClaims,
  MessageRequestPublisher,
  OptOutList,
  QueueDirectory,
  SendingModeSource,
  SessionRepository,
} from '../domain/ports.ts'
import type { MessageLimitSetting } from './capacity.ts'
import type { BusyPolicy } from '../domain/busy-customer.ts'
import type { TargetingResult } from '../domain/targeting.ts'
import { fanOut } from './fan-out.ts'

export { fanOut, FAN_OUT_STEPS, MAX_OUTBOX_REQUESTS } from './fan-out.ts'

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
  /** Claims on chosen customers, so concurrent triggers share them out. Absent: no claim (one trigger at a time). */
  readonly claims?: CustomerClaims
}

export interface AvailabilitySettings extends AvailabilityPolicy {
  readonly scope: TargetScope
  readonly windowMs: number
  readonly capMs: number
  /** ENABLED_AGENT_IDS / ENABLED_QUEUE_IDS. Absent: everyone. */
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
  /** Sending mode `paused`: availability is tracked and the trigger counted; nothing read, nothing requested. */
  | { readonly kind: 'paused' }
) & {
  /** Outboxes of earlier triggers (a failed publish) this call published first: how many, and their requests. */
  readonly completedLate?: { readonly fanOuts: number; readonly requests: number }
}

export interface TriggeredOutcome {
  readonly kind: 'triggered'
  readonly sessionsFound: number
  readonly requested: number
  /** Customers messaged in the cap window (the cap ledger read). */
  readonly capped: number
  /** Customers another trigger had just claimed (a concurrent trigger of another agent): left to it. */
  readonly claimedElsewhere: number
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
  /**
   * Candidates read and not requested because the limit was filled: still eligible for a later trigger. The read
   * stops at the limit, so this counts those read past it, not every customer left in the window.
   */
  readonly deferred: number
  /** The agent's capacity could not be looked up: the fallback limit applied. */
  readonly capacityFallback: boolean
  /** Why the lookup failed (no personal data: a Genesys status and code, or the missing field). */
  readonly capacityLookupError?: string
  readonly skipped: TargetingResult['skipped']
}

/** What a trigger decided: the requests to publish, and the counts for the outcome. */
export interface FanOut {
  readonly outcome: TriggeredOutcome | { readonly kind: 'outside-pilot' } | { readonly kind: 'paused' }
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
