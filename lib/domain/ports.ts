/**
 * The ports the domain needs from the outside world. Adapters in lib/adapters implement them;
 * tests and the local cloud wire real adapters against local services.
 */
import type { LatencyMetricName, MetricName } from '../metrics-names.ts'
import type { AgentState, MessageRequest, Session } from './model.ts'
import type { CandidatePartition } from './open-candidates.ts'
import type { AgentlessRequest } from './payload.ts'
import type { OutcomeDetail } from './requests.ts'
import type { OptOut } from './opt-outs.ts'
import type { SendingMode } from './sending-mode.ts'
import type { LookupAnswer, LookupJob, LookupRecipient } from './unknown-outcome.ts'
import type { ReplyAnsweredDetail, ReplyMark, ReplyServedDetail, SentMessage, ServedMark } from './replies.ts'

export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** Result of a compare-and-set write. `conflict` means someone else wrote first: re-read and retry. */
export type WriteResult = 'written' | 'conflict'

export interface SessionRepository {
  get(conversationId: string): Promise<Session | undefined>
  /** Writes `next` if the stored version still equals `next.version` (absent ⇒ item must not exist). */
  put(next: Session): Promise<WriteResult>
  /**
   * The open candidates (open-candidates.ts) of one agent or queue whose `lastActiveAt` is in [from, to], in
   * priority order, read a page of `pageSize` at a time as the caller pulls them (a sparse index sorted by rank).
   */
  openCandidates(partition: CandidatePartition, from: number, to: number, pageSize: number): AsyncIterable<Session>
  /**
   * The customer's sessions whose `lastActiveAt` is `from` or later (index on the hashed customer key +
   * lastActiveAt). `customerKey`: address.ts `customerKey`, hashed by the adapter, never stored raw.
   */
  findByCustomer(customerKey: string, from: number): Promise<Session[]>
}

export interface AgentStateRepository {
  get(agentId: string): Promise<AgentState | undefined>
  /** Compare-and-set on `version`, as SessionRepository.put. */
  put(next: AgentState): Promise<WriteResult>
}

/** `capped`: another request holds the customer. Otherwise held for this request; `made`: by this call, at `at`. */
export type CapReservationResult = 'capped' | { readonly made: true; readonly at: number } | { readonly made: false }

/** A customer's standing reservation in the cap ledger. */
export interface CapReservation {
  readonly reservedAt: number
  readonly dedupeKey: string
}

/**
 * The cap: one message per customer per cap window, whichever trigger requested it. Send reserves each customer
 * just before its message goes out; presence reads the reservations to leave capped customers out before
 * publishing (a hint that saves requests, not the guarantee, which is `tryReserve`).
 */
export interface CapLedger {
  /**
   * Reserves `recipientKey` at `at` unless a reservation newer than `at - capMs` exists. Atomic (a conditional
   * write): of two concurrent callers at most one reserves. A standing reservation of the same request is
   * left as it is (`made: false`): a redelivery neither moves the cap's start nor is refused by its own hold.
   */
  tryReserve(recipientKey: string, at: number, capMs: number, dedupeKey: string): Promise<CapReservationResult>
  /** Gives back the reservation this request made at `at` (a request that was not sent); any other is left. */
  release(recipientKey: string, dedupeKey: string, at: number): Promise<void>
  /** The reservations held for these recipient keys, by recipient key; keys with none are absent. */
  reservationsOf(recipientKeys: readonly string[]): Promise<ReadonlyMap<string, CapReservation>>
}

/**
 * Presence's short claim on a customer it chooses, so two triggers at the same moment choose different customers.
 * A claim lapses at `until` by itself: a request that is never sent does not keep its customer from others.
 */
export interface CustomerClaims {
  /**
   * Claims `customerKey` for the trigger `triggerEventId` at `at` until `until`, unless another trigger holds an
   * unexpired claim on them. Atomic (a conditional write): of two concurrent callers at most one gets `true`; the
   * same trigger claiming again (a retry) gets `true`.
   */
  claim(customerKey: string, triggerEventId: string, at: number, until: number): Promise<boolean>
}

