/**
 * Shared by the fuzz suites and the hostile-input integration tests: fast-check parameters (a fixed seed and a
 * bounded number of runs in CI, more with FUZZ_RUNS), capture of the functions' log output, a metric tally,
 * and SQS records built from raw bodies.
 *
 *   npx vitest run test/fuzz                                  CI size (fixed seed)
 *   FUZZ_RUNS=2000 npx vitest run test/fuzz                   the larger local run (docs/security.md)
 *   FUZZ_RUNS=2000 FUZZ_SEED=12345 npx vitest run test/fuzz   another seed; a failure prints its seed and path
 */
import { randomUUID } from 'node:crypto'
import type { SQSRecord } from 'aws-lambda'
import type { Telemetry } from '#functions/shared/observability.ts'
import type { MetricName } from '#lib/metrics-names.ts'

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_123)

/** fast-check parameters: `ciRuns` unless FUZZ_RUNS asks for more. */
export function fuzzParams(ciRuns: number): { seed: number; numRuns: number; endOnFailure: boolean } {
  const requested = Number(process.env.FUZZ_RUNS)
  return { seed: FUZZ_SEED, numRuns: Number.isFinite(requested) && requested > 0 ? requested : ciRuns, endOnFailure: true }
}

/** A vitest timeout that grows with the number of runs (the CI size stays under the default). */
export function fuzzTimeout(ciRuns: number, msPerRun: number): number {
  return Math.max(30_000, fuzzParams(ciRuns).numRuns * msPerRun * 2)
}

export interface CapturedLogs {
  /** Everything written to stdout and stderr since capture started. */
  text(): string
  /** The JSON log lines (Powertools writes one JSON object a line). */
  lines(): Record<string, unknown>[]
  clear(): void
  restore(): void
}

/**
 * Captures what the process writes to stdout and stderr. Powertools' Logger writes through a Console bound to
 * process.stdout / process.stderr, and looks `write` up at each call, so replacing it sees every line.
 */
export function captureLogs(options: { passThrough?: boolean } = {}): CapturedLogs {
  let captured = ''
  const streams = [process.stdout, process.stderr] as const
  const originals = streams.map((stream) => stream.write.bind(stream))
  streams.forEach((stream, index) => {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')
      if (options.passThrough) return (originals[index] as (...args: unknown[]) => boolean)(chunk, ...rest)
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
      callback?.()
      return true
    }) as typeof stream.write
  })
  return {
    text: () => captured,
    lines: () =>
      captured
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>]
          } catch {
            return []
          }
        }),
    clear: () => {
      captured = ''
    },
    restore: () => {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as typeof stream.write
      })
    },
  }
}

/** Counts every metric a handler reports (the `telemetry` override). */
export class MetricTally implements Telemetry {
  private readonly counts = new Map<string, number>()
  count(metric: MetricName, value = 1): void {
    this.counts.set(metric, this.get(metric) + value)
  }
  get(metric: MetricName): number {
    return this.counts.get(metric) ?? 0
  }
  reset(): void {
    this.counts.clear()
  }
}

export function sqsRecord(body: string, queueArn = 'arn:aws:sqs:us-east-1:000000000000:fuzz'): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'fuzz', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  }
}

export { lambdaContext } from '../../local/lambda-event.ts'
