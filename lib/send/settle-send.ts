/**
 * send's settlement: what happens to a request once `sendMessage` has decided (or the request could not be
 * read). The entry point that reads, decides and settles is handle-send-request.ts. Each decision kind has one plan in SETTLEMENTS; `settle` carries every plan out in one fixed order:
 *
 *   count → log → dead-letter → report the outcome → hand to the look-up → mark notified → schedule the retry (and leave unacknowledged)
 *
 * The order is the "never lost, never twice" guarantee. The dead letter is written before the outcome is
 * reported, and both before the ledger is marked notified: if any step fails the record is redelivered, and
 * the ledger (settled, not notified) has the redelivery finish the reporting without sending again.
 *
 * A new outcome kind is a new member of `SendDecision` plus its entry in SETTLEMENTS (the compiler asks for it).
 */
import type { EventValidationError } from '../domain/events.ts'
import type { MessageRequest } from '../domain/model.ts'
import type { DeadLetter, DeadLetters, FollowUps, InboundMessage, Log, OutcomePublisher, Redelivery, Telemetry } from '../domain/ports.ts'
import { lookupRecipientOf, type LookupJob } from '../domain/unknown-outcome.ts'
import type { OutcomeDetail } from '../domain/requests.ts'
import { retryDelaySeconds, RetryLater } from './retry.ts'
import { shortId } from '../domain/short-id.ts'
import { CHANNEL_METRICS, METRIC_DIMENSIONS, METRIC_NAMES, type MetricName } from '../metrics-names.ts'
import type { SendDecision, SendDeps } from './send-message.ts'

/** The outcome event's own fields; the request's ids are added by `settle`. */
export type OutcomeReport = Omit<OutcomeDetail, 'dedupeKey' | 'conversationId' | 'channel' | 'agentId' | 'requestedAt'>

/** What to do with one request, as data. `settle` does it in a fixed order; each step is optional. */
export interface Settlement {
  /** Counted first, whatever happens next. */
  readonly counts: readonly MetricName[]
  readonly log: { readonly level: 'info' | 'warn'; readonly message: string; readonly fields?: Readonly<Record<string, unknown>> }
  /** Written to the dead-letter queue (with the message's id) before the outcome is reported. */
  readonly deadLetter?: Omit<DeadLetter, 'body'>
  /** The outcome event, published after the dead letter. Needs a readable request. */
  readonly report?: OutcomeReport
  /**
   * The send's answer was lost: a look-up job for the track function (it looks the message up in Genesys), after
   * the outcome would have been reported and before the ledger is marked, so a failure here is retried.
   */
  readonly followUp?: { readonly job: LookupJob; readonly delaySeconds: number }
  /** Record in the delivery ledger that the outcome was reported: last, so a failure before it reports again, never sends again. */
  readonly markNotified?: boolean
  /** Not acknowledged: the queue delivers it again after `afterSeconds`. */
  readonly retry?: { readonly afterSeconds: number; readonly reason: string }
}

export interface SettleSettings {
  readonly maxDelayMinutes: number
  readonly capHours: number
  readonly retryBaseSeconds: number
  readonly retryMaxSeconds: number
  /**
   * UNKNOWN_OUTCOME_LOOKUPS: when each look-up of an unknown outcome is due, ms after the attempt started. Empty:
   * no look-up, the request is dead-lettered `outcome-unknown` at once.
   */
  readonly lookupScheduleMs?: readonly number[]
}

export interface SettleDeps {
  readonly deadLetters: DeadLetters
  readonly outcomes: OutcomePublisher
  readonly redelivery: Redelivery
  readonly ledger: Pick<SendDeps['ledger'], 'markNotified'>
  readonly telemetry: Telemetry
  readonly log: Log
  /** The track queue (look-ups of unknown outcomes); needed when `lookupScheduleMs` is not empty. */
  readonly followUps?: FollowUps
}

type Decision<K extends SendDecision['kind']> = Extract<SendDecision, { kind: K }>
type Plan<K extends SendDecision['kind']> = (decision: Decision<K>, context: PlanContext) => Settlement
interface PlanContext {
  readonly request: MessageRequest
  readonly message: InboundMessage
  readonly settings: SettleSettings
  /** Ids for the log line: never the customer's address. */
  readonly fields: Readonly<Record<string, unknown>>
}

