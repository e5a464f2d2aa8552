/** presence's ports, settings and outcomes: what the use case (handle-availability.ts) and its fan-out share. */
import type { AvailabilityPolicy } from './availability.ts'
import type { MessageRequest, TargetScope } from '../domain/model.ts'
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
