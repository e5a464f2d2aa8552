/**
 * send: ProactiveMessageRequested events (SQS, from the app bus) → one agentless message each through the
 * Genesys Platform API, paced to the request budget. Permanent failures are dead-lettered with their reason
 * and acknowledged; 429s wait for Retry-After (message visibility); transient failures are retried by SQS.
 */
import type { SQSRecord } from 'aws-lambda'
import { createAwsClients } from '../../lib/adapters/aws-clients.ts'
import { DynamoDbDeliveryLedger } from '../../lib/adapters/dynamodb-delivery-ledger.ts'
import { DynamoDbOutreachLedger } from '../../lib/adapters/dynamodb-state.ts'
import { EventBridgePublisher } from '../../lib/adapters/eventbridge-publisher.ts'
import { createGenesysClient } from '../../lib/adapters/genesys-sdk.ts'
import { DynamoDbRateLimiter } from '../../lib/adapters/dynamodb-rate-limiter.ts'
import { delayRedelivery, queueUrlFromArn, SqsDeadLetterQueue } from '../../lib/adapters/sqs-dead-letters.ts'
import { channelSettings, loadConfig, sendConfigSchema } from '../../lib/config.ts'
import { EventValidationError } from '../../lib/domain/events.ts'
import type { MessageRequest } from '../../lib/domain/model.ts'
import { systemClock } from '../../lib/domain/ports.ts'
import { parseMessageRequest, type OutcomeDetail } from '../../lib/domain/requests.ts'
import { METRIC_NAMES, SERVICE_NAMES } from '../../lib/metrics-names.ts'
import { APP_DETAIL_TYPES } from '../../lib/topology.ts'
import { sendMessage, type SendSettings } from '../../lib/usecases/send-message.ts'
import { genesysCredentialsFor } from '../shared/genesys.ts'
import { createObservability, shortId } from '../shared/observability.ts'
import { lazyHandler, sqsBatchHandler, type SqsHandler } from '../shared/sqs-batch.ts'
import { decorate, type Env, type HandlerOverrides } from '../shared/wiring.ts'
import { HOUR, MINUTE } from '../../lib/domain/time.ts'

/** Exponential backoff by how often SQS has delivered the record: base × 2^(n-1) up to a maximum, jittered down by up to half. */
export function retryDelaySeconds(receiveCount: number, baseSeconds: number, maxSeconds: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, receiveCount - 1))
  return Math.round(ceiling * (0.5 + random() / 2))
}

/** Thrown to have SQS deliver the record again later. */
class RetryLater extends Error {
  override readonly name = 'RetryLater'
}

