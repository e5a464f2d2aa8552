/** send's settings, ports and decisions: what the use case (send-message.ts) and its checks (send-checks.ts) share. */
import type { BusyPolicy } from '../domain/busy-customer.ts'
import type { Channel } from '../domain/model.ts'
import type { AgentlessRequest, ChannelSettings } from '../domain/payload.ts'
import type {
  AgentlessSendResult,
  CapLedger,
  Clock,
  ConversationAttributes,
  DeliveryLedger,
  GenesysMessageIds,
  GenesysMessaging,
  OptOutList,
  Pacer,
  SendingModeSource,
  SentMessageLog,
  SessionRepository,
} from '../domain/ports.ts'
import type { AgentAttributeOutcome } from './agent-attribute.ts'
import type { QuietHours } from './quiet-hours.ts'
import type { SessionMismatch } from './session-trust.ts'

export interface SendSettings {
  readonly maxDelayMs: number
  readonly channels: Readonly<Record<Channel, ChannelSettings>>
  readonly brand: string
  /** An attempt older than this that never finished died (the function's timeout): its outcome is unknown. */
  readonly attemptTimeoutMs: number
  /** One message per customer within this window, whichever trigger requested it. */
  readonly capMs: number
  /** Per channel; judged at the time of sending. Absent: no quiet hours. */
  readonly quietHours?: QuietHours
  /** WINDOW_HOURS: the request's session must have been active within this long before the trigger. */
  readonly windowMs: number
  /** ACTIVE_CONVERSATION_STALE_HOURS: a customer with a conversation still active is not messaged. */
  readonly busy?: BusyPolicy
}

export interface SendDeps {
  readonly genesys: GenesysMessaging
  /** Now: expiry, quiet hours, the cap's start, busy customers and the ledger's attempt ages are judged by it. */
  readonly clock: Clock
  readonly pacer: Pacer
  readonly ledger: DeliveryLedger
  /** The cap: one message per customer per cap window. */
  readonly cap: Pick<CapLedger, 'tryReserve' | 'release'>
  /** The opt-out list: checked again here, since a customer may opt out after being requested. */
  readonly optOuts: OptOutList
  /**
   * The sessions table as the session recorder wrote it: the session the request names must back it (`get`), and
   * the customer's other conversations (byCustomer index) decide whether they are busy.
   */
  readonly sessions: Pick<SessionRepository, 'get' | 'findByCustomer'>
  /** The sending mode in force (setting or operator override). Absent: live. */
  readonly mode?: SendingModeSource
  /** The latest message sent to each customer, which replies are matched against. Absent: replies not tracked. */
  readonly sentMessages?: SentMessageLog
  /** REPLY_AGENT_ATTRIBUTE=on: the triggering agent's id is written on the agentless conversation. Absent: off. */
  readonly agentAttributes?: ConversationAttributes
}

type Failure = Extract<AgentlessSendResult, { ok: false }>

export type SendDecision =
  | {
      readonly kind: 'sent'
      readonly status: number
      readonly messageId?: string
      readonly genesysConversationId?: string
      readonly ledgerError?: string
      /** The sent-message record (replies) could not be written: the message is sent all the same. */
      readonly sentRecordError?: string
      /** REPLY_AGENT_ATTRIBUTE=on: whether the agent attribute was written (best effort; the message is sent either way). */
      readonly agentAttribute?: AgentAttributeOutcome
    }
  | { readonly kind: 'expired'; readonly ageMs: number }
  /** The customer was messaged for another request within the cap window (another trigger got there first). */
  | { readonly kind: 'capped' }
  /** The sending mode is `paused`: nothing sent, no cap used. */
  | { readonly kind: 'paused' }
  /** No recorded session backs the request (absent, another customer, or outside the window): dead-lettered. */
  | { readonly kind: 'unknown-session'; readonly mismatch: SessionMismatch }
  /** The sending mode is `dry-run`: every check passed; `body` is what would have been sent, address masked. */
  | { readonly kind: 'dry-run'; readonly body: AgentlessRequest }
  /** The customer is on the opt-out list (opted out): nothing sent, no cap used. */
  | { readonly kind: 'opted-out' }
  /** The time of sending falls in the channel's quiet hours (`window`, as configured). */
  | { readonly kind: 'quiet-hours'; readonly window: string }
  /** The customer has a conversation still active (started after the request, another agent, back in queue). */
  | { readonly kind: 'customer-busy' }
  | { readonly kind: 'invalid'; readonly reason: 'invalid-payload'; readonly detail: string }
  /** Settled before. `unreported`: its outcome was not reported yet (the reporting failed): finish that. */
  | { readonly kind: 'duplicate'; readonly unreported?: { readonly state: 'sent' | 'dead-lettered'; readonly reason?: string; readonly genesys?: GenesysMessageIds } }
  | { readonly kind: 'permanent'; readonly result: Failure }
  /** `attemptStartedAt`: epoch ms (the pipeline's clock) the attempt whose answer was lost started: where a look-up searches from. */
  | { readonly kind: 'outcome-unknown'; readonly detail: string; readonly attemptStartedAt: number; readonly result?: Failure }
  /** `no-time-left`: pacing would outlast the invocation; handed back before anything was marked or sent. */
  | { readonly kind: 'retry'; readonly reason: 'rate-limited' | 'transient' | 'attempt-in-progress' | 'no-time-left'; readonly result?: Failure; readonly delaySeconds?: number }
