/**
 * The SQS event-source contract shared by the three functions: records are processed one by one with
 * Powertools' BatchProcessor, a record whose processor throws is reported as a batch item failure (SQS
 * retries it, then dead-letters it after maxReceiveCount), and the batch as a whole never throws.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch'
import type { Logger } from '@aws-lambda-powertools/logger'
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'
import type { Metrics } from '@aws-lambda-powertools/metrics'
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware'
import middy from '@middy/core'
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda'
import { RetryLater } from '#lib/domain/retry-later.ts'

/** `context` is the invocation's (Powertools' BatchProcessor passes it on): its remaining time bounds waits. */
export type RecordProcessor = (record: SQSRecord, context?: Context) => Promise<void>

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>

export function sqsBatchHandler(processRecord: RecordProcessor, observability: { logger: Logger; metrics: Metrics }, options: { inParallel?: boolean } = {}): SqsHandler {
  const processor = new BatchProcessor(EventType.SQS)
  const logged = logFailures(processRecord, observability.logger)
  const handleBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, logged, processor, {
      context,
      processInParallel: options.inParallel ?? false,
      throwOnFullBatchFailure: false,
    })
  return middy(handleBatch)
    .use(injectLambdaContext(observability.logger, { resetKeys: true }))
    .use(logMetrics(observability.metrics)) as unknown as SqsHandler
}

/**
 * Every record that fails is logged with why, before SQS retries it (and, after maxReceiveCount, dead-letters
 * it): otherwise a poisoned record reaches the DLQ with no line saying what went wrong. A planned retry
 * (`RetryLater`) was logged by whoever planned it. The message goes through the logger's masking.
 */
export function logFailures(processRecord: RecordProcessor, logger: Pick<Logger, 'warn'>): RecordProcessor {
  return async (record, context) => {
    try {
      await processRecord(record, context)
    } catch (error) {
      if (!(error instanceof RetryLater)) {
        const { name, message } = error instanceof Error ? error : { name: typeof error, message: String(error) }
        logger.warn('record failed: left for SQS to retry', { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, error: { name, message: message.slice(0, 500) } })
      }
      throw error
    }
  }
}

/** Builds the handler on first use, so a configuration error surfaces on the first invocation with its message. */
export function lazyHandler(create: () => SqsHandler): SqsHandler {
  let handler: SqsHandler | undefined
  return (event, context) => (handler ??= create())(event, context)
}