/** Which queues an agent belongs to (Genesys `GET /api/v2/users/{userId}/queues`). */
export interface QueueDirectory {
  queueIdsOf(agentId: string): Promise<string[]>
}

/**
 * How many messaging interactions an agent can take at once: the `message` media type's `maximumCapacity` from
 * Genesys `GET /api/v2/routing/users/{userId}/utilization` (the org default when the user has none). Rejects when
 * the lookup fails or the response has no usable capacity; the caller then uses its fallback and counts it.
 */
export interface AgentCapacityLookup {
  messageCapacityOf(agentId: string): Promise<number>
}

export interface MessageRequestPublisher {
  /** Publishes one `ProactiveMessageRequested` event per request; resolves once all are accepted. */
  publish(requests: readonly MessageRequest[]): Promise<void>
}

export type AgentlessSendResult =
  | { readonly ok: true; readonly status: number; readonly messageId?: string; readonly conversationId?: string }
  | {
      readonly ok: false
      /**
       * permanent: do not retry (400/403/404/409/413 or a preflight failure). transient: Genesys did not take it
       * (5xx other than 504, a refused connection): retry later. rate-limited: 429, retry after `retryAfterSeconds`.
       * unknown: the request may have been accepted (client timeout, 504, connection reset after sending).
       */
      readonly kind: 'permanent' | 'transient' | 'rate-limited' | 'unknown'
      readonly status?: number
      readonly code?: string
      readonly message?: string
      readonly contextId?: string
      /** Seconds, from `Retry-After` on a 429. */
      readonly retryAfterSeconds?: number
    }

export interface GenesysMessaging {
  sendAgentless(request: AgentlessRequest): Promise<AgentlessSendResult>
}

/**
 * Participant attributes on a message conversation: the triggering agent's id written on the agentless
 * conversation (REPLY_AGENT_ATTRIBUTE). Each method is one Genesys request; each throws on a failure.
 */
export interface ConversationAttributes {
  /** The id of the conversation's customer participant (purpose `customer`), or undefined when it has none. */
  customerParticipantId(conversationId: string): Promise<string | undefined>
  writeParticipantAttributes(conversationId: string, participantId: string, attributes: Readonly<Record<string, string>>): Promise<void>
}

/** What Genesys returned for a sent message (the agentless response), or what a look-up found. Ids only. */
export interface GenesysMessageIds {
  readonly conversationId?: string
  readonly messageId?: string
  /** `lookup`: the send's answer was lost and the analytics look-up found the conversation. */
  readonly recoveredBy?: 'lookup'
}

/** What the delivery ledger knows of one request (by dedupe key) when an attempt may not start. */
export type DeliveryState =
  | {
      readonly state: 'sent' | 'dead-lettered'
      /** Whether the outcome (event, dead letter) was reported; if not, a redelivery finishes reporting it. */
      readonly notified: boolean
      readonly reason?: string
      /** Sent: the ids Genesys returned (or a look-up found), kept so a late report carries them too. */
      readonly genesys?: GenesysMessageIds
    }
  | { readonly state: 'in-flight'; readonly startedAt: number }

/**
 * The send side's record of each request, by dedupe key: no request is sent twice, and one whose outcome is
 * unknown (the worker died after sending, or the call timed out) is never sent again automatically.
 */
export interface DeliveryLedger {
  /**
   * Claims the request for one attempt: `started`, unless it was sent, an attempt is (or was) under way, or it
   * was dead-lettered. `attempt`: the id of the queue message making this attempt, kept with the record.
   * `redriveOf`: an operator sent a dead letter back; it names the message whose attempt dead-lettered the request
   * (the dead letter's `sourceMessageId`), and only a match allows one more attempt, so a hand-written copy of a
   * dead-lettered request cannot pass for a redrive.
   */
  begin(dedupeKey: string, now: number, options?: { readonly attempt?: string; readonly redriveOf?: string }): Promise<'started' | DeliveryState>
  /**
   * Records how the attempt ended. `retryable`: Genesys certainly did not take it (429, 503, refused);
   * `dead-lettered`: handed to an operator; only a redrive may try it again. `genesys`: a sent message's ids.
   */
  finish(dedupeKey: string, outcome: 'sent' | 'retryable' | 'dead-lettered', now: number, reason?: string, genesys?: GenesysMessageIds): Promise<void>
  /** The outcome of a settled request was reported (outcome event published, dead letter written). */
  markNotified(dedupeKey: string): Promise<void>
}

