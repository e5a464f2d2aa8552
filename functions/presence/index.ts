/**
 * presence: agent presence / routing-status events (SQS, from the Genesys partner bus) → on a transition into
 * available, one ProactiveMessageRequested event per customer to message. Thin: parse, call the use case, report.
 */
import type { SQSRecord } from 'aws-lambda'
import { createAwsClients } from '#lib/adapters/aws-clients.ts'
import { CachedQueueDirectory } from '#lib/adapters/cached-queue-directory.ts'
import { createGenesysQueueDirectory } from '#lib/adapters/genesys-queues-http.ts'
import { CachedCapacityLookup } from '#lib/adapters/cached-capacity-lookup.ts'
import { createGenesysUtilizationLookup } from '#lib/adapters/genesys-utilization.ts'
import { AGENT_CAPACITY } from '#lib/domain/capacity.ts'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import { DynamoDbOutreachReservations } from '#lib/adapters/dynamodb-outreach-reservations.ts'
import { DynamoDbSuppressionList } from '#lib/adapters/dynamodb-suppression-list.ts'
import { DynamoDbAgentStateRepository } from '#lib/adapters/dynamodb-state.ts'
import { CachedSendingMode, DynamoDbSendingModeOverrides } from '#lib/adapters/dynamodb-sending-mode.ts'
import { EventBridgePublisher, EventBridgeRequestPublisher } from '#lib/adapters/eventbridge-publisher.ts'
import { loadConfig, presenceConfigSchema } from '#lib/config.ts'
import { systemClock, type AgentCapacityLookup, type QueueDirectory } from '#lib/domain/ports.ts'
import { METRIC_NAMES, SERVICE_NAMES } from '#lib/metrics-names.ts'
import { FanOutPendingError, handleAvailability, type AvailabilityOutcome, type AvailabilitySettings, type TriggeredOutcome } from '#lib/usecases/handle-availability.ts'
import { STAGES } from '#lib/topology.ts'
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
    busy: { staleMs: config.ACTIVE_CONVERSATION_STALE_HOURS * HOUR },
    perTrigger: { limit: config.MAX_MESSAGES_PER_TRIGGER, fallback: config.FALLBACK_MESSAGES_PER_TRIGGER },
  }
  const deps = {
    agents: new DynamoDbAgentStateRepository(aws.dynamo, config.STATE_TABLE_NAME),
    sessions: new DynamoDbSessionRepository(aws.dynamo, config.SESSIONS_TABLE_NAME),
    reservations: new DynamoDbOutreachReservations(aws.dynamo, config.STATE_TABLE_NAME),
    suppressions: new DynamoDbSuppressionList(aws.dynamo, config.STATE_TABLE_NAME),
    publisher: new EventBridgeRequestPublisher(new EventBridgePublisher(aws.eventBridge, config.APP_EVENT_BUS_NAME)),
    queues: config.TARGET_SCOPE === 'queue' ? queueDirectory() : undefined,
    capacity: config.MAX_MESSAGES_PER_TRIGGER === AGENT_CAPACITY ? capacityLookup() : undefined,
    mode: new CachedSendingMode(config.SENDING_MODE, new DynamoDbSendingModeOverrides(aws.dynamo, config.STATE_TABLE_NAME), overrides.modeClock ?? systemClock),
  }

  function genesysSession() {
    return {
      region: config.GENESYS_REGION,
      gatewayUrl: config.GENESYS_GATEWAY_URL,
      timeoutMs: config.GENESYS_TIMEOUT_MS,
      credentials: overrides.genesysCredentials ?? genesysCredentialsFor(config, aws),
    }
  }

  function queueDirectory(): QueueDirectory {
    const genesys = createGenesysQueueDirectory(genesysSession())
    return new CachedQueueDirectory({ inner: genesys, client: aws.dynamo, tableName: config.STATE_TABLE_NAME, ttlMs: config.QUEUE_CACHE_MINUTES * MINUTE, clock })
  }

  function capacityLookup(): AgentCapacityLookup {
    const genesys = createGenesysUtilizationLookup(genesysSession())
    return new CachedCapacityLookup({ inner: genesys, client: aws.dynamo, tableName: config.STATE_TABLE_NAME, ttlMs: config.CAPACITY_CACHE_MINUTES * MINUTE, clock })
  }

  const countTrigger = (outcome: TriggeredOutcome): void => {
    telemetry.count(METRIC_NAMES.availabilityTriggers)
    telemetry.count(METRIC_NAMES.messagesRequested, outcome.requested)
    telemetry.count(METRIC_NAMES.messagesSuppressed, outcome.suppressed)
    if (outcome.paused > 0) telemetry.count(METRIC_NAMES.messagesPaused, outcome.paused)
    if (outcome.outsidePilot > 0) telemetry.count(METRIC_NAMES.messagesOutsidePilot, outcome.outsidePilot)
    if (outcome.optedOut > 0) telemetry.count(METRIC_NAMES.messagesOptedOut, outcome.optedOut)
    if (outcome.deferred > 0) telemetry.count(METRIC_NAMES.messagesDeferred, outcome.deferred)
    if (outcome.capacityFallback) telemetry.count(METRIC_NAMES.capacityLookupFallbacks)
    if (outcome.overOutboxLimit > 0) telemetry.count(METRIC_NAMES.messagesOverOutboxLimit, outcome.overOutboxLimit)
    if (outcome.customerBusy > 0) telemetry.count(METRIC_NAMES.messagesCustomerBusy, outcome.customerBusy)
  }

  const countCompletedLate = (outcome: AvailabilityOutcome, context: Record<string, unknown>): void => {
    if (!outcome.completedLate) return
    telemetry.count(METRIC_NAMES.fanOutsCompletedLate, outcome.completedLate.fanOuts)
    telemetry.count(METRIC_NAMES.messagesRequested, outcome.completedLate.requests)
    logger.info("an earlier trigger's outbox published late", { ...context, ...outcome.completedLate })
  }

  const processRecord = async (record: SQSRecord): Promise<void> => {
    const event = acceptGenesysEvent(record, 'agent', { logger, telemetry, orgId: config.GENESYS_ORG_ID })
    if (!event) return
    const context = { agentId: shortId(event.agentId), signal: event.signal, status: event.status, eventId: event.eventId }
    let outcome: AvailabilityOutcome
    try {
      outcome = await handleAvailability(event, deps, settings)
    } catch (error) {
      if (!(error instanceof FanOutPendingError)) throw error
      // The trigger is decided and saved with its requests; only publishing failed. Count it now (a retry finds
      // the state already saved and is stale), then hand the record back: its retry publishes the outbox.
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
      throw error
    }
    countCompletedLate(outcome, context)
    if (outcome.kind === 'triggered') {
      countTrigger(outcome)
      if (outcome.capacityFallback) logger.warn('agent capacity lookup failed: FALLBACK_MESSAGES_PER_TRIGGER applies', { ...context, error: outcome.capacityLookupError })
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
