/**
 * session-recorder: conversation detail events (SQS, from the Genesys partner bus) → one DynamoDB item per
 * messaging conversation. Thin: parse, call the use case, report.
 */
import type { SQSRecord } from 'aws-lambda'
import { createAwsClients } from '#lib/adapters/aws-clients.ts'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import { loadConfig, sessionRecorderConfigSchema } from '#lib/config.ts'
import { METRIC_NAMES, SERVICE_NAMES } from '#lib/metrics-names.ts'
import { recordSession } from '#lib/session-recorder/record-session.ts'
import { acceptGenesysEvent } from '../shared/genesys-event.ts'
import { createObservability, shortId } from '../shared/observability.ts'
import { lazyHandler, sqsBatchHandler, type SqsHandler } from '../shared/sqs-batch.ts'
import type { Env, HandlerOverrides } from '../shared/wiring.ts'
import { HOUR } from '#lib/domain/time.ts'

export function createSessionRecorderHandler(env: Env = process.env, overrides: HandlerOverrides = {}): SqsHandler {
  const config = loadConfig('session-recorder', sessionRecorderConfigSchema, env)
  const observability = createObservability(SERVICE_NAMES.sessionRecorder, overrides.telemetry)
  const { logger, telemetry } = observability
  const sessions = new DynamoDbSessionRepository(createAwsClients(config).dynamo, config.SESSIONS_TABLE_NAME)
  const policy = { windowMs: config.WINDOW_HOURS * HOUR }

  const processRecord = async (record: SQSRecord): Promise<void> => {
    const event = acceptGenesysEvent(record, 'conversation', { logger, telemetry, orgId: config.GENESYS_ORG_ID })
    if (!event) return
    const outcome = await recordSession(event, sessions, policy)
    const context = { conversationId: shortId(event.conversationId), topic: event.topic, eventId: event.eventId }
    if (outcome.kind === 'ignored') {
      telemetry.count(METRIC_NAMES.eventsIgnored)
      logger.info('event ignored', { ...context, reason: outcome.reason })
    } else if (outcome.kind === 'recorded') {
      telemetry.count(METRIC_NAMES.sessionsRecorded)
      logger.info('session recorded', { ...context, created: outcome.created })
    } else {
      logger.info('session unchanged (duplicate or older event)', context)
    }
  }

  return sqsBatchHandler(processRecord, observability)
}

export const handler = lazyHandler(() => createSessionRecorderHandler())
