/** The metrics presence counts for a trigger (lib/presence/availability-metrics.ts). */
import { describe, expect, it } from 'vitest'
import { triggerMetrics } from '#lib/presence/availability-metrics.ts'
import type { TriggeredOutcome } from '#lib/presence/handle-availability.ts'

const quiet: TriggeredOutcome = {
  kind: 'triggered',
  sessionsFound: 3,
  requested: 0,
  capped: 0,
  claimedElsewhere: 0,
  outsidePilot: 0,
  ineligible: 0,
  optedOut: 0,
  customerBusy: 0,
  overOutboxLimit: 0,
  deferred: 0,
  capacityFallback: false,
  skipped: { outsideWindow: 0, agentConnected: 0, noAddress: 0, sameCustomer: 0 },
}

describe('triggerMetrics', () => {
  it('counts the trigger, requested and capped always, even at 0, and nothing else when all else is 0', () => {
    expect(triggerMetrics(quiet)).toEqual([
      ['AvailabilityTriggers', 1],
      ['MessagesRequested', 0],
      ['MessagesCapped', 0],
    ])
  })

  it('adds each other count when it is not 0, and one fallback when the capacity lookup failed', () => {
    const busy = { ...quiet, requested: 2, capped: 1, claimedElsewhere: 3, outsidePilot: 4, ineligible: 9, optedOut: 5, deferred: 6, overOutboxLimit: 7, customerBusy: 8, capacityFallback: true }
    expect(triggerMetrics(busy)).toEqual([
      ['AvailabilityTriggers', 1],
      ['MessagesRequested', 2],
      ['MessagesCapped', 1],
      ['MessagesClaimedElsewhere', 3],
      ['MessagesOutsidePilot', 4],
      ['MessagesIneligible', 9],
      ['MessagesOptedOut', 5],
      ['MessagesDeferred', 6],
      ['MessagesOverOutboxLimit', 7],
      ['MessagesCustomerBusy', 8],
      ['CapacityLookupFallbacks', 1],
    ])
  })
})
