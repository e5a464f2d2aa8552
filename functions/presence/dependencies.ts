/** presence's settings and adapters, built from its validated config: what the handler hands the use case. */
import type { AwsClients } from '#lib/adapters/aws-clients.ts'
import { CachedCapacityLookup } from '#lib/adapters/cached-capacity-lookup.ts'
import { CachedQueueDirectory } from '#lib/adapters/cached-queue-directory.ts'
import { DynamoDbCustomerClaims } from '#lib/adapters/dynamodb-claims.ts'
import { DynamoDbCapLedger } from '#lib/adapters/dynamodb-cap-ledger.ts'
import { CachedSendingMode, DynamoDbSendingModeOverrides } from '#lib/adapters/dynamodb-sending-mode.ts'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import { DynamoDbAgentStateRepository } from '#lib/adapters/dynamodb-state.ts'
import { DynamoDbOptOutList } from '#lib/adapters/dynamodb-opt-out-list.ts'
import { EventBridgePublisher, EventBridgeRequestPublisher } from '#lib/adapters/eventbridge-publisher.ts'
import { createGenesysSession, type GenesysSession } from '#lib/adapters/genesys-http/index.ts'
import { createGenesysQueueDirectory } from '#lib/adapters/genesys-queues-http.ts'
import { createGenesysUtilizationLookup } from '#lib/adapters/genesys-utilization.ts'
import type { PresenceConfig } from '#lib/config.ts'
import { AGENT_CAPACITY } from '#lib/presence/capacity.ts'
import type { AgentCapacityLookup, Clock, QueueDirectory, Telemetry } from '#lib/domain/ports.ts'
import { HOUR, MINUTE } from '#lib/domain/time.ts'
import type { AvailabilityDeps, AvailabilitySettings } from '#lib/presence/handle-availability.ts'
import { genesysCredentialsFor, genesysRequestTimer } from '../shared/genesys.ts'
import type { HandlerOverrides } from '../shared/wiring.ts'

export function availabilitySettings(config: PresenceConfig): AvailabilitySettings {
  return {
    scope: config.TARGET_SCOPE,
    availablePresences: config.AVAILABLE_PRESENCES,
    availableRoutingStatuses: config.AVAILABLE_ROUTING_STATUSES,
    cooldownMs: config.COOLDOWN_MINUTES * MINUTE,
    windowMs: config.WINDOW_HOURS * HOUR,
    capMs: config.CAP_HOURS * HOUR,
    pilot: { agentIds: config.ENABLED_AGENT_IDS, queueIds: config.ENABLED_QUEUE_IDS, channels: config.ENABLED_CHANNELS },
    busy: { staleMs: config.ACTIVE_CONVERSATION_STALE_HOURS * HOUR },
    perTrigger: { limit: config.MAX_MESSAGES_PER_TRIGGER, fallback: config.FALLBACK_MESSAGES_PER_TRIGGER },
    eligibility: { sessions: config.ELIGIBLE_SESSIONS, excludeWrapupCodes: config.EXCLUDE_WRAPUP_CODES },
  }
}

export function availabilityDependencies(config: PresenceConfig, aws: AwsClients, overrides: HandlerOverrides, clock: Clock, telemetry: Telemetry): AvailabilityDeps {
  let session: GenesysSession | undefined
  /** One Genesys session (one token) for the queue directory and the capacity lookup, made on first need. */
  const genesysSession = (): GenesysSession => {
    session ??= createGenesysSession({
      region: config.GENESYS_REGION,
      gatewayUrl: config.GENESYS_GATEWAY_URL,
      timeoutMs: config.GENESYS_TIMEOUT_MS,
      credentials: overrides.genesysCredentials ?? genesysCredentialsFor(config, aws),
      onRequestTime: genesysRequestTimer(telemetry),
    })
    return session
  }
  const queueDirectory = (): QueueDirectory =>
    new CachedQueueDirectory({ inner: createGenesysQueueDirectory(genesysSession()), client: aws.dynamo, tableName: config.STATE_TABLE_NAME, ttlMs: config.QUEUE_CACHE_MINUTES * MINUTE, clock })
  const capacityLookup = (): AgentCapacityLookup =>
    new CachedCapacityLookup({ inner: createGenesysUtilizationLookup(genesysSession()), client: aws.dynamo, tableName: config.STATE_TABLE_NAME, ttlMs: config.CAPACITY_CACHE_MINUTES * MINUTE, clock })
  return {
    agents: new DynamoDbAgentStateRepository(aws.dynamo, config.STATE_TABLE_NAME),
    sessions: new DynamoDbSessionRepository(aws.dynamo, config.SESSIONS_TABLE_NAME),
    reservations: new DynamoDbCapLedger(aws.dynamo, config.STATE_TABLE_NAME),
    optOuts: new DynamoDbOptOutList(aws.dynamo, config.STATE_TABLE_NAME),
    claims: new DynamoDbCustomerClaims(aws.dynamo, config.STATE_TABLE_NAME),
    publisher: new EventBridgeRequestPublisher(new EventBridgePublisher(aws.eventBridge, config.APP_EVENT_BUS_NAME)),
    ...(config.TARGET_SCOPE === 'queue' ? { queues: queueDirectory() } : {}),
    ...(config.MAX_MESSAGES_PER_TRIGGER === AGENT_CAPACITY ? { capacity: capacityLookup() } : {}),
    mode: new CachedSendingMode(config.SENDING_MODE, new DynamoDbSendingModeOverrides(aws.dynamo, config.STATE_TABLE_NAME), clock),
  }
}
