/** The metrics the local pipeline's handlers report, counted per service. */
import type { Telemetry } from '#functions/shared/observability.ts'
import type { MetricName } from '#lib/metrics-names.ts'

export type ServiceName = 'session-recorder' | 'presence' | 'send' | 'reply-routing' | 'track'

/** Counts every metric each handler reports, per service. */
export class Tally {
  private readonly counts = new Map<string, number>()
  private readonly measures = new Map<string, number[]>()
  for(service: ServiceName): Telemetry {
    return {
      count: (metric, value = 1) => this.add(`${service}/${metric}`, value),
      measureSeconds: (metric, seconds) => this.measures.set(metric, [...(this.measures.get(metric) ?? []), seconds]),
    }
  }
  /** Every value measured for `metric` (e.g. TimeToReply, seconds), in the order reported. */
  measured(metric: MetricName): readonly number[] {
    return this.measures.get(metric) ?? []
  }
  get(service: ServiceName, metric: MetricName): number {
    return this.counts.get(`${service}/${metric}`) ?? 0
  }
  total(metric: MetricName): number {
    let sum = 0
    for (const [key, value] of this.counts) if (key.endsWith(`/${metric}`)) sum += value
    return sum
  }
  private add(key: string, value: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + value)
  }
}
