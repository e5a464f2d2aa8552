/**
 * The intake both Genesys-fed functions share: parse the SQS body as the integration's EventBridge envelope,
 * check the source is the trusted Genesys org, and keep only the kind of event this function handles.
 * Anything else is acknowledged, counted and logged with the field and the problem: never retried.
 */
import type { Logger } from '@aws-lambda-powertools/logger'
import type { SQSRecord } from 'aws-lambda'
import { EventValidationError, parseEnvelopeJson, parseGenesysEvent, UnsupportedEventError, type GenesysEvent } from '#lib/domain/events.ts'
import { checkEventSource } from '#lib/domain/source-trust.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import type { Clock } from '#lib/domain/ports.ts'
import type { Telemetry } from './observability.ts'

export function acceptGenesysEvent<K extends GenesysEvent['kind']>(
  record: SQSRecord,
  kind: K,
  context: { readonly logger: Logger; readonly telemetry: Telemetry; readonly orgId?: string; readonly clock: Clock; readonly maxClockSkewSeconds: number },
): Extract<GenesysEvent, { kind: K }> | undefined {
  const { logger, telemetry } = context
  telemetry.count(METRIC_NAMES.eventsReceived)
  let event: GenesysEvent
  try {
    event = parseGenesysEvent(parseEnvelopeJson(record.body), { now: context.clock.now(), maxSkewMs: context.maxClockSkewSeconds * 1000 })
  } catch (error) {
    if (error instanceof EventValidationError) {
      telemetry.count(METRIC_NAMES.eventsRejected)
      logger.warn('event rejected', { messageId: record.messageId, problems: error.problems })
      return undefined
    }
    if (error instanceof UnsupportedEventError) {
      telemetry.count(METRIC_NAMES.eventsIgnored)
      logger.info('event ignored: unsupported topic', { messageId: record.messageId })
      return undefined
    }
    throw error
  }
  if (event.clockSkewClamped) {
    // Ids only: the event's own times are what was wrong, and they say nothing about a person.
    telemetry.count(METRIC_NAMES.eventTimesClamped)
    logger.warn('event time ahead of its receipt: taken at the receive time', { messageId: record.messageId, eventId: event.eventId, kind: event.kind })
  }
  const trust = checkEventSource(event.source, { orgId: context.orgId })
  if (!trust.trusted) {
    telemetry.count(METRIC_NAMES.eventsIgnored)
    logger.warn('event ignored: untrusted source', { messageId: record.messageId, field: trust.field, problem: trust.problem })
    return undefined
  }
  if (event.kind !== kind) {
    telemetry.count(METRIC_NAMES.eventsIgnored)
    logger.info(`event ignored: not a${kind === 'agent' ? 'n agent' : ' conversation'} event`, { messageId: record.messageId })
    return undefined
  }
  return event as Extract<GenesysEvent, { kind: K }>
}
