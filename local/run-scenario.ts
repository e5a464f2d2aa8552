/**
 * Replays a scenario through the local cloud: each event is put on the partner bus in order, the pipeline's
 * clock reads that event's `time`, and the pipeline is drained before the next event. Returns the summary the
 * CLI prints (and `--json` emits).
 */
import { EventValidationError, parseGenesysEvent, UnsupportedEventError } from '#lib/domain/events.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import { shortId } from '#lib/domain/short-id.ts'
import { maskPersonalData } from '#functions/shared/log-masking.ts'
import { APP_DETAIL_TYPES } from '#lib/topology.ts'
import { ScanCommand } from '@aws-sdk/client-dynamodb'
import { LOCAL_NAMES, type DeadLetterRecord, type LocalCloud } from './cloud.ts'
import type { EventEnvelope } from './event-bus.ts'
import type { ScenarioEntry } from './scenario.ts'

export interface RunSummary {
  events: { received: number; accepted: number; rejected: number; ignored: number }
  sessions: { recorded: number }
  triggers: number
  /** Triggers while the sending mode was `paused`: counted, nothing read or requested for them (TriggersPaused). */
  pausedTriggers: number
  messages: {
    requested: number
    sent: number
    failed: number
    deadLettered: number
    capped: number
    expired: number
    /** Operator controls (docs/operations.md): not sent on purpose, no cap used. `paused`: requests send held back. */
    paused: number
    dryRun: number
    optedOut: number
    quietHours: number
    /** Requests no recorded session backs: dead-lettered as `unknown-session`. */
    unknownSession: number
    /** Customers left alone because one of their conversations was still active (presence and send). */
    customerBusy: number
    /** Over the per-trigger limit (MAX_MESSAGES_PER_TRIGGER): not requested by that trigger, still eligible. */
    deferred: number
    /** Triggers whose agent capacity lookup failed (FALLBACK_MESSAGES_PER_TRIGGER applied). */
    capacityFallbacks: number
    /** Approved customers beyond the outbox bound (250 per trigger): not requested (MessagesOverOutboxLimit). */
    overOutboxLimit: number
    /** Not eligible (ELIGIBLE_SESSIONS=unserved, EXCLUDE_WRAPUP_CODES): never requested. */
    ineligible: number
    /** Customers another agent's trigger had just claimed (MessagesClaimedElsewhere): requested by that one. */
    claimedElsewhere: number
    /** Messages the customer replied to within REPLY_WINDOW_HOURS (MessagesAnswered), once each. */
    answered: number
    /** Replies the triggering agent connected to (RepliesServedByTriggeringAgent). */
    answeredByTriggeringAgent: number
    /** Replies another agent connected to (RepliesServedByOtherAgent). */
    answeredByOtherAgent: number
    /** Sends whose answer was lost, settled `sent` because the look-up found them in Genesys (part of `sent`). */
    recovered: number
    /** Sends whose answer was lost, sent again after the last look-up found nothing (RESEND_IF_NOT_FOUND). */
    resent: number
  }
  /** Dry run: what each request would have sent, the customer's address masked. */
  dryRuns: { conversationId: string; body: unknown }[]
  genesys: {
    requests: { path: string; status: number | undefined; body: unknown }[]
    /** Recipients Genesys accepted more than one message for (must be 0). */
    duplicateRecipients: number
  }
  deadLetters: { conversationId: string | undefined; reason: string; queue: string }[]
  /** Every request (by dedupe key) ends in exactly one of sent, dead-lettered or expired. */
  reconciliation: {
    requested: number
    sent: number
    deadLettered: number
    expired: number
    capped: number
    /** Not sent on purpose: paused, dry-run, opted-out, quiet-hours, customer-busy. */
    notSentByControl: number
    unsettled: number
    settledTwice: number
    /**
     * Requests still in an agent's outbox at the end (presence saved them with the trigger, no publish got
     * through yet): the agent's next event publishes them. Not settled, so the run is not balanced.
     */
    pendingInOutbox: number
    /** Outboxes published late: by a retry of their trigger or by a newer event of the agent (FanOutsCompletedLate). */
    fanOutsCompletedLate: number
    balanced: boolean
  }
}

