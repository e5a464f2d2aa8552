/** What presence counts and logs for each agent event's outcome (metrics through Telemetry, one log line). */
import type { SQSRecord } from 'aws-lambda'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import { triggerMetrics } from '#lib/presence/availability-metrics.ts'
import type { AvailabilityOutcome, FanOutPendingError, TriggeredOutcome } from '#lib/presence/handle-availability.ts'
import { STAGES } from '#lib/topology.ts'
import type { Observability } from '../shared/observability.ts'

export type LogContext = Record<string, unknown>

export function createAvailabilityReport({ logger, telemetry }: Pick<Observability, 'logger' | 'telemetry'>) {
  const countTrigger = (outcome: TriggeredOutcome): void => {
    for (const [metric, value] of triggerMetrics(outcome)) telemetry.count(metric, value)
  }

  return {
    /** The trigger is decided and saved with its requests; only publishing failed. The record goes back to SQS. */
    fanOutPending(error: FanOutPendingError, record: SQSRecord, context: LogContext): void {
      // Counted now: the retry finds the state already saved and is stale; it only publishes the outbox.
      countTrigger({ ...error.outcome, requested: 0 })
      telemetry.count(METRIC_NAMES.fanOutsPending)
      const lastReceive = Number(record.attributes?.ApproximateReceiveCount ?? 1) >= STAGES.agentEvents.maxReceiveCount
      if (lastReceive) telemetry.count(METRIC_NAMES.fanOutsLeftPending)
      logger.warn(
        lastReceive
          ? "fan-out pending after the last receive: the event goes to presence's DLQ; the agent's next event (or a redrive) publishes the outbox"
          : "fan-out pending: requests kept in the agent's outbox, the record is retried",
        { ...context, pending: error.pending },
      )
    },

    outcome(outcome: AvailabilityOutcome, context: LogContext): void {
      if (outcome.completedLate) {
        telemetry.count(METRIC_NAMES.fanOutsCompletedLate, outcome.completedLate.fanOuts)
        telemetry.count(METRIC_NAMES.messagesRequested, outcome.completedLate.requests)
        logger.info("an earlier trigger's outbox published late", { ...context, ...outcome.completedLate })
      }
      if (outcome.kind === 'triggered') {
        countTrigger(outcome)
        if (outcome.capacityFallback) logger.warn('agent capacity lookup failed: FALLBACK_MESSAGES_PER_TRIGGER applies', { ...context, error: outcome.capacityLookupError })
        logger.info('agent became available: messages requested', { ...context, ...outcome })
      } else if (outcome.kind === 'paused') {
        telemetry.count(METRIC_NAMES.availabilityTriggers)
        telemetry.count(METRIC_NAMES.triggersPaused)
        logger.info('agent became available: sending paused, nothing read or requested', context)
      } else if (outcome.kind === 'outside-pilot') {
        telemetry.count(METRIC_NAMES.triggersOutsidePilot)
        logger.info('agent became available outside the pilot (ENABLED_AGENT_IDS): nothing requested', context)
      } else {
        logger.info('no trigger', { ...context, outcome: outcome.kind, ...(outcome.kind === 'no-trigger' ? { reason: outcome.reason } : {}) })
      }
    },
  }
}