export function createSendHandler(env: Env = process.env, overrides: HandlerOverrides = {}): SqsHandler {
  const config = loadConfig('send', sendConfigSchema, env)
  const observability = createObservability(SERVICE_NAMES.send, overrides.telemetry)
  const { logger, telemetry } = observability
  const clock = overrides.clock ?? systemClock
  const aws = createAwsClients(env)
  const deadLetters = new SqsDeadLetterQueue(aws.sqs, config.SEND_DLQ_URL)
  const outcomes = new EventBridgePublisher(aws.eventBridge, config.APP_EVENT_BUS_NAME)
  const settings: SendSettings = {
    maxDelayMs: config.MAX_DELAY_MINUTES * MINUTE,
    channels: channelSettings(config),
    brand: config.BRAND_NAME,
    attemptTimeoutMs: config.SEND_ATTEMPT_TIMEOUT_SECONDS * 1000,
    capMs: config.CAP_HOURS * HOUR,
  }
  const deps = {
    clock,
    wallClock: systemClock,
    ledger: decorate(overrides.decorate?.ledger, new DynamoDbDeliveryLedger(aws.dynamo, config.STATE_TABLE_NAME)),
    outreach: new DynamoDbOutreachLedger(aws.dynamo, config.STATE_TABLE_NAME),
    genesys: decorate(
      overrides.decorate?.genesys,
      createGenesysClient({
        region: config.GENESYS_REGION,
        gatewayUrl: config.GENESYS_GATEWAY_URL,
        timeoutMs: config.GENESYS_TIMEOUT_MS,
        credentials: overrides.genesysCredentials ?? genesysCredentialsFor(config, aws),
        clock,
      }),
    ),
    pacer: new DynamoDbRateLimiter({ client: aws.dynamo, tableName: config.STATE_TABLE_NAME, perMinute: config.GENESYS_BUDGET_PER_MINUTE * config.GENESYS_BUDGET_HEADROOM }),
  }

  async function publishOutcome(request: MessageRequest, detail: Omit<OutcomeDetail, 'dedupeKey' | 'conversationId' | 'channel' | 'agentId' | 'requestedAt'>): Promise<void> {
    const full: OutcomeDetail = {
      dedupeKey: request.dedupeKey,
      conversationId: request.conversationId,
      channel: request.customer.channel,
      agentId: request.agentId,
      requestedAt: request.requestedAt,
      ...detail,
    }
    // If this fails the record is retried: the ledger knows the request is settled but not reported, so the
    // retry reports it and sends nothing.
    await outcomes.put(detail.outcome === 'sent' ? APP_DETAIL_TYPES.sent : APP_DETAIL_TYPES.failed, [full])
  }

  async function deadLetter(record: SQSRecord, reason: string, attributes: Record<string, string | number | undefined>): Promise<void> {
    await deadLetters.send({ body: record.body, reason, attributes: { ...attributes, sourceMessageId: record.messageId } })
    telemetry.count(METRIC_NAMES.messagesDeadLettered)
  }

  const processRecord = async (record: SQSRecord): Promise<void> => {
    let request: MessageRequest
    try {
      request = parseMessageRequest(record.body)
    } catch (error) {
      if (!(error instanceof EventValidationError)) throw error
      telemetry.count(METRIC_NAMES.eventsRejected)
      logger.warn('request rejected', { messageId: record.messageId, problems: error.problems })
      await deadLetter(record, 'invalid-request', { detail: error.message.slice(0, 1000) })
      return
    }
    const context = { dedupeKey: request.dedupeKey, conversationId: shortId(request.conversationId), channel: request.customer.channel }
    // The send function dead-letters with a `reason` attribute, which a redrive carries back: the mark of an
    // operator's decision to try again.
    const redriven = record.messageAttributes?.reason?.stringValue !== undefined
    const decision = await sendMessage(request, deps, settings, { redriven })
    switch (decision.kind) {
      case 'sent':
        telemetry.count(METRIC_NAMES.messagesSent)
        logger.info('message sent', { ...context, status: decision.status })
        await publishOutcome(request, { outcome: 'sent', genesys: { status: decision.status, messageId: decision.messageId, conversationId: decision.genesysConversationId } })
        await deps.ledger.markNotified(request.dedupeKey)
        return
      case 'expired':
        telemetry.count(METRIC_NAMES.messagesExpired)
        logger.info('request expired: not sent', { ...context, ageMs: decision.ageMs })
        await publishOutcome(request, { outcome: 'expired', reason: `older than ${config.MAX_DELAY_MINUTES} minutes` })
        return
      case 'capped':
        telemetry.count(METRIC_NAMES.messagesSuppressed)
        logger.info('customer already messaged within the cap window: not sent', context)
        await publishOutcome(request, { outcome: 'suppressed', reason: `customer messaged within the last ${config.CAP_HOURS} hours` })
        return
      case 'invalid':
        telemetry.count(METRIC_NAMES.messagesFailed)
        logger.warn('request fails preflight: dead-lettered', { ...context, detail: decision.detail })
        await deadLetter(record, decision.reason, { detail: decision.detail })
        await publishOutcome(request, { outcome: 'dead-lettered', reason: decision.reason })
        return
      case 'permanent': {
        const { status, code, message, contextId } = decision.result
        telemetry.count(METRIC_NAMES.messagesFailed)
        telemetry.count(METRIC_NAMES.genesysPermanentFailures)
        logger.warn('Genesys refused the message: dead-lettered', { ...context, status, code, contextId })
        await deadLetter(record, 'genesys-rejected', { genesysStatus: status, genesysCode: code, genesysMessage: message, contextId })
        await publishOutcome(request, { outcome: 'dead-lettered', reason: 'genesys-rejected', genesys: { status, code, contextId } })
        await deps.ledger.markNotified(request.dedupeKey)
        return
      }
      case 'duplicate': {
        const unreported = decision.unreported
        if (!unreported) {
          telemetry.count(METRIC_NAMES.messagesSuppressed)
          logger.info('already settled (sent or dead-lettered): duplicate delivery acknowledged', context)
          return
        }
        // Settled earlier, but reporting it failed: finish reporting, send nothing.
        logger.info('settled earlier: reporting the outcome', { ...context, state: unreported.state })
        if (unreported.state === 'sent') {
          await publishOutcome(request, { outcome: 'sent' })
        } else {
          const reason = unreported.reason ?? 'outcome-unknown'
          await deadLetter(record, reason, { detail: 'dead-lettered by an earlier attempt whose report failed' })
          await publishOutcome(request, { outcome: 'dead-lettered', reason })
        }
        await deps.ledger.markNotified(request.dedupeKey)
        return
      }
      case 'outcome-unknown': {
        const { status, code, contextId } = decision.result ?? {}
        telemetry.count(METRIC_NAMES.messagesFailed)
        logger.warn('outcome unknown: dead-lettered, not resent', { ...context, status, code, detail: decision.detail })
        await deadLetter(record, 'outcome-unknown', { detail: decision.detail, genesysStatus: status, genesysCode: code, contextId })
        await publishOutcome(request, { outcome: 'dead-lettered', reason: 'outcome-unknown' })
        await deps.ledger.markNotified(request.dedupeKey)
        return
      }
      case 'retry': {
        const { status, code } = decision.result ?? {}
        if (decision.reason === 'rate-limited') {
          telemetry.count(METRIC_NAMES.genesysRateLimited)
          await delayRedelivery(aws.sqs, queueUrlFromArn(record.eventSourceARN, env.AWS_ENDPOINT_URL_SQS), record.receiptHandle, decision.delaySeconds ?? 60)
        } else {
          if (decision.reason === 'transient') telemetry.count(METRIC_NAMES.genesysTransientFailures)
          const receives = Number(record.attributes.ApproximateReceiveCount) || 1
          await delayRedelivery(aws.sqs, queueUrlFromArn(record.eventSourceARN, env.AWS_ENDPOINT_URL_SQS), record.receiptHandle, retryDelaySeconds(receives, config.RETRY_BASE_SECONDS, config.RETRY_MAX_SECONDS))
        }
        logger.warn('send failed: will retry', { ...context, reason: decision.reason, status, code })
        throw new RetryLater(`${decision.reason}${status ? ` (${status})` : ''}`)
      }
    }
  }

  return sqsBatchHandler(processRecord, observability)
}

export const handler = lazyHandler(() => createSendHandler())
