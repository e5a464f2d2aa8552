/**
 * track's use case for a look-up job (a send whose answer was lost): when it is due, ask Genesys (the analytics
 * conversation-details query, paced with the sends) whether the message exists, then act on the answer:
 *
 *   found      → the ledger settles `sent` (recoveredBy lookup) → ProactiveMessageSent → marked notified
 *   not yet    → the next look-up job, delayed until it is due
 *   not found  → RESEND_IF_NOT_FOUND: the ledger lets send start it again → the request back on the send queue
 *              → otherwise: dead letter with the evidence → ProactiveMessageFailed (outcome-unknown)
 *
 * A look-up that fails (429, 5xx, 403, an unreadable answer) counts as a look-up that learnt nothing: the request
 * stays unknown, the schedule goes on, and it ends dead-lettered with that reason, never resent. Every write is
 * conditional on the ledger still waiting for the look-up, so a redelivered job finishes what an earlier one
 * started and never settles a request twice.
 */
import type { Clock, ConversationSearch, DeadLetters, FollowUps, InboundMessage, Log, OutcomePublisher, Pacer, Redelivery, Resends, Telemetry, UnknownOutcomeLedger } from '../domain/ports.ts'
import { lookupJobSchema, nextLookupStep, type LookupJob, type LookupPolicy } from '../domain/unknown-outcome.ts'
import { shortId } from '../domain/short-id.ts'
import { METRIC_NAMES } from '../metrics-names.ts'
import { RetryLater } from '../domain/retry-later.ts'

export interface LookupDeps {
  readonly search: ConversationSearch
  readonly pacer: Pacer
  readonly ledger: UnknownOutcomeLedger
  readonly followUps: FollowUps
  readonly resends: Resends
  readonly deadLetters: DeadLetters
  readonly outcomes: OutcomePublisher
  readonly redelivery: Redelivery
  readonly telemetry: Telemetry
  readonly log: Log
  /** The pipeline's clock: the request's age, the schedule and the look-up interval (as send stamped the attempt). */
  readonly clock: Clock
}

export type LookupSettings = LookupPolicy

/** A job received earlier than this before it is due is put back until it is. */
const EARLY_TOLERANCE_MS = 500

export async function handleLookupJob(message: InboundMessage, deps: LookupDeps, settings: LookupSettings): Promise<void> {
  const job = readJob(message, deps)
  if (!job) return
  const fields = { dedupeKey: job.dedupeKey, conversationId: shortId(job.conversationId), channel: job.channel, lookup: job.done + 1 }
  const now = deps.clock.now()
  if (job.dueAt - now > EARLY_TOLERANCE_MS) {
    await deps.redelivery.redeliverAfter(message, Math.ceil((job.dueAt - now) / 1000))
    throw new RetryLater('look-up not due yet')
  }
  if (!(await stillUnknown(job, deps))) return

  const refusal = await deps.pacer.acquire(message.sendBy)
  if (refusal) {
    await deps.redelivery.redeliverAfter(message, Math.max(1, Math.ceil(refusal.waitMs / 1000)))
    throw new RetryLater('no time left to pace the look-up')
  }
  const answer = await deps.search.findAgentlessMessage({ recipient: job.recipient, from: job.attemptStartedAt, to: deps.clock.now() })
  deps.telemetry.count(METRIC_NAMES.unknownOutcomeLookups)
  if (answer.kind === 'failed') {
    deps.telemetry.count(METRIC_NAMES.lookupsFailed)
    if (answer.malformed) deps.telemetry.count(METRIC_NAMES.genesysResponsesMalformed)
    if (answer.retryAfterSeconds !== undefined) deps.pacer.pause(answer.retryAfterSeconds)
    deps.log.warn('look-up failed: the request stays unknown', { ...fields, reason: answer.reason })
  }

  const step = nextLookupStep(job, answer, settings, { now: deps.clock.now(), requestAgeMs: deps.clock.now() - job.requestedAt, resendable: job.channel !== 'webmessaging' })
  switch (step.kind) {
    case 'sent':
      if (!(await deps.ledger.recover(job.dedupeKey, { conversationId: step.conversationId, recoveredBy: 'lookup' }, deps.clock.now()))) {
        await stillUnknown(job, deps)
        return
      }
      deps.telemetry.count(METRIC_NAMES.messagesSent)
      deps.telemetry.count(METRIC_NAMES.messagesRecovered)
      deps.log.info('outcome unknown: found in Genesys, settled sent', { ...fields, genesysConversationId: shortId(step.conversationId) })
      await reportSent(job, step.conversationId, deps)
      return
    case 'look-again':
      deps.log.info('outcome unknown: not found yet, looking again later', { ...fields, dueInMs: step.job.dueAt - deps.clock.now() })
      await deps.followUps.lookUp(step.job, Math.max(0, (step.job.dueAt - deps.clock.now()) / 1000))
      return
    case 'resend':
      if (!(await deps.ledger.reopen(job.dedupeKey, deps.clock.now()))) {
        await stillUnknown(job, deps)
        return
      }
      deps.telemetry.count(METRIC_NAMES.messagesResent)
      deps.log.warn('outcome unknown: not found in Genesys, sending again (RESEND_IF_NOT_FOUND)', { ...fields, evidence: step.evidence })
      await deps.resends.resend(job.sendBody)
      return
    case 'dead-letter':
      deps.telemetry.count(METRIC_NAMES.messagesFailed)
      deps.log.warn('outcome unknown after the look-ups: dead-lettered, not resent', { ...fields, evidence: step.evidence })
      await deps.deadLetters.send({ body: job.sendBody, reason: 'outcome-unknown', attributes: { detail: step.evidence, sourceMessageId: job.sourceMessageId } })
      deps.telemetry.count(METRIC_NAMES.messagesDeadLettered)
      await deps.outcomes.publish({ ...outcomeIds(job), outcome: 'dead-lettered', reason: 'outcome-unknown' })
      return
  }
}

function readJob(message: InboundMessage, deps: LookupDeps): LookupJob | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(message.body)
  } catch {
    parsed = undefined
  }
  const result = lookupJobSchema.safeParse(parsed)
  if (result.success) return result.data
  // Written only by send and track: a job that does not parse is a bug, counted and logged, never retried forever.
  deps.telemetry.count(METRIC_NAMES.eventsRejected)
  deps.log.warn('look-up job rejected', { messageId: message.id, problems: result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`) })
  return undefined
}

/**
 * Whether the ledger still waits for this look-up. When an earlier delivery of the job settled the request but
 * failed before reporting it, this finishes the report (sent) or the resend; either way the job is done.
 */
async function stillUnknown(job: LookupJob, deps: LookupDeps): Promise<boolean> {
  const record = await deps.ledger.read(job.dedupeKey)
  if (record?.status === 'dead-lettered' && record.reason === 'outcome-unknown') return true
  if (record?.status === 'sent' && !record.notified) await reportSent(job, undefined, deps)
  else if (record?.status === 'retryable') await deps.resends.resend(job.sendBody)
  return false
}

async function reportSent(job: LookupJob, conversationId: string | undefined, deps: LookupDeps): Promise<void> {
  await deps.outcomes.publish({ ...outcomeIds(job), outcome: 'sent', recoveredBy: 'lookup', ...(conversationId ? { genesys: { conversationId } } : {}) })
  await deps.ledger.markNotified(job.dedupeKey)
}

function outcomeIds(job: LookupJob) {
  return { dedupeKey: job.dedupeKey, conversationId: job.conversationId, channel: job.channel, agentId: job.agentId, requestedAt: job.requestedAt }
}