/** One plan per decision kind. */
const SETTLEMENTS: { readonly [K in SendDecision['kind']]: Plan<K> } = {
  sent: (decision, { fields }) => {
    const attribute = decision.agentAttribute
    const counts: MetricName[] = [METRIC_NAMES.messagesSent]
    if (decision.sentRecordError !== undefined) counts.push(METRIC_NAMES.sentRecordsFailed)
    if (attribute) counts.push(attribute.written ? METRIC_NAMES.agentAttributesWritten : METRIC_NAMES.agentAttributeFailures)
    const attributeError = attribute && !attribute.written ? { agentAttributeError: attribute.error } : {}
    return {
      counts,
      log:
        decision.sentRecordError === undefined
          ? { level: attribute && !attribute.written ? 'warn' : 'info', message: 'message sent', fields: { ...fields, status: decision.status, ...attributeError } }
          : {
              level: 'warn',
              message: 'message sent; its sent-message record was not written: a reply will not be recognised',
              fields: { ...fields, status: decision.status, error: decision.sentRecordError, ...attributeError },
            },
      report: { outcome: 'sent', genesys: { status: decision.status, messageId: decision.messageId, conversationId: decision.genesysConversationId } },
      markNotified: true,
    }
  },
  expired: (decision, { fields, settings }) => ({
    counts: [METRIC_NAMES.messagesExpired],
    log: { level: 'info', message: 'request expired: not sent', fields: { ...fields, ageMs: decision.ageMs } },
    report: { outcome: 'expired', reason: `older than ${settings.maxDelayMinutes} minutes` },
  }),
  capped: (_decision, { fields, settings }) => ({
    counts: [METRIC_NAMES.messagesCapped],
    log: { level: 'info', message: 'customer already messaged within the cap window: not sent', fields },
    report: { outcome: 'capped', reason: `customer messaged within the last ${settings.capHours} hours` },
  }),
  paused: (_decision, { fields }) => ({
    counts: [METRIC_NAMES.messagesPaused],
    log: { level: 'info', message: 'sending mode paused: not sent', fields },
    report: { outcome: 'paused', reason: 'sending mode paused' },
  }),
  'unknown-session': (decision, { fields }) => ({
    counts: [METRIC_NAMES.requestsUnknownSession],
    log: { level: 'warn', message: 'no recorded session backs the request: dead-lettered', fields: { ...fields, mismatch: decision.mismatch } },
    deadLetter: { reason: 'unknown-session', attributes: { detail: decision.mismatch } },
    report: { outcome: 'dead-lettered', reason: 'unknown-session' },
  }),
  'dry-run': (decision, { fields }) => ({
    counts: [METRIC_NAMES.messagesDryRun],
    log: { level: 'info', message: 'dry run: every check passed, not sent', fields },
    report: { outcome: 'dry-run', reason: 'sending mode dry-run', body: decision.body },
  }),
  'opted-out': (_decision, { fields }) => ({
    counts: [METRIC_NAMES.messagesOptedOut],
    log: { level: 'info', message: 'customer on the opt-out list (opted out): not sent', fields },
    report: { outcome: 'opted-out', reason: 'customer on the opt-out list' },
  }),
  'customer-busy': (_decision, { fields }) => ({
    counts: [METRIC_NAMES.messagesCustomerBusy],
    log: { level: 'info', message: 'customer has a conversation still active: not sent', fields },
    report: { outcome: 'customer-busy', reason: 'customer has a conversation still active' },
  }),
  'quiet-hours': (decision, { fields }) => ({
    counts: [METRIC_NAMES.messagesQuietHours],
    log: { level: 'info', message: "time of sending in the channel's quiet hours: not sent", fields: { ...fields, window: decision.window } },
    report: { outcome: 'quiet-hours', reason: `quiet hours ${decision.window}` },
  }),
  invalid: (decision, { fields }) => ({
    counts: [METRIC_NAMES.messagesFailed],
    log: { level: 'warn', message: 'request fails preflight: dead-lettered', fields: { ...fields, detail: decision.detail } },
    deadLetter: { reason: decision.reason, attributes: { detail: decision.detail } },
    report: { outcome: 'dead-lettered', reason: decision.reason },
  }),
  permanent: ({ result: { status, code, message, contextId } }, { fields }) => ({
    counts: [METRIC_NAMES.messagesFailed, METRIC_NAMES.genesysPermanentFailures],
    log: { level: 'warn', message: 'Genesys refused the message: dead-lettered', fields: { ...fields, status, code, contextId } },
    deadLetter: { reason: 'genesys-rejected', attributes: { genesysStatus: status, genesysCode: code, genesysMessage: message, contextId } },
    report: { outcome: 'dead-lettered', reason: 'genesys-rejected', genesys: { status, code, contextId } },
    markNotified: true,
  }),
  duplicate: ({ unreported }, context) => {
    const { fields, request } = context
    // An unknown outcome whose hand-over to the look-up did not finish (the job or its mark failed): hand it over
    // again rather than report it dead-lettered, which a look-up finding it sent would then contradict. A second
    // job is harmless: track settles a request once. The attempt began after the request, so the look-up's
    // interval starts at the request's time.
    if (unreported?.state === 'dead-lettered' && (unreported.reason ?? 'outcome-unknown') === 'outcome-unknown') {
      const handedOver = SETTLEMENTS['outcome-unknown']({ kind: 'outcome-unknown', detail: 'its hand-over to the look-up did not finish', attemptStartedAt: request.requestedAt }, context)
      if (handedOver.followUp) return handedOver
    }
    if (!unreported) {
      return { counts: [METRIC_NAMES.duplicatesAcknowledged], log: { level: 'info', message: 'already settled (sent or dead-lettered): duplicate delivery acknowledged', fields } }
    }
    // Settled earlier, but reporting it failed: finish reporting, send nothing.
    const log = { level: 'info', message: 'settled earlier: reporting the outcome', fields: { ...fields, state: unreported.state } } as const
    if (unreported.state === 'sent') {
      const { conversationId, messageId, recoveredBy } = unreported.genesys ?? {}
      const genesys = conversationId || messageId ? { genesys: { ...(messageId ? { messageId } : {}), ...(conversationId ? { conversationId } : {}) } } : {}
      return { counts: [], log, report: { outcome: 'sent', ...genesys, ...(recoveredBy ? { recoveredBy } : {}) }, markNotified: true }
    }
    const reason = unreported.reason ?? 'outcome-unknown'
    return {
      counts: [],
      log,
      deadLetter: { reason, attributes: { detail: 'dead-lettered by an earlier attempt whose report failed' } },
      report: { outcome: 'dead-lettered', reason },
      markNotified: true,
    }
  },
  'outcome-unknown': ({ detail, result, attemptStartedAt }, { fields, request, message, settings }) => {
    const { status, code, contextId } = result ?? {}
    const recipient = lookupRecipientOf(request.customer)
    const firstLookup = settings.lookupScheduleMs?.[0]
    if (firstLookup !== undefined && recipient) {
      const job: LookupJob = {
        kind: 'lookup',
        dedupeKey: request.dedupeKey,
        conversationId: request.conversationId,
        channel: request.customer.channel,
        agentId: request.agentId,
        requestedAt: request.requestedAt,
        recipient,
        attemptStartedAt,
        done: 0,
        failures: [],
        sendBody: message.body,
        sourceMessageId: message.id,
        dueAt: attemptStartedAt + firstLookup,
      }
      return {
        counts: [METRIC_NAMES.outcomesUnknown],
        log: { level: 'warn', message: 'outcome unknown: looking the message up in Genesys, not resent', fields: { ...fields, status, code, detail } },
        followUp: { job, delaySeconds: Math.ceil(firstLookup / 1000) },
        markNotified: true,
      }
    }
    return {
      counts: [METRIC_NAMES.messagesFailed],
      log: { level: 'warn', message: 'outcome unknown: dead-lettered, not resent', fields: { ...fields, status, code, detail } },
      deadLetter: { reason: 'outcome-unknown', attributes: { detail, genesysStatus: status, genesysCode: code, contextId } },
      report: { outcome: 'dead-lettered', reason: 'outcome-unknown' },
      markNotified: true,
    }
  },
  retry: ({ reason, result, delaySeconds }, { fields, message, settings }) => {
    const { status, code } = result ?? {}
    const counts = reason === 'rate-limited' ? [METRIC_NAMES.genesysRateLimited] : reason === 'transient' ? [METRIC_NAMES.genesysTransientFailures] : []
    // A 429 waits for Retry-After, a pacing wait with no time left for that wait; anything else backs off by how
    // often the record was delivered.
    const afterSeconds =
      reason === 'rate-limited'
        ? (delaySeconds ?? 60)
        : reason === 'no-time-left' && delaySeconds !== undefined
          ? delaySeconds
          : retryDelaySeconds(message.receiveCount, settings.retryBaseSeconds, settings.retryMaxSeconds)
    return {
      counts,
      log: { level: 'warn', message: 'send failed: will retry', fields: { ...fields, reason, status, code } },
      retry: { afterSeconds, reason: `${reason}${status ? ` (${status})` : ''}` },
    }
  },
}

