/**
 * Replays a scenario through the local cloud: each event is put on the partner bus in order, the pipeline's
 * clock reads that event's `time`, and the pipeline is drained before the next event. Returns the summary the
 * CLI prints (and `--json` emits).
 */
import { EventValidationError, parseGenesysEvent, UnsupportedEventError } from '../lib/domain/events.ts'
import { METRIC_NAMES } from '../lib/metrics-names.ts'
import type { LocalCloud } from './cloud.ts'
import type { EventEnvelope } from './event-bus.ts'
import type { ScenarioEntry } from './scenario.ts'

export interface RunSummary {
  events: { received: number; accepted: number; rejected: number; ignored: number }
  sessions: { recorded: number }
  triggers: number
  messages: { requested: number; sent: number; failed: number; deadLettered: number; suppressed: number; expired: number }
  genesys: { requests: { path: string; status: number | undefined; body: unknown }[] }
  deadLetters: { conversationId: string | undefined; reason: string; queue: string }[]
}

export type EventVerdict = 'accepted' | 'rejected' | 'ignored'

export interface EventReport {
  readonly index: number
  readonly total: number
  readonly origin: string
  readonly verdict: EventVerdict
  /** What the event was (detail-type and short ids), never personal data. */
  readonly label: string
  /** Why it was rejected or ignored, or what it caused. */
  readonly note: string
}

const { eventsRejected, eventsIgnored, availabilityTriggers, messagesRequested, messagesSuppressed, messagesSent } = METRIC_NAMES

export async function runScenario(cloud: LocalCloud, entries: readonly ScenarioEntry[], onEvent: (report: EventReport) => void = () => {}): Promise<RunSummary> {
  const counts = { received: 0, accepted: 0, rejected: 0, ignored: 0 }
  for (const [index, entry] of entries.entries()) {
    counts.received++
    const report = (verdict: EventVerdict, label: string, note: string) => {
      counts[verdict]++
      onEvent({ index: index + 1, total: entries.length, origin: entry.origin, verdict, label, note })
    }
    if (!entry.ok) {
      report('rejected', '(unreadable)', entry.problem)
      continue
    }
    const event = entry.event
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      report('rejected', '(not an object)', 'an event must be a JSON object (an EventBridge envelope)')
      continue
    }
    const envelope = event as EventEnvelope
    const label = labelOf(envelope)
    const time = typeof envelope.time === 'string' ? Date.parse(envelope.time) : Number.NaN
    if (!Number.isNaN(time)) cloud.clock.set(time)

    const before = snapshot(cloud)
    let matched: string[]
    try {
      matched = await cloud.deliverGenesysEvent(envelope)
    } catch (error) {
      report('rejected', label, `not deliverable: ${(error as Error).message}`)
      continue
    }
    await cloud.drain()
    const after = snapshot(cloud)
    if (matched.length === 0) {
      report('ignored', label, `no rule matches (${diagnose(envelope) ?? 'source, detail-type or media type not handled'})`)
    } else if (after.rejected > before.rejected) {
      report('rejected', label, diagnose(envelope) ?? 'rejected by the handler')
    } else if (after.ignored > before.ignored) {
      report('ignored', label, 'not a messaging session or not a topic the handler acts on')
    } else {
      const triggered = after.triggers - before.triggers
      const note = triggered
        ? `agent became available: ${after.requested - before.requested} requested, ${after.suppressed - before.suppressed} suppressed, ${after.sent - before.sent} sent`
        : `→ ${matched.join(', ')}`
      report('accepted', label, note)
    }
  }
  return summarise(cloud, counts)
}

function snapshot(cloud: LocalCloud) {
  const t = cloud.tally
  return {
    rejected: t.get('session-recorder', eventsRejected) + t.get('presence', eventsRejected),
    ignored: t.get('session-recorder', eventsIgnored) + t.get('presence', eventsIgnored),
    triggers: t.total(availabilityTriggers),
    requested: t.total(messagesRequested),
    suppressed: t.total(messagesSuppressed),
    sent: t.total(messagesSent),
  }
}

/** The schema's verdict on an event, for the report: names the field and the problem. */
function diagnose(envelope: unknown): string | undefined {
  try {
    parseGenesysEvent(envelope)
    return undefined
  } catch (error) {
    if (error instanceof EventValidationError || error instanceof UnsupportedEventError) return error.message
    return (error as Error).message
  }
}

function labelOf(envelope: EventEnvelope): string {
  const detailType = typeof envelope['detail-type'] === 'string' ? envelope['detail-type'].slice(0, 80) : '(no detail-type)'
  const topic = (envelope.detail as { topicName?: unknown } | undefined)?.topicName
  const id = typeof topic === 'string' ? /\.([0-9a-f]{8})[0-9a-f-]{28}\./i.exec(topic)?.[1] : undefined
  return id ? `${detailType} ${id}…` : detailType
}

async function summarise(cloud: LocalCloud, events: RunSummary['events']): Promise<RunSummary> {
  const t = cloud.tally
  const deadLetters = await cloud.deadLetters()
  const requests = cloud.simulator?.agentlessRequests() ?? []
  return {
    events,
    sessions: { recorded: await cloud.sessionCount() },
    triggers: t.total(availabilityTriggers),
    messages: {
      requested: t.total(messagesRequested),
      sent: t.total(messagesSent),
      failed: t.total(METRIC_NAMES.messagesFailed),
      deadLettered: deadLetters.filter((letter) => letter.queue.startsWith('send')).length,
      suppressed: t.total(messagesSuppressed),
      expired: t.total(METRIC_NAMES.messagesExpired),
    },
    genesys: { requests: requests.map((request) => ({ path: request.path, status: request.status, body: request.body })) },
    deadLetters: deadLetters.map((letter) => ({ conversationId: letter.conversationId, reason: letter.reason, queue: letter.queue })),
  }
}
