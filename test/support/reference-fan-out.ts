/**
 * The full evaluation a trigger's choice must equal: every session of the window in the trigger's scope, one per
 * customer (the newest), then every filter (pilot queues, eligibility, opt-outs, busy, the cap), then the limit in
 * priority order and the outbox bound. Slow on purpose (it reads everything); the fan-out reads only the top of the
 * open-candidate index and stops at the limit. test/unit/fan-out-selection.property.test.ts compares the two.
 */
import { isCustomerBusy, type BusyPolicy } from '#lib/domain/busy-customer.ts'
import { limitRecipients, priorityFactsOf } from '#lib/presence/capacity.ts'
import { EVERY_SESSION, filterEligible, type EligibilityRule } from '#lib/presence/eligibility.ts'
import type { Session, TargetScope } from '#lib/domain/model.ts'
import { EVERYONE, filterPilotSessions, type PilotScope } from '#lib/presence/pilot-scope.ts'
import type { CapReservation } from '#lib/domain/ports.ts'
import { isCapped, recipientKey, selectRecipients } from '#lib/domain/targeting.ts'
import { MAX_OUTBOX_REQUESTS } from '#lib/presence/fan-out.ts'

export interface ReferenceTrigger {
  readonly agentId: string
  readonly eventId: string
  readonly at: number
  readonly scope: TargetScope
  /** queue scope: the agent's queues. */
  readonly queueIds?: readonly string[]
}

export interface ReferenceWorld {
  readonly sessions: readonly Session[]
  readonly optedOut: ReadonlySet<string>
  readonly reservations: ReadonlyMap<string, CapReservation>
}

export interface ReferenceSettings {
  readonly windowMs: number
  readonly capMs: number
  readonly busy: BusyPolicy
  readonly limit?: number
  readonly pilot?: PilotScope
  readonly eligibility?: EligibilityRule
}

/** The conversation ids the full evaluation requests, in priority order. */
export function referenceChoice(trigger: ReferenceTrigger, world: ReferenceWorld, settings: ReferenceSettings): string[] {
  const queues = new Set(trigger.queueIds ?? [])
  const found = world.sessions.filter((session) => (trigger.scope === 'agent' ? session.lastAgentId === trigger.agentId : session.queueId !== undefined && queues.has(session.queueId)))
  const sessionOf = new Map(found.map((session) => [session.conversationId, session]))
  const { requests } = selectRecipients(found, trigger, settings.windowMs)
  const { inside } = filterPilotSessions(settings.pilot ?? EVERYONE, requests)
  const { kept: eligible } = filterEligible(inside, (id) => sessionOf.get(id), settings.eligibility ?? EVERY_SESSION)
  const notOptedOut = eligible.filter((request) => !world.optedOut.has(recipientKey(request.customer)))
  const free = notOptedOut.filter((request) => {
    const key = recipientKey(request.customer)
    return !isCustomerBusy(
      world.sessions.filter((session) => session.customer !== undefined && recipientKey(session.customer) === key),
      trigger.at,
      settings.busy,
    )
  })
  const uncapped = free.filter((request) => !isCapped(world.reservations.get(recipientKey(request.customer)), request.requestedAt, settings.capMs, request.dedupeKey))
  const factsOf = (request: (typeof uncapped)[number]) => priorityFactsOf(sessionOf.get(request.conversationId) as Session)
  const chosen = settings.limit === undefined ? limitRecipients(uncapped, uncapped.length, factsOf).chosen : limitRecipients(uncapped, settings.limit, factsOf).chosen
  return chosen.slice(0, MAX_OUTBOX_REQUESTS).map((request) => request.conversationId)
}