export type EventVerdict = 'accepted' | 'rejected' | 'ignored'

export interface EventReport {
  readonly index: number
  readonly total: number
  readonly origin: string
  readonly verdict: EventVerdict
  /** What the event was (detail-type and short ids), never personal data. */
  readonly label: string
  /** Why it was rejected or ignored, or what it caused. */
  readonly note: string
}

const { eventsRejected, eventsIgnored, availabilityTriggers, messagesRequested, messagesCapped, messagesSent } = METRIC_NAMES

export async function runScenario(cloud: LocalCloud, entries: readonly ScenarioEntry[], onEvent: (report: EventReport) => void = () => {}): Promise<RunSummary> {
  const counts = { received: 0, accepted: 0, rejected: 0, ignored: 0 }
  for (const [index, entry] of entries.entries()) {
    counts.received++
    const report = (verdict: EventVerdict, label: string, note: string) => {
      counts[verdict]++
      onEvent({ index: index + 1, total: entries.length, origin: entry.origin, verdict, label, note })
    }
    if (!entry.ok) {
      report('rejected', '(unreadable)', entry.problem)
      continue
    }
    const event = entry.event
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      report('rejected', '(not an object)', 'an event must be a JSON object (an EventBridge envelope)')
      continue
    }
    const envelope = event as EventEnvelope
    const label = labelOf(envelope)
    const time = typeof envelope.time === 'string' ? Date.parse(envelope.time) : Number.NaN
    if (!Number.isNaN(time)) cloud.clock.set(time)

    const before = snapshot(cloud)
    const failedBefore = cloud.bus.deliveryFailures
    let matched: string[]
    try {
      matched = await cloud.deliverGenesysEvent(envelope)
    } catch (error) {
      report('rejected', label, `not deliverable: ${(error as Error).message}`)
      continue
    }
    const failed = cloud.bus.failedDeliveries.slice(failedBefore)
    if (failed.length > 0) {
      // A rule matched but its target could not take the event (the queue refused it): never an `ok`.
      report(
        'rejected',
        label,
        `the local bus could not deliver it to ${failed.map((f) => f.rule).join(', ')}: ${failed.map((f) => (f.error instanceof Error ? f.error.message : String(f.error)).slice(0, 200)).join('; ')}`,
      )
      continue
    }
    await cloud.drain()
    const after = snapshot(cloud)
    if (matched.length === 0) {
      report('ignored', label, `no rule matches (${diagnose(envelope) ?? 'source, detail-type or media type not handled'})`)
    } else if (after.rejected > before.rejected) {
      report('rejected', label, diagnose(envelope) ?? 'rejected by the handler')
    } else if (after.ignored > before.ignored) {
      report('ignored', label, 'not a messaging session or not a topic the handler acts on')
    } else {
      const triggered = after.triggers - before.triggers
      const note = triggered
        ? `agent became available: ${after.requested - before.requested} requested, ${after.capped - before.capped} capped, ${after.sent - before.sent} sent`
        : `→ ${matched.join(', ')}`
      report('accepted', label, note)
    }
  }
  return summarise(cloud, counts)
}

function snapshot(cloud: LocalCloud) {
  const t = cloud.tally
  return {
    rejected: t.get('session-recorder', eventsRejected) + t.get('presence', eventsRejected),
    ignored: t.get('session-recorder', eventsIgnored) + t.get('presence', eventsIgnored),
    triggers: t.total(availabilityTriggers),
    requested: t.total(messagesRequested),
    capped: t.total(messagesCapped),
    sent: t.total(messagesSent),
  }
}

/** The schema's verdict on an event, for the report: names the field and the problem. */
function diagnose(envelope: unknown): string | undefined {
  try {
    parseGenesysEvent(envelope)
    return undefined
  } catch (error) {
    // The schema's message can quote the offending value, which may be a phone number: mask it like the logs.
    if (error instanceof EventValidationError || error instanceof UnsupportedEventError) return maskPersonalData(error.message)
    return maskPersonalData((error as Error).message)
  }
}