/** The plan for a decision about a readable request. */
export function planSettlement(decision: SendDecision, request: MessageRequest, message: InboundMessage, settings: SettleSettings): Settlement {
  const fields = { dedupeKey: request.dedupeKey, conversationId: shortId(request.conversationId), channel: request.customer.channel }
  if (message.redriveOf !== undefined && NOT_SENT_NOW.has(decision.kind)) return keptDeadLettered(decision.kind, message, fields)
  const plan = SETTLEMENTS[decision.kind] as (decision: SendDecision, context: PlanContext) => Settlement
  return plan(decision, { request, message, settings, fields })
}

/** Outcomes that send nothing and say nothing of whether an earlier attempt reached the customer. */
const NOT_SENT_NOW: ReadonlySet<SendDecision['kind']> = new Set(['paused', 'dry-run', 'opted-out', 'customer-busy', 'quiet-hours', 'expired', 'capped'])

/**
 * An operator's redrive of a dead letter that cannot be sent now (paused, quiet hours, expired, …) stays a dead
 * letter: acknowledging it as `paused` would consume the evidence (an `outcome-unknown` letter is the record
 * that Genesys may have delivered it). It goes back to the DLQ with its reason and the same source message, so a
 * later redrive is still recognised, and no second outcome is reported.
 */
