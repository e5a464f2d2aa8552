/** send's settings and adapters, built from its validated config: what the handler hands the use case. */
import type { AwsClients } from '#lib/adapters/aws-clients.ts'
import { DynamoDbCapLedger } from '#lib/adapters/dynamodb-cap-ledger.ts'
import { DynamoDbDeliveryLedger } from '#lib/adapters/dynamodb-delivery-ledger.ts'
import { DynamoDbRateLimiter } from '#lib/adapters/dynamodb-rate-limiter.ts'
import { CachedSendingMode, DynamoDbSendingModeOverrides } from '#lib/adapters/dynamodb-sending-mode.ts'
import { DynamoDbSentMessages } from '#lib/adapters/dynamodb-sent-messages.ts'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import { DynamoDbOptOutLookup } from '#lib/adapters/dynamodb-opt-out-lookup.ts'
import { EventBridgeOutcomePublisher, EventBridgePublisher } from '#lib/adapters/eventbridge-publisher.ts'
import { createGenesysClient } from '#lib/adapters/genesys-sdk.ts'
import { SqsDeadLetterQueue, SqsRedelivery } from '#lib/adapters/sqs-dead-letters.ts'
import { SqsFollowUps } from '#lib/adapters/sqs-follow-ups.ts'
import { channelSettings, quietHoursFromConfig, type SendConfig } from '#lib/config.ts'
import { parseDurations } from '#lib/domain/unknown-outcome.ts'
import { systemClock, type Clock } from '#lib/domain/ports.ts'
import { HOUR, MINUTE } from '#lib/domain/time.ts'
import type { SendDeps, SendSettings } from '#lib/send/send-message.ts'
import type { SettleDeps, SettleSettings } from '#lib/send/settle-send.ts'
import { genesysCredentialsFor, genesysRequestTimer } from '../shared/genesys.ts'
import type { Observability } from '../shared/observability.ts'
import { decorate, type HandlerOverrides } from '../shared/wiring.ts'

export function sendSettings(config: SendConfig): SendSettings & SettleSettings {
  return {
    maxDelayMs: config.MAX_DELAY_MINUTES * MINUTE,
    maxDelayMinutes: config.MAX_DELAY_MINUTES,
    channels: channelSettings(config),
    brand: config.BRAND_NAME,
    attemptTimeoutMs: config.SEND_ATTEMPT_TIMEOUT_SECONDS * 1000,
    capMs: config.CAP_HOURS * HOUR,
    capHours: config.CAP_HOURS,
    retryBaseSeconds: config.RETRY_BASE_SECONDS,
    retryMaxSeconds: config.RETRY_MAX_SECONDS,
    // No track queue (a handler built without one): an unknown outcome is dead-lettered at once, as before.
    lookupScheduleMs: config.TRACK_QUEUE_URL ? parseDurations(config.UNKNOWN_OUTCOME_LOOKUPS) : [],
    quietHours: quietHoursFromConfig(config),
    windowMs: config.WINDOW_HOURS * HOUR,
    busy: { staleMs: config.ACTIVE_CONVERSATION_STALE_HOURS * HOUR },
  }
}

export function sendDependencies(config: SendConfig, aws: AwsClients, overrides: HandlerOverrides, observability: Observability): SendDeps & SettleDeps {
  const clock: Clock = overrides.clock ?? systemClock
  // The budget is the starting rate; every Genesys response's rate-limit headers then set it (adaptive pacing).
  const pacer = new DynamoDbRateLimiter({ client: aws.dynamo, tableName: config.STATE_TABLE_NAME, perMinute: config.GENESYS_BUDGET_PER_MINUTE * config.GENESYS_BUDGET_HEADROOM })
  const genesys = createGenesysClient({
    region: config.GENESYS_REGION,
    gatewayUrl: config.GENESYS_GATEWAY_URL,
    timeoutMs: config.GENESYS_TIMEOUT_MS,
    credentials: overrides.genesysCredentials ?? genesysCredentialsFor(config, aws),
    clock,
    onRateLimit: (report) => pacer.observe(report),
    onRequestTime: genesysRequestTimer(observability.telemetry),
  })
  return {
    clock,
    ledger: decorate(overrides.decorate?.ledger, new DynamoDbDeliveryLedger(aws.dynamo, config.STATE_TABLE_NAME)),
    cap: new DynamoDbCapLedger(aws.dynamo, config.STATE_TABLE_NAME),
    sentMessages: new DynamoDbSentMessages(aws.dynamo, config.STATE_TABLE_NAME, config.REPLY_WINDOW_HOURS * HOUR),
    optOuts: new DynamoDbOptOutLookup(aws.dynamo, config.STATE_TABLE_NAME),
    sessions: new DynamoDbSessionRepository(aws.dynamo, config.SESSIONS_TABLE_NAME),
    mode: new CachedSendingMode(config.SENDING_MODE, new DynamoDbSendingModeOverrides(aws.dynamo, config.STATE_TABLE_NAME), clock),
    genesys: decorate(overrides.decorate?.genesys, genesys),
    pacer,
    deadLetters: new SqsDeadLetterQueue(aws.sqs, config.SEND_DLQ_URL),
    outcomes: new EventBridgeOutcomePublisher(new EventBridgePublisher(aws.eventBridge, config.APP_EVENT_BUS_NAME)),
    redelivery: new SqsRedelivery(aws.sqs, config.AWS_ENDPOINT_URL_SQS),
    ...(config.REPLY_AGENT_ATTRIBUTE === 'on' ? { agentAttributes: genesys } : {}),
    ...(config.TRACK_QUEUE_URL ? { followUps: new SqsFollowUps(aws.sqs, config.TRACK_QUEUE_URL) } : {}),
    telemetry: observability.telemetry,
    log: observability.log,
  }
}
