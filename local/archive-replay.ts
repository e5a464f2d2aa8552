/**
 * A local EventBridge replay of the partner-bus archive, as `proactive replay` starts in AWS: the events the
 * archive kept (partnerArchivePattern) whose time is in [from, to), oldest first, delivered again to the
 * partner bus's rules with their original id and a `replay-name` field. Replayed events are not archived again
 * (EventBridge documents this), so a replay of a replay repeats only the original events.
 */
import type { EventEnvelope, LocalEventBridge } from './event-bus.ts'
import { matchesPattern } from './event-pattern.ts'
import { partnerArchivePattern } from '#lib/topology.ts'

export type ReplayedEnvelope = EventEnvelope & { readonly 'replay-name': string }

export interface LocalReplayOptions {
  readonly from: Date
  readonly to: Date
  readonly replayName: string
  /** Called before each event is delivered (e.g. to move the local clock to replay time). */
  readonly beforeEach?: (event: ReplayedEnvelope) => void
}

/** Delivers the archived partner-bus events again; returns what was replayed. */
export async function replayPartnerArchive(bus: LocalEventBridge, partnerBusName: string, options: LocalReplayOptions): Promise<ReplayedEnvelope[]> {
  const pattern = partnerArchivePattern()
  const archived = bus
    .acceptedEvents(partnerBusName)
    .filter((event) => !('replay-name' in event) && matchesPattern(pattern, event as unknown as Record<string, unknown>))
    .filter((event) => {
      const at = Date.parse(event.time)
      return at >= options.from.getTime() && at < options.to.getTime()
    })
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
  const replayed: ReplayedEnvelope[] = []
  for (const event of archived) {
    const again = { ...event, 'replay-name': options.replayName }
    options.beforeEach?.(again)
    await bus.deliver(partnerBusName, again)
    replayed.push(again)
  }
  return replayed
}
