/** track's settings and adapters, built from its validated config: what the handler hands the use case. */
import type { AwsClients } from '#lib/adapters/aws-clients.ts'
import { DynamoDbDeliveryLedger } from '#lib/adapters/dynamodb-delivery-ledger.ts'
import { DynamoDbRateLimiter } from '#lib/adapters/dynamodb-rate-limiter.ts'
import { EventBridgeOutcomePublisher, EventBridgePublisher } from '#lib/adapters/eventbridge-publisher.ts'
import { createGenesysClient } from '#lib/adapters/genesys-sdk.ts'
import { SqsDeadLetterQueue, SqsRedelivery } from '#lib/adapters/sqs-dead-letters.ts'
import { SqsFollowUps, SqsResends } from '#lib/adapters/sqs-follow-ups.ts'
import { ConfigError, type TrackConfig } from '#lib/config.ts'
import { systemClock, type Clock } from '#lib/domain/ports.ts'
import { parseDurations } from '#lib/domain/unknown-outcome.ts'
import { MINUTE } from '#lib/domain/time.ts'
import type { LookupDeps, LookupSettings } from '#lib/track/look-up-unknown.ts'
import { genesysCredentialsFor } from '../shared/genesys.ts'
import type { Observability } from '../shared/observability.ts'
import type { HandlerOverrides } from '../shared/wiring.ts'

export function trackSettings(config: TrackConfig): LookupSettings {
  return { scheduleMs: parseDurations(config.UNKNOWN_OUTCOME_LOOKUPS), resendIfNotFound: config.RESEND_IF_NOT_FOUND, maxDelayMs: config.MAX_DELAY_MINUTES * MINUTE }
}

export function trackDependencies(config: TrackConfig, aws: AwsClients, overrides: HandlerOverrides, observability: Observability): LookupDeps {
  if (!config.TRACK_QUEUE_URL) throw new ConfigError('track', [{ code: 'custom', path: ['TRACK_QUEUE_URL'], message: 'is required: the track queue the next look-up goes to', input: undefined }])
  const clock: Clock = overrides.clock ?? systemClock
  // The same pace counter as send's (pace#… in the state table): look-ups and sends together stay in the budget.
  const pacer = new DynamoDbRateLimiter({ client: aws.dynamo, tableName: config.STATE_TABLE_NAME, perMinute: config.GENESYS_BUDGET_PER_MINUTE * config.GENESYS_BUDGET_HEADROOM })
  const genesys = createGenesysClient({
    region: config.GENESYS_REGION,
    gatewayUrl: config.GENESYS_GATEWAY_URL,
    timeoutMs: config.GENESYS_TIMEOUT_MS,
    credentials: overrides.genesysCredentials ?? genesysCredentialsFor(config, aws),
    clock,
    onRateLimit: (report) => pacer.observe(report),
  })
  return {
    search: genesys,
    pacer,
    ledger: new DynamoDbDeliveryLedger(aws.dynamo, config.STATE_TABLE_NAME),
    followUps: new SqsFollowUps(aws.sqs, config.TRACK_QUEUE_URL),
    resends: new SqsResends(aws.sqs, config.SEND_QUEUE_URL),
    deadLetters: new SqsDeadLetterQueue(aws.sqs, config.SEND_DLQ_URL),
    outcomes: new EventBridgeOutcomePublisher(new EventBridgePublisher(aws.eventBridge, config.APP_EVENT_BUS_NAME)),
    redelivery: new SqsRedelivery(aws.sqs, config.AWS_ENDPOINT_URL_SQS),
    telemetry: observability.telemetry,
    log: observability.log,
    clock,
  }
}