function labelOf(envelope: EventEnvelope): string {
  const detailType = typeof envelope['detail-type'] === 'string' ? envelope['detail-type'].slice(0, 80) : '(no detail-type)'
  const topic = (envelope.detail as { topicName?: unknown } | undefined)?.topicName
  const id = typeof topic === 'string' ? /\.([0-9a-f]{8})[0-9a-f-]{28}\./i.exec(topic)?.[1] : undefined
  return id ? `${detailType} ${id}…` : detailType
}

/** The run's summary (runScenario returns it; callers that deliver events themselves, e.g. the chaos suite, call it after draining). */
export async function summarise(cloud: LocalCloud, events: RunSummary['events']): Promise<RunSummary> {
  const t = cloud.tally
  const deadLetters = await cloud.deadLetters()
  const requests = cloud.simulator?.agentlessRequests() ?? []
  return {
    events,
    reconciliation: reconcile(cloud, deadLetters, await pendingInOutboxes(cloud)),
    sessions: { recorded: await cloud.sessionCount() },
    triggers: t.total(availabilityTriggers),
    pausedTriggers: t.total(METRIC_NAMES.triggersPaused),
    messages: {
      requested: t.total(messagesRequested),
      sent: t.total(messagesSent),
      failed: t.total(METRIC_NAMES.messagesFailed),
      deadLettered: deadLetters.filter((letter) => letter.queue.startsWith('send')).length,
      capped: t.total(messagesCapped),
      expired: t.total(METRIC_NAMES.messagesExpired),
      paused: t.total(METRIC_NAMES.messagesPaused),
      dryRun: t.total(METRIC_NAMES.messagesDryRun),
      optedOut: t.total(METRIC_NAMES.messagesOptedOut),
      quietHours: t.total(METRIC_NAMES.messagesQuietHours),
      unknownSession: t.total(METRIC_NAMES.requestsUnknownSession),
      customerBusy: t.total(METRIC_NAMES.messagesCustomerBusy),
      deferred: t.total(METRIC_NAMES.messagesDeferred),
      capacityFallbacks: t.total(METRIC_NAMES.capacityLookupFallbacks),
      overOutboxLimit: t.total(METRIC_NAMES.messagesOverOutboxLimit),
      ineligible: t.total(METRIC_NAMES.messagesIneligible),
      claimedElsewhere: t.total(METRIC_NAMES.messagesClaimedElsewhere),
      answered: t.total(METRIC_NAMES.messagesAnswered),
      answeredByTriggeringAgent: t.total(METRIC_NAMES.repliesServedByTriggeringAgent),
      answeredByOtherAgent: t.total(METRIC_NAMES.repliesServedByOtherAgent),
      recovered: t.total(METRIC_NAMES.messagesRecovered),
      resent: t.total(METRIC_NAMES.messagesResent),
    },
    dryRuns: dryRunBodies(cloud),
    genesys: {
      requests: requests.map((request) => ({ path: request.path, status: request.status, body: request.body })),
      duplicateRecipients: duplicateRecipients(requests.filter((request) => request.status !== undefined && request.status >= 200 && request.status < 300).map((request) => request.body)),
    },
    deadLetters: deadLetters.map((letter) => ({ conversationId: letter.conversationId, reason: letter.reason, queue: letter.queue })),
  }
}

const CONTROL_OUTCOMES: readonly string[] = ['paused', 'dry-run', 'opted-out', 'quiet-hours', 'customer-busy']

/** The dry-run outcome events' bodies (already masked by send), one per request. */
function dryRunBodies(cloud: LocalCloud): RunSummary['dryRuns'] {
  const seen = new Map<string, RunSummary['dryRuns'][number]>()
  for (const event of cloud.bus.acceptedEvents(LOCAL_NAMES.appBus)) {
    const detail = event.detail as { dedupeKey?: unknown; outcome?: unknown; conversationId?: unknown; body?: unknown }
    if (detail.outcome !== 'dry-run' || typeof detail.dedupeKey !== 'string') continue
    seen.set(detail.dedupeKey, { conversationId: shortId(String(detail.conversationId)), body: detail.body })
  }
  return [...seen.values()]
}

