/**
 * Logger, metrics and the telemetry port the handlers report through. In Lambda, counts become EMF metrics;
 * the local cloud passes its own Telemetry to tally them per event as well.
 */
import { Logger } from '@aws-lambda-powertools/logger'
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import { METRICS_NAMESPACE, type MetricName } from '../../lib/metrics-names.ts'
import { maskLogValue } from './log-masking.ts'

export interface Telemetry {
  count(metric: MetricName, value?: number): void
}

export interface Observability {
  readonly logger: Logger
  readonly metrics: Metrics
  readonly telemetry: Telemetry
}

export function createObservability(serviceName: string, extra?: Telemetry): Observability {
  // Every log line goes through the masking replacer: no caller can log personal data or a secret by mistake.
  const logger = new Logger({ serviceName, jsonReplacerFn: maskLogValue })
  // Metrics' own warnings (e.g. an invocation with nothing to count) go through the structured logger.
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName, logger })
  const telemetry: Telemetry = {
    count(metric, value = 1) {
      if (value <= 0) return
      metrics.addMetric(metric, MetricUnit.Count, value)
      extra?.count(metric, value)
    },
  }
  return { logger, metrics, telemetry }
}

/** First 8 characters of an id: enough to correlate in logs, not the whole identifier. */
export const shortId = (id: string): string => (id.length > 8 ? `${id.slice(0, 8)}…` : id)
