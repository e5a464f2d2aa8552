/**
 * session-recorder: conversation detail events (SQS, from the Genesys partner bus) → one DynamoDB item per
 * messaging conversation, then whether the event is a customer's reply to a proactive message (or an agent
 * connecting to one). Thin: parse, call the use cases, report.
 */
import type { SQSRecord } from 'aws-lambda'
import { createAwsClients } from '#lib/adapters/aws-clients.ts'
import { DynamoDbSentMessages } from '#lib/adapters/dynamodb-sent-messages.ts'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import { EventBridgePublisher, EventBridgeReplyPublisher } from '#lib/adapters/eventbridge-publisher.ts'
import { loadConfig, sessionRecorderConfigSchema } from '#lib/config.ts'
import { systemClock } from '#lib/domain/ports.ts'
import { HOUR } from '#lib/domain/time.ts'
import { METRIC_NAMES, SERVICE_NAMES } from '#lib/metrics-names.ts'
import { recogniseReply } from '#lib/session-recorder/recognise-reply.ts'
import { recordSession } from '#lib/session-recorder/record-session.ts'
import { acceptGenesysEvent } from '../shared/genesys-event.ts'
import { createObservability, shortId } from '../shared/observability.ts'
import { lazyHandler, sqsBatchHandler, type SqsHandler } from '../shared/sqs-batch.ts'
import type { Env, HandlerOverrides } from '../shared/wiring.ts'

export function createSessionRecorderHandler(env: Env = process.env, overrides: HandlerOverrides = {}): SqsHandler {
  const config = loadConfig('session-recorder', sessionRecorderConfigSchema, env)
  const observability = createObservability(SERVICE_NAMES.sessionRecorder, overrides.telemetry)
  const { logger, telemetry } = observability
  const aws = createAwsClients(config)
  const sessions = new DynamoDbSessionRepository(aws.dynamo, config.SESSIONS_TABLE_NAME)
  const policy = { windowMs: config.WINDOW_HOURS * HOUR }
  const clock = overrides.clock ?? systemClock
  const replyPolicy = { windowMs: config.REPLY_WINDOW_HOURS * HOUR }
  const replies = {
    records: new DynamoDbSentMessages(aws.dynamo, config.STATE_TABLE_NAME, replyPolicy.windowMs),
    publisher: new EventBridgeReplyPublisher(new EventBridgePublisher(aws.eventBridge, config.APP_EVENT_BUS_NAME)),
    telemetry,
  }

  const processRecord = async (record: SQSRecord): Promise<void> => {
    const event = acceptGenesysEvent(record, 'conversation', { logger, telemetry, orgId: config.GENESYS_ORG_ID, clock, maxClockSkewSeconds: config.MAX_CLOCK_SKEW_SECONDS })
    if (!event) return
    const outcome = await recordSession(event, sessions, policy)
    const context = { conversationId: shortId(event.conversationId), topic: event.topic, eventId: event.eventId }
    if (outcome.kind === 'ignored') {
      telemetry.count(METRIC_NAMES.eventsIgnored)
      logger.info('event ignored', { ...context, reason: outcome.reason })
      return
    }
    if (outcome.kind === 'recorded') {
      telemetry.count(METRIC_NAMES.sessionsRecorded)
      logger.info('session recorded', { ...context, created: outcome.created })
    } else {
      logger.info('session unchanged (duplicate or older event)', context)
    }
    const reply = await recogniseReply(event, outcome.session, replies, replyPolicy)
    if (reply.kind === 'answered') logger.info('reply to a proactive message', { ...context, reply: reply.reply, timeToReplyMs: reply.timeToReplyMs, servedBy: reply.servedBy })
    else if (reply.kind === 'served') logger.info('reply served', { ...context, servedBy: reply.servedBy })
  }

  return sqsBatchHandler(processRecord, observability)
}

export const handler = lazyHandler(() => createSessionRecorderHandler())