/**
 * send's record of the latest message sent to each customer (by customer key, hashed by the adapter), and of the
 * agentless conversation it went out in: what replies are matched against and what reply routing answers.
 */
export interface SentMessageLog {
  /** Records `message` as the customer's latest unless a newer one is recorded. */
  recordSent(recipientKey: string, message: SentMessage): Promise<void>
}

/** A sent-message record as read back: `ref` names it for the conditional marks. */
export interface StoredSentMessage extends SentMessage {
  readonly ref: string
}

/** The session recorder's and the reply look-up's view of the sent-message records. */
export interface SentMessageRecords {
  /**
   * The latest message sent to the customer of this conversation: the message whose agentless conversation it is,
   * else the latest one sent to `customerKey` (address.ts `customerKey`). Neither known: undefined.
   */
  latestFor(lookup: { readonly conversationId?: string; readonly customerKey?: string }): Promise<StoredSentMessage | undefined>
  /** Marks the reply once; false when another reply (another event) was marked first. */
  markAnswered(message: StoredSentMessage, answer: ReplyMark): Promise<boolean>
  /** Marks who served the reply once; false when it was marked by another event first. */
  markServed(message: StoredSentMessage, served: ServedMark): Promise<boolean>
}

/** Publishes `ProactiveMessageAnswered` and `ProactiveReplyServed` on the app bus. */
export interface ReplyEventPublisher {
  answered(detail: ReplyAnsweredDetail): Promise<void>
  served(detail: ReplyServedDetail): Promise<void>
}

/** Extra dimensions of one data point, e.g. `{ channel: 'sms' }` (METRIC_DIMENSIONS in lib/metrics-names.ts). */
export type MetricDimensions = Readonly<Record<string, string>>

/** Where the functions report what they counted (EMF metrics in Lambda; the local cloud tallies them too). */
export interface Telemetry {
  /** With `dimensions`, the count is emitted twice: per service (what the alarms read) and per service and dimensions. */
  count(metric: MetricName, value?: number, dimensions?: MetricDimensions): void
  /** One duration in milliseconds, per service and `dimensions` (percentiles on the dashboard). Optional: a tally may ignore it. */
  duration?(metric: LatencyMetricName, milliseconds: number, dimensions: MetricDimensions): void
  /** A measured value (EMF unit Seconds), e.g. the time to reply. */
  measureSeconds?(metric: MetricName, seconds: number): void
}

/** Structured log lines; the adapter masks personal data and secrets in every field. */
export interface Log {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
}

/** Paces Genesys requests to the budget every send worker shares. */
export interface Pacer {
  /**
   * Resolves when a request may be sent (undefined), or at once with the wait it would need when that wait
   * would end after `deadline` (wall-clock epoch ms): the caller hands the record back instead of being killed
   * mid-wait by the function's timeout.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a pacer that never refuses returns Promise<void>
  acquire(deadline?: number): Promise<PacerRefusal | undefined | void>
  /** Nothing may be sent for `seconds` (a 429's Retry-After applies to the whole OAuth client). */
  pause(seconds: number): void
}

/** The pacer would have had to wait past the deadline: no slot was taken. */
export interface PacerRefusal {
  readonly waitMs: number
}

