/** What presence counts for a trigger: one metric per count of the outcome (the always-counted ones even at 0). */
import { METRIC_NAMES, type MetricName } from '../metrics-names.ts'
import type { TriggeredOutcome } from './handle-availability.ts'

type Counted = { readonly [K in keyof TriggeredOutcome]-?: TriggeredOutcome[K] extends number ? K : never }[keyof TriggeredOutcome]

/** Counts that are 0 on most triggers: counted only when they are not, so a dashboard line means something. */
const WHEN_NONZERO: readonly (readonly [Counted, MetricName])[] = [
  ['claimedElsewhere', METRIC_NAMES.messagesClaimedElsewhere],
  ['outsidePilot', METRIC_NAMES.messagesOutsidePilot],
  ['ineligible', METRIC_NAMES.messagesIneligible],
  ['optedOut', METRIC_NAMES.messagesOptedOut],
  ['deferred', METRIC_NAMES.messagesDeferred],
  ['overOutboxLimit', METRIC_NAMES.messagesOverOutboxLimit],
  ['customerBusy', METRIC_NAMES.messagesCustomerBusy],
]

export function triggerMetrics(outcome: TriggeredOutcome): [MetricName, number][] {
  const metrics: [MetricName, number][] = [
    [METRIC_NAMES.availabilityTriggers, 1],
    [METRIC_NAMES.messagesRequested, outcome.requested],
    [METRIC_NAMES.messagesCapped, outcome.capped],
  ]
  for (const [count, metric] of WHEN_NONZERO) if (outcome[count] > 0) metrics.push([metric, outcome[count]])
  if (outcome.capacityFallback) metrics.push([METRIC_NAMES.capacityLookupFallbacks, 1])
  return metrics
}