function keptDeadLettered(kind: SendDecision['kind'], message: InboundMessage, fields: Readonly<Record<string, unknown>>): Settlement {
  return {
    counts: [METRIC_NAMES.redrivesNotSent],
    log: { level: 'warn', message: 'redriven dead letter cannot be sent now: kept in the dead-letter queue', fields: { ...fields, notSentBecause: kind } },
    deadLetter: { reason: message.redriveReason ?? 'redrive-not-sent', attributes: { detail: `redriven, not sent now: ${kind}`, notSentBecause: kind, sourceMessageId: message.redriveOf } },
  }
}

/** The plan for a message that is not a valid request: dead-lettered with the problems, nothing to report. */
export function rejectedSettlement(error: EventValidationError, message: InboundMessage): Settlement {
  return {
    counts: [METRIC_NAMES.eventsRejected],
    log: { level: 'warn', message: 'request rejected', fields: { messageId: message.id, problems: error.problems } },
    deadLetter: { reason: 'invalid-request', attributes: { detail: error.message.slice(0, 1000) } },
  }
}

/** Carries a settlement out, in the one order the guarantees rely on. Throws RetryLater when the plan retries. */
export async function settle(settlement: Settlement, message: InboundMessage, request: MessageRequest | undefined, deps: SettleDeps): Promise<void> {
  const byChannel = request ? { [METRIC_DIMENSIONS.channel]: request.customer.channel } : undefined
  const count = (metric: MetricName) => deps.telemetry.count(metric, 1, CHANNEL_METRICS.includes(metric) ? byChannel : undefined)
  for (const metric of settlement.counts) count(metric)
  deps.log[settlement.log.level](settlement.log.message, settlement.log.fields)
  if (settlement.deadLetter) {
    const { reason, attributes } = settlement.deadLetter
    await deps.deadLetters.send({ body: message.body, reason, attributes: { sourceMessageId: message.id, ...attributes } })
    count(METRIC_NAMES.messagesDeadLettered)
  }
  if (settlement.report) {
    if (!request) throw new Error('a settlement that reports an outcome needs the request')
    // If this fails the record is retried: the ledger knows the request is settled but not reported, so the
    // retry reports it and sends nothing.
    const { dedupeKey, conversationId, agentId, requestedAt } = request
    await deps.outcomes.publish({ dedupeKey, conversationId, channel: request.customer.channel, agentId, requestedAt, ...settlement.report })
  }
  if (settlement.followUp) {
    if (!deps.followUps) throw new Error('a settlement that looks an unknown outcome up needs the track queue (followUps)')
    await deps.followUps.lookUp(settlement.followUp.job, settlement.followUp.delaySeconds)
  }
  if (settlement.markNotified) {
    if (!request) throw new Error('a settlement that marks the ledger needs the request')
    await deps.ledger.markNotified(request.dedupeKey)
  }
  if (settlement.retry) {
    await deps.redelivery.redeliverAfter(message, settlement.retry.afterSeconds)
    throw new RetryLater(settlement.retry.reason)
  }
}
