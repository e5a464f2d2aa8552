/**
 * presence's use case: detect the transition into available, choose the customers to message (./fan-out.ts, whose
 * FAN_OUT_STEPS is the order of that choice), and publish one request per recipient.
 *
 * The cap itself is enforced by send, which reserves each customer atomically just before sending. Here it is
 * only read, and each chosen customer is claimed for a short while, so two triggers at the same moment choose
 * different customers; if both still request one, send messages it once.
 *
 * Order matters for "never lost" (docs/guarantees.md): decide → save the agent's new state WITH the trigger's
 * requests (the outbox, compare-and-set on the same item) → publish → clear the outbox (compare-and-set). If
 * publishing fails the record is retried; whoever processes this agent next (that retry, a redelivery judged
 * stale, or a newer event) first publishes a pending outbox, so a newer event saved in between can no longer
 * make the trigger's requests vanish. A republish carries the same dedupe keys, which send recognises.
 */
import { decideAvailability } from './availability.ts'
import type { AgentAvailabilityEvent } from '../domain/events.ts'
import type { AgentState, PendingFanOut } from '../domain/model.ts'
import type { AvailabilityDeps, AvailabilityOutcome, AvailabilitySettings, FanOut, TriggeredOutcome } from './availability-types.ts'
import { fanOut } from './fan-out.ts'

export { fanOut, FAN_OUT_STEPS, MAX_OUTBOX_REQUESTS } from './fan-out.ts'
export type { AvailabilityDeps, AvailabilityOutcome, AvailabilitySettings, FanOut, TriggeredOutcome } from './availability-types.ts'

/**
 * The trigger's requests are saved in the agent's state, but publishing them failed: the record must be
 * retried (SQS), and the next processing of this agent publishes them first. Carries the trigger's outcome so
 * the caller can count it before handing the record back.
 */
export class FanOutPendingError extends Error {
  override readonly name = 'FanOutPendingError'
  constructor(
    readonly outcome: TriggeredOutcome,
    readonly pending: number,
    override readonly cause: unknown,
  ) {
    super(`${pending} request(s) kept in the agent's outbox, not yet published: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
}

const MAX_CONFLICT_RETRIES = 8

export async function handleAvailability(event: AgentAvailabilityEvent, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<AvailabilityOutcome> {
  let fannedOut: FanOut | undefined
  const late = { fanOuts: 0, requests: 0 }
  const withLate = (outcome: AvailabilityOutcome): AvailabilityOutcome => (late.fanOuts > 0 ? { ...outcome, completedLate: { ...late } } : outcome)
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const previous = await deps.agents.get(event.agentId)
    if (previous?.pending) {
      // An earlier trigger of this agent is not (known to be) published: finish it before anything else.
      await deps.publisher.publish(previous.pending.requests)
      late.fanOuts++
      late.requests += previous.pending.requests.length
      await clearOutbox(deps, previous, previous.pending.triggerEventId)
      continue
    }
    const decision = decideAvailability(previous, event, settings)
    // Stale, also after losing a race: the state that won holds this event's facts (and any outbox is done above).
    if (decision.kind === 'stale') return withLate(decision)
    if (!decision.trigger) {
      if ((await deps.agents.put(decision.next)) === 'written') return withLate({ kind: 'no-trigger', reason: decision.reason })
      continue
    }
    fannedOut ??= await fanOut(event, deps, settings)
    const { outcome, requests } = fannedOut
    const pending: PendingFanOut | undefined = requests.length > 0 ? { triggerEventId: event.eventId, requests } : undefined
    const saved: AgentState = pending ? { ...decision.next, pending } : decision.next
    // Lost the race: another event for this agent was saved first. Decide again against it; nothing was published.
    if ((await deps.agents.put(saved)) === 'conflict') continue
    if (!pending || outcome.kind !== 'triggered') return withLate(outcome)
    try {
      await deps.publisher.publish(pending.requests)
    } catch (error) {
      throw new FanOutPendingError(outcome, pending.requests.length, error)
    }
    await clearOutbox(deps, { ...saved, version: (saved.version ?? 0) + 1 }, pending.triggerEventId)
    return withLate(outcome)
  }
  throw new Error(`agent ${event.agentId.slice(0, 8)}…: too many concurrent writers, will retry`)
}

/**
 * Removes the outbox of `triggerEventId` once its requests are published. `state` is the item as last known; on
 * a conflict it is read again: gone or another trigger's outbox ⇒ nothing to clear (someone else published ours);
 * still ours ⇒ cleared without publishing again. Giving up leaves it for the next processing, which republishes
 * it: send recognises the dedupe keys, so that costs a duplicate event, never a duplicate message.
 */
async function clearOutbox(deps: AvailabilityDeps, state: AgentState, triggerEventId: string): Promise<void> {
  let current: AgentState | undefined = state
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    if (current?.pending?.triggerEventId !== triggerEventId) return
    const { pending: _published, ...cleared } = current
    if ((await deps.agents.put(cleared)) === 'written') return
    current = await deps.agents.get(state.agentId)
  }
}
