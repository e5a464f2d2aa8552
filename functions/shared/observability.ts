/**
 * Logger, metrics and the telemetry port the handlers report through. In Lambda, counts become EMF metrics;
 * the local cloud passes its own Telemetry to tally them per event as well.
 */
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import type { Log, MetricDimensions, Telemetry } from '#lib/domain/ports.ts'
import { METRICS_NAMESPACE } from '#lib/metrics-names.ts'
import { maskLogValue } from './log-masking.ts'

export type { Telemetry } from '#lib/domain/ports.ts'
export { shortId } from '#lib/domain/short-id.ts'

export interface Observability {
  readonly logger: Logger
  readonly metrics: Metrics
  readonly telemetry: Telemetry
  /** The logger as the use cases' Log port. */
  readonly log: Log
}

export function createObservability(serviceName: string, extra?: Telemetry): Observability {
  // Every log line goes through the masking replacer: no caller can log personal data or a secret by mistake.
  const logger = new Logger({ serviceName, jsonReplacerFn: maskLogValue })
  // Metrics' own warnings (e.g. an invocation with nothing to count) go through the structured logger.
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName, logger })
  /** A data point with its own dimension set: Powertools puts the dimensions of one metrics object on all its metrics. */
  const withDimensions = (dimensions: MetricDimensions, add: (single: Metrics) => void): void => {
    const single = metrics.singleMetric()
    single.addDimensions(dimensions)
    add(single)
  }
  const telemetry: Telemetry = {
    count(metric, value = 1, dimensions) {
      if (value <= 0) return
      metrics.addMetric(metric, MetricUnit.Count, value)
      if (dimensions) withDimensions(dimensions, (single) => single.addMetric(metric, MetricUnit.Count, value))
      extra?.count(metric, value, dimensions)
    },
    duration(metric, milliseconds, dimensions) {
      withDimensions(dimensions, (single) => single.addMetric(metric, MetricUnit.Milliseconds, milliseconds))
      extra?.duration?.(metric, milliseconds, dimensions)
    },
    measureSeconds(metric, seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) return
      metrics.addMetric(metric, MetricUnit.Seconds, seconds)
      extra?.measureSeconds?.(metric, seconds)
    },
  }
  const log: Log = {
    info: (message, fields) => (fields ? logger.info(message, fields) : logger.info(message)),
    warn: (message, fields) => (fields ? logger.warn(message, fields) : logger.warn(message)),
  }
  return { logger, metrics, telemetry, log }
}