/** A queue message as the send use case sees it. */
export interface InboundMessage {
  readonly id: string
  readonly body: string
  /** How many times the queue has delivered it (1 on the first delivery). */
  readonly receiveCount: number
  /**
   * Wall-clock epoch ms after which a Genesys call started now could not finish and be settled within this
   * invocation (Lambda's remaining time less the request timeout and a margin). Unset: no limit (local runs).
   */
  readonly sendBy?: number
  /**
   * It carries a dead letter's attributes (`reason`, `sourceMessageId`): it claims to be an operator's redrive of
   * the dead letter written for that source message. The delivery ledger decides whether the claim holds.
   */
  readonly redriveOf?: string
  /** With `redriveOf`: the reason the dead letter carried (`outcome-unknown`, `genesys-rejected`, …). */
  readonly redriveReason?: string
  /** Opaque to the use case: what `Redelivery` needs to find this delivery again (SQS: queue ARN, receipt handle). */
  readonly delivery: { readonly queue: string; readonly receipt: string }
}

/** A message handed to an operator, with why. */
export interface DeadLetter {
  readonly body: string
  readonly reason: string
  readonly attributes?: Readonly<Record<string, string | number | undefined>>
}

export interface DeadLetters {
  send(letter: DeadLetter): Promise<void>
}

/** Publishes a request's outcome event (`ProactiveMessageSent` / `ProactiveMessageFailed`). */
export interface OutcomePublisher {
  publish(outcome: OutcomeDetail): Promise<void>
}

/** Has the queue deliver a message again, no sooner than `seconds` from now. */
export interface Redelivery {
  redeliverAfter(message: InboundMessage, seconds: number): Promise<void>
}

/** The operator's run-time sending-mode override (`proactive mode`), stored in the state table. */
export interface SendingModeOverrides {
  /** The override in force, if any. */
  read(): Promise<{ readonly mode: SendingMode; readonly changedAt: number } | undefined>
  write(mode: SendingMode, changedAt: number): Promise<void>
}

/** The mode a function acts on now: the override (read through a cache of at most 30 s), else the setting. */
export interface SendingModeSource {
  current(): Promise<SendingMode>
}

/**
 * The opt-out list, by customer key (address.ts `customerKey`, via opt-outs.ts). The adapter
 * stores and looks up only the key's SHA-256, never the address.
 */
export interface OptOutList {
  /** The keys among these that are on the list, with when each was added; keys not on it are absent. */
  optOutsOf(customerKeys: readonly string[]): Promise<ReadonlyMap<string, OptOut>>
}

/** Finds an agentless message in Genesys whose send's answer was lost (the analytics conversation-details query). */
export interface ConversationSearch {
  /**
   * An outbound messaging conversation to `recipient` that started in [from, to] (wall-clock epoch ms). `failed`:
   * the look-up itself failed (429, 5xx, 403, a timeout) or its answer was not the documented shape (`malformed`).
   */
  findAgentlessMessage(query: {
    readonly recipient: LookupRecipient
    readonly from: number
    readonly to: number
  }): Promise<LookupAnswer & { readonly malformed?: boolean; readonly retryAfterSeconds?: number }>
}

/** Puts a look-up job on the track queue, to be handled no sooner than `delaySeconds` from now. */
export interface FollowUps {
  lookUp(job: LookupJob, delaySeconds: number): Promise<void>
}

/** Puts a request back on the send queue, as it came (RESEND_IF_NOT_FOUND). */
export interface Resends {
  resend(sendBody: string): Promise<void>
}

/** The delivery ledger as the look-up sees it. */
export interface UnknownOutcomeLedger {
  /** The record's status and reason (`dead-lettered`, `outcome-unknown` while the look-up is under way). */
  read(dedupeKey: string): Promise<{ readonly status: string; readonly reason?: string; readonly notified: boolean } | undefined>
  /** Sets the record `sent` (not notified) with the ids found, if it is still dead-lettered as outcome-unknown. */
  recover(dedupeKey: string, genesys: GenesysMessageIds, now: number): Promise<boolean>
  /** Lets send start the request again (`retryable`), if it is still dead-lettered as outcome-unknown. */
  reopen(dedupeKey: string, now: number): Promise<boolean>
  markNotified(dedupeKey: string): Promise<void>
}