/** Recipients (channel + address) that Genesys accepted more than one message for. */
export function duplicateRecipients(acceptedBodies: readonly unknown[]): number {
  const counts = new Map<string, number>()
  for (const body of acceptedBodies) {
    const b = (body ?? {}) as Record<string, unknown>
    const key = `${String(b.toAddressMessengerType)}:${String(b.externalContactId ?? b.toAddress)}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts.values()].filter((count) => count > 1).length
}

/**
 * Matches every requested message (by dedupe key, from the app bus) with its end: a Sent or Failed outcome
 * event, or a message in the send DLQ. Duplicates of one request are not separate requests.
 */
function reconcile(cloud: LocalCloud, deadLetters: readonly DeadLetterRecord[], pendingInOutbox: number): RunSummary['reconciliation'] {
  const ends = new Map<string, string[]>()
  const requested = new Set<string>()
  for (const event of cloud.bus.acceptedEvents(LOCAL_NAMES.appBus)) {
    const detail = event.detail as { dedupeKey?: unknown; outcome?: unknown }
    if (typeof detail.dedupeKey !== 'string') continue
    if (event['detail-type'] === APP_DETAIL_TYPES.requested) {
      requested.add(detail.dedupeKey)
      continue
    }
    const outcome =
      detail.outcome === 'sent' || detail.outcome === 'expired' || detail.outcome === 'capped'
        ? detail.outcome
        : typeof detail.outcome === 'string' && CONTROL_OUTCOMES.includes(detail.outcome)
          ? 'control'
          : 'dead-lettered'
    const history = ends.get(detail.dedupeKey) ?? []
    // Outcome events are at least once: the same outcome reported again is one end, not two.
    if (history.at(-1) !== outcome) ends.set(detail.dedupeKey, [...history, outcome])
  }
  const stillDeadLettered = new Set<string>()
  for (const letter of deadLetters) {
    if (!letter.queue.startsWith('send') || !letter.dedupeKey) continue
    stillDeadLettered.add(letter.dedupeKey)
    // Redriven after too many receives: no outcome event was published for it.
    if (!ends.has(letter.dedupeKey)) ends.set(letter.dedupeKey, ['dead-lettered'])
  }
  const totals = { requested: requested.size, sent: 0, deadLettered: 0, expired: 0, capped: 0, notSentByControl: 0, unsettled: 0, settledTwice: 0 }
  for (const key of requested) {
    const history = ends.get(key) ?? []
    const last = history.at(-1)
    // Every settlement counts. Only an operator's redrive may follow a dead letter, and only by sending it (which
    // takes it out of the DLQ): a dead letter followed by any other outcome (paused, expired, …) reports a request
    // that Genesys may have delivered as not sent.
    const earlier = history.slice(0, -1)
    const settledTwice = earlier.some((outcome) => outcome !== 'dead-lettered') || (earlier.length > 0 && (stillDeadLettered.has(key) || (last !== 'sent' && last !== 'dead-lettered')))
    if (last === undefined) totals.unsettled++
    else if (settledTwice) totals.settledTwice++
    else if (last === 'sent') totals.sent++
    else if (last === 'expired') totals.expired++
    else if (last === 'capped') totals.capped++
    else if (last === 'control') totals.notSentByControl++
    else totals.deadLettered++
  }
  const fanOutsCompletedLate = cloud.tally.total(METRIC_NAMES.fanOutsCompletedLate)
  return { ...totals, pendingInOutbox, fanOutsCompletedLate, balanced: totals.unsettled === 0 && totals.settledTwice === 0 && pendingInOutbox === 0 }
}

/** Requests left in agents' outboxes (`agent#` items with `pending`): a Scan, fine locally, never used by the functions. */
async function pendingInOutboxes(cloud: LocalCloud): Promise<number> {
  let count = 0
  let start: Record<string, never> | undefined
  do {
    const page = await cloud.dynamo.send(
      new ScanCommand({
        TableName: LOCAL_NAMES.stateTable,
        FilterExpression: 'begins_with(pk, :agent) AND attribute_exists(pending)',
        ExpressionAttributeValues: { ':agent': { S: 'agent#' } },
        ExclusiveStartKey: start,
      }),
    )
    for (const item of page.Items ?? []) count += item.pending?.M?.requests?.L?.length ?? 0
    start = page.LastEvaluatedKey as Record<string, never> | undefined
  } while (start)
  return count
}
