/**
 * presence: agent presence / routing-status events (SQS, from the Genesys partner bus) → on a transition into
 * available, one ProactiveMessageRequested event per customer to message. Thin: parse, call the use case, report.
 */
import type { SQSRecord } from 'aws-lambda'
import { createAwsClients } from '#lib/adapters/aws-clients.ts'
import { CachedQueueDirectory } from '#lib/adapters/cached-queue-directory.ts'
import { createGenesysQueueDirectory } from '#lib/adapters/genesys-queues-http.ts'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import { DynamoDbOutreachReservations } from '#lib/adapters/dynamodb-outreach-reservations.ts'
import { DynamoDbAgentStateRepository } from '#lib/adapters/dynamodb-state.ts'
import { CachedSendingMode, DynamoDbSendingModeOverrides } from '#lib/adapters/dynamodb-sending-mode.ts'
import { EventBridgePublisher, EventBridgeRequestPublisher } from '#lib/adapters/eventbridge-publisher.ts'
import { loadConfig, presenceConfigSchema } from '#lib/config.ts'
import { systemClock, type QueueDirectory } from '#lib/domain/ports.ts'
import { METRIC_NAMES, SERVICE_NAMES } from '#lib/metrics-names.ts'
import { handleAvailability, type AvailabilitySettings } from '#lib/usecases/handle-availability.ts'
import { genesysCredentialsFor } from '../shared/genesys.ts'
import { acceptGenesysEvent } from '../shared/genesys-event.ts'
import { createObservability, shortId } from '../shared/observability.ts'
import { lazyHandler, sqsBatchHandler, type SqsHandler } from '../shared/sqs-batch.ts'
import type { Env, HandlerOverrides } from '../shared/wiring.ts'
import { HOUR, MINUTE } from '#lib/domain/time.ts'

export function createPresenceHandler(env: Env = process.env, overrides: HandlerOverrides = {}): SqsHandler {
  const config = loadConfig('presence', presenceConfigSchema, env)
  const observability = createObservability(SERVICE_NAMES.presence, overrides.telemetry)
  const { logger, telemetry } = observability
  const clock = overrides.clock ?? systemClock
  const aws = createAwsClients(config)
  const settings: AvailabilitySettings = {
    scope: config.TARGET_SCOPE,
    availablePresences: config.AVAILABLE_PRESENCES,
    availableRoutingStatuses: config.AVAILABLE_ROUTING_STATUSES,
    cooldownMs: config.COOLDOWN_MINUTES * MINUTE,
    windowMs: config.WINDOW_HOURS * HOUR,
    capMs: config.CAP_HOURS * HOUR,
    pilot: { agentIds: config.ENABLED_AGENT_IDS, queueIds: config.ENABLED_QUEUE_IDS },
    maxMessagesPerTrigger: config.MAX_MESSAGES_PER_TRIGGER,
    fallbackMessagesPerTrigger: config.FALLBACK_MESSAGES_PER_TRIGGER,
  }
  const deps = {
    agents: new DynamoDbAgentStateRepository(aws.dynamo, config.STATE_TABLE_NAME),
    sessions: new DynamoDbSessionRepository(aws.dynamo, config.SESSIONS_TABLE_NAME),
    reservations: new DynamoDbOutreachReservations(aws.dynamo, config.STATE_TABLE_NAME),
    publisher: new EventBridgeRequestPublisher(new EventBridgePublisher(aws.eventBridge, config.APP_EVENT_BUS_NAME)),
    queues: config.TARGET_SCOPE === 'queue' ? queueDirectory() : undefined,
    mode: new CachedSendingMode(config.SENDING_MODE, new DynamoDbSendingModeOverrides(aws.dynamo, config.STATE_TABLE_NAME), overrides.modeClock ?? systemClock),
  }

  function queueDirectory(): QueueDirectory {
    const genesys = createGenesysQueueDirectory({
      region: config.GENESYS_REGION,
      gatewayUrl: config.GENESYS_GATEWAY_URL,
      timeoutMs: config.GENESYS_TIMEOUT_MS,
      credentials: overrides.genesysCredentials ?? genesysCredentialsFor(config, aws),
    })
    return new CachedQueueDirectory({ inner: genesys, client: aws.dynamo, tableName: config.STATE_TABLE_NAME, ttlMs: config.QUEUE_CACHE_MINUTES * MINUTE, clock })
  }

  const processRecord = async (record: SQSRecord): Promise<void> => {
    const event = acceptGenesysEvent(record, 'agent', { logger, telemetry, orgId: config.GENESYS_ORG_ID })
    if (!event) return
    const outcome = await handleAvailability(event, deps, settings)
    const context = { agentId: shortId(event.agentId), signal: event.signal, status: event.status, eventId: event.eventId }
    if (outcome.kind === 'triggered') {
      telemetry.count(METRIC_NAMES.availabilityTriggers)
      telemetry.count(METRIC_NAMES.messagesRequested, outcome.requested)
      telemetry.count(METRIC_NAMES.messagesSuppressed, outcome.suppressed)
      if (outcome.paused > 0) telemetry.count(METRIC_NAMES.messagesPaused, outcome.paused)
      if (outcome.outsidePilot > 0) telemetry.count(METRIC_NAMES.messagesOutsidePilot, outcome.outsidePilot)
      if (outcome.deferred > 0) telemetry.count(METRIC_NAMES.messagesDeferred, outcome.deferred)
      if (outcome.capacityFallback) telemetry.count(METRIC_NAMES.capacityLookupFallbacks)
      logger.info(outcome.paused > 0 ? 'agent became available: sending paused, nothing requested' : 'agent became available: messages requested', { ...context, ...outcome })
    } else if (outcome.kind === 'outside-pilot') {
      telemetry.count(METRIC_NAMES.triggersOutsidePilot)
      logger.info('agent became available outside the pilot (ENABLED_AGENT_IDS): nothing requested', context)
    } else {
      logger.info('no trigger', { ...context, outcome: outcome.kind, ...(outcome.kind === 'no-trigger' ? { reason: outcome.reason } : {}) })
    }
  }

  return sqsBatchHandler(processRecord, observability)
}

export const handler = lazyHandler(() => createPresenceHandler())
