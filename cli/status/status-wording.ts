/** `proactive status` as text for a person (gather-status.ts gathers; `--json` prints the gathered data as is). */
import type { ModeStatus, OutcomeCount, QueueStatus, StackStatus } from './gather-status.ts'

export function describeStatus(status: StackStatus): string {
  return [...headline(status), `${status.stack} at ${status.at}`, '', describeMode(status.mode), '', ...describeOutcomes(status.outcomes), '', ...describeQueues(status.queues)].join('\n')
}

/** Anything but `live` comes first, before the counts: an operator must not read a quiet dashboard as a healthy one. */
function headline({ stack, mode }: StackStatus): string[] {
  if (mode.inForce === 'live') return []
  const goLive = `when \`proactive check --stack ${stack}\` passes and the dry-run outcomes look right: \`proactive mode live --stack ${stack}\` (or deploy with sendingMode 'live')`
  if (mode.inForce === 'dry-run') {
    const why = mode.override ? 'set by proactive mode' : mode.deployedFrom === 'default' ? 'the stack was deployed without sendingMode, so it starts in dry-run' : 'deployed with sendingMode dry-run'
    return [`DRY RUN: nothing is sent to customers; every step but the Genesys call runs (outcome dry-run). ${why}; ${goLive}.`, '']
  }
  if (mode.inForce === 'paused') return [`PAUSED: nothing is requested or sent (${mode.override ? 'set by proactive mode' : 'deployed with sendingMode paused'}).`, '']
  return ['SENDING MODE UNKNOWN: the stack has no SendingMode output (deployed from an older version).', '']
}

export function describeMode(mode: ModeStatus): string {
  const deployed = mode.deployed ? `deployed SENDING_MODE ${mode.deployed}` : 'deployed SENDING_MODE unknown (no stack output SendingMode: deployed from an older version)'
  if (mode.override) return `sending mode: ${mode.override.mode} (run-time override since ${mode.override.since}; ${deployed})`
  return `sending mode: ${mode.inForce ?? 'unknown'} (no run-time override; ${deployed})`
}

function describeOutcomes(outcomes: readonly OutcomeCount[]): string[] {
  const width = Math.max(...outcomes.map((count) => count.metric.length))
  const lines = outcomes.map((count) => {
    const services = Object.keys(count.byService)
    const from = services.length > 1 ? `  ${services.map((service) => `${service} ${count.byService[service]?.lastDay}`).join(', ')}` : services.length === 1 ? `  (${services[0]})` : ''
    return `  ${count.metric.padEnd(width)}  ${String(count.lastHour).padStart(9)}  ${String(count.lastDay).padStart(8)}${from}`
  })
  return [`outcomes (CloudWatch, metrics can arrive a few minutes late)`, `  ${''.padEnd(width)}  last hour  last day`, ...lines]
}

function describeQueues(queues: readonly QueueStatus[]): string[] {
  if (queues.length === 0) return ['queues: the stack has no queue outputs']
  const width = Math.max(...queues.map((queue) => queue.output.length))
  const lines = queues.map((queue) => {
    const age = queue.oldestAgeSeconds === null ? 'no data' : formatAge(queue.oldestAgeSeconds)
    const waiting = queue.visible + queue.inFlight
    const hint = queue.deadLetter && waiting > 0 ? '  dead letters: proactive dlq inspect --queue <its URL>' : ''
    return `  ${queue.output.padEnd(width)}  ${String(queue.visible).padStart(7)}  ${String(queue.inFlight).padStart(9)}  ${age.padStart(8)}${hint}`
  })
  return ['queues (SQS; oldest message: CloudWatch AWS/SQS ApproximateAgeOfOldestMessage, last 5 min)', `  ${''.padEnd(width)}  waiting  in flight  oldest`, ...lines]
}

export function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`
  return `${Math.round(seconds / 3600)} h`
}
