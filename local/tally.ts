/** The metrics the local pipeline's handlers report, counted per service. */
import type { Telemetry } from '#functions/shared/observability.ts'
import type { MetricName } from '#lib/metrics-names.ts'

export type ServiceName = 'session-recorder' | 'presence' | 'send' | 'track'

/** Counts every metric each handler reports, per service. */
export class Tally {
  private readonly counts = new Map<string, number>()
  for(service: ServiceName): Telemetry {
    return { count: (metric, value = 1) => this.add(`${service}/${metric}`, value) }
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
