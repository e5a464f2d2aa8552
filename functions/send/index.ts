/**
 * send: ProactiveMessageRequested events (SQS, from the app bus) → one agentless message each through the
 * Genesys Platform API, paced to the request budget. Wiring only: the use case (lib/usecases/settle-send.ts)
 * decides and settles each request (dead-letter, report, mark notified, retry later) in one fixed order.
 */
import type { Context, SQSRecord } from 'aws-lambda'
import { createAwsClients } from '#lib/adapters/aws-clients.ts'
import { DynamoDbDeliveryLedger } from '#lib/adapters/dynamodb-delivery-ledger.ts'
import { DynamoDbRateLimiter } from '#lib/adapters/dynamodb-rate-limiter.ts'
import { DynamoDbOutreachLedger } from '#lib/adapters/dynamodb-state.ts'
import { DynamoDbSuppressionLookup } from '#lib/adapters/dynamodb-suppression-lookup.ts'
import { EventBridgeOutcomePublisher, EventBridgePublisher } from '#lib/adapters/eventbridge-publisher.ts'
import { createGenesysClient } from '#lib/adapters/genesys-sdk.ts'
import { SqsDeadLetterQueue, SqsRedelivery } from '#lib/adapters/sqs-dead-letters.ts'
import { CachedSendingMode, DynamoDbSendingModeOverrides } from '#lib/adapters/dynamodb-sending-mode.ts'
import { channelSettings, loadConfig, quietHoursFromConfig, sendConfigSchema } from '#lib/config.ts'
import { systemClock, type InboundMessage } from '#lib/domain/ports.ts'
import { HOUR, MINUTE } from '#lib/domain/time.ts'
import { SERVICE_NAMES } from '#lib/metrics-names.ts'
import { handleSendRequest } from '#lib/usecases/settle-send.ts'
import { genesysCredentialsFor } from '../shared/genesys.ts'
import { createObservability } from '../shared/observability.ts'
import { lazyHandler, sqsBatchHandler, type SqsHandler } from '../shared/sqs-batch.ts'
import { decorate, type Env, type HandlerOverrides } from '../shared/wiring.ts'

export function createSendHandler(env: Env = process.env, overrides: HandlerOverrides = {}): SqsHandler {
  const config = loadConfig('send', sendConfigSchema, env)
  const observability = createObservability(SERVICE_NAMES.send, overrides.telemetry)
  const clock = overrides.clock ?? systemClock
  const aws = createAwsClients(config)
  const settings = {
    maxDelayMs: config.MAX_DELAY_MINUTES * MINUTE,
    maxDelayMinutes: config.MAX_DELAY_MINUTES,
    channels: channelSettings(config),
    brand: config.BRAND_NAME,
    attemptTimeoutMs: config.SEND_ATTEMPT_TIMEOUT_SECONDS * 1000,
    capMs: config.CAP_HOURS * HOUR,
    capHours: config.CAP_HOURS,
    retryBaseSeconds: config.RETRY_BASE_SECONDS,
    retryMaxSeconds: config.RETRY_MAX_SECONDS,
    quietHours: quietHoursFromConfig(config),
  }
  const credentials = overrides.genesysCredentials ?? genesysCredentialsFor(config, aws)
  // The budget is the starting rate; every Genesys response's rate-limit headers then set it (adaptive pacing).
  const pacer = new DynamoDbRateLimiter({ client: aws.dynamo, tableName: config.STATE_TABLE_NAME, perMinute: config.GENESYS_BUDGET_PER_MINUTE * config.GENESYS_BUDGET_HEADROOM })
  const genesys = createGenesysClient({
    region: config.GENESYS_REGION,
    gatewayUrl: config.GENESYS_GATEWAY_URL,
    timeoutMs: config.GENESYS_TIMEOUT_MS,
    credentials,
    clock,
    onRateLimit: (report) => pacer.observe(report),
  })
  const deps = {
    clock,
    wallClock: systemClock,
    ledger: decorate(overrides.decorate?.ledger, new DynamoDbDeliveryLedger(aws.dynamo, config.STATE_TABLE_NAME)),
    outreach: new DynamoDbOutreachLedger(aws.dynamo, config.STATE_TABLE_NAME),
    suppressions: new DynamoDbSuppressionLookup(aws.dynamo, config.STATE_TABLE_NAME),
    // Real time, not the pipeline clock: the cache bounds how long an operator's `proactive mode` takes.
    mode: new CachedSendingMode(config.SENDING_MODE, new DynamoDbSendingModeOverrides(aws.dynamo, config.STATE_TABLE_NAME), overrides.modeClock ?? systemClock),
    genesys: decorate(overrides.decorate?.genesys, genesys),
    pacer,
    deadLetters: new SqsDeadLetterQueue(aws.sqs, config.SEND_DLQ_URL),
    outcomes: new EventBridgeOutcomePublisher(new EventBridgePublisher(aws.eventBridge, config.APP_EVENT_BUS_NAME)),
    redelivery: new SqsRedelivery(aws.sqs, config.AWS_ENDPOINT_URL_SQS),
    telemetry: observability.telemetry,
    log: observability.log,
  }
  const sendBy = (context: Context | undefined): number | undefined => {
    const remainingMs = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined
    return remainingMs === undefined ? undefined : systemClock.now() + remainingMs - config.GENESYS_TIMEOUT_MS - SETTLE_MARGIN_MS
  }
  return sqsBatchHandler((record, context) => handleSendRequest(inboundMessage(record, sendBy(context)), deps, settings), observability)
}

/** Time kept after the Genesys call for the settlement's writes (ledger, dead letter, outcome event). */
const SETTLE_MARGIN_MS = 5_000

function inboundMessage(record: SQSRecord, sendBy: number | undefined): InboundMessage {
  return {
    id: record.messageId,
    body: record.body,
    ...(sendBy !== undefined ? { sendBy } : {}),
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    // The send function dead-letters with a `reason` attribute, which a redrive carries back: the mark of an
    // operator's decision to try again.
    redriven: record.messageAttributes?.reason?.stringValue !== undefined,
    delivery: { queue: record.eventSourceARN, receipt: record.receiptHandle },
  }
}

export const handler = lazyHandler(() => createSendHandler())
