/**
 * The data behind `proactive status`: the sending mode in force, the outcome counts of the last hour and day (the
 * functions' own EMF metrics, every name in lib/metrics-names.ts for every service), and each queue's and DLQ's
 * depth and age of its oldest message. Wording lives in status-wording.ts.
 */
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch'
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { SendingMode } from '#lib/domain/sending-mode.ts'
import { METRIC_NAMES, METRICS_NAMESPACE, SERVICE_DIMENSION, SERVICE_NAMES, type MetricName } from '#lib/metrics-names.ts'
import { requireOutput, type StackOutputs } from '../stack-outputs.ts'

/** Stack outputs naming a queue: SendQueueUrl, SendDlqUrl, AgentEventsRuleDlqUrl, … (cdk/stack.ts). */
export const QUEUE_OUTPUT = /(QueueUrl|DlqUrl)$/
const HOUR_SECONDS = 3600
const DAY_SECONDS = 86_400
/** GetMetricData takes at most 500 queries per call. */
const MAX_QUERIES = 500

export interface ModeStatus {
  /** The stack output SendingMode (the SENDING_MODE setting at deploy); null for a stack deployed before it. */
  readonly deployed: SendingMode | null
  /** Stack output SendingModeSource: `setting` (sendingMode was set) or `default` (unset: the stack started in dry-run). */
  readonly deployedFrom: 'setting' | 'default' | null
  readonly override: { readonly mode: SendingMode; readonly since: string } | null
  /** What presence and send act on (within the 30 s cache of the override). */
  readonly inForce: SendingMode | null
}

export interface Counts {
  readonly lastHour: number
  readonly lastDay: number
}

/** One metric: its sums over the last hour and the last day, in all and per function that emitted it. */
export interface OutcomeCount extends Counts {
  readonly metric: MetricName
  /** Only the functions with a count in the last day. */
  readonly byService: Readonly<Record<string, Counts>>
}

export interface QueueStatus {
  /** The stack output the URL came from (SendDlqUrl, …). */
  readonly output: string
  readonly name: string
  readonly deadLetter: boolean
  readonly visible: number
  readonly inFlight: number
  /** CloudWatch AWS/SQS ApproximateAgeOfOldestMessage (Maximum, last 5 min); null when CloudWatch has no point. */
  readonly oldestAgeSeconds: number | null
}

export interface StackStatus {
  readonly stack: string
  readonly at: string
  readonly mode: ModeStatus
  /** Every metric of lib/metrics-names.ts, in its order (0 when nothing was counted). */
  readonly outcomes: readonly OutcomeCount[]
  readonly queues: readonly QueueStatus[]
}

export interface StatusDeps {
  readonly stackOutputs: (stackName: string) => Promise<StackOutputs>
  readonly readOverride: (stateTableName: string) => Promise<{ mode: SendingMode; changedAt: number } | undefined>
  readonly cloudWatch: CloudWatchClient
  readonly sqs: SQSClient
  readonly now: () => number
}

export async function gatherStatus(stack: string, deps: StatusDeps): Promise<StackStatus> {
  const outputs = await deps.stackOutputs(stack)
  const stateTable = requireOutput(outputs, 'StateTableName', stack)
  const queueOutputs = Object.keys(outputs)
    .filter((key) => QUEUE_OUTPUT.test(key))
    .sort()
  const now = deps.now()
  const [override, queues, outcomes] = await Promise.all([
    deps.readOverride(stateTable),
    Promise.all(queueOutputs.map((output) => queueDepth(deps.sqs, output, outputs[output] ?? ''))),
    outcomeCounts(deps.cloudWatch, now),
  ])
  const ages = await oldestAges(
    deps.cloudWatch,
    queues.map((queue) => queue.name),
    now,
  )
  const deployed = (outputs.SendingMode as SendingMode | undefined) ?? null
  return {
    stack,
    at: new Date(now).toISOString(),
    mode: {
      deployed,
      deployedFrom: outputs.SendingModeSource === 'setting' || outputs.SendingModeSource === 'default' ? outputs.SendingModeSource : null,
      override: override ? { mode: override.mode, since: new Date(override.changedAt).toISOString() } : null,
      inForce: override?.mode ?? deployed,
    },
    outcomes,
    queues: queues.map((queue, index) => ({ ...queue, oldestAgeSeconds: ages[index] ?? null })),
  }
}

async function queueDepth(sqs: SQSClient, output: string, url: string): Promise<Omit<QueueStatus, 'oldestAgeSeconds'>> {
  const { Attributes: a = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))
  return {
    output,
    name: url.slice(url.lastIndexOf('/') + 1),
    deadLetter: output.endsWith('DlqUrl'),
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
  }
}

/** Every metric name for every service: a function that never emits a name simply has no data for it. */
function outcomeSeries(): { metric: MetricName; service: string }[] {
  return Object.values(METRIC_NAMES).flatMap((metric) => Object.values(SERVICE_NAMES).map((service) => ({ metric, service })))
}

async function outcomeCounts(cloudWatch: CloudWatchClient, now: number): Promise<OutcomeCount[]> {
  const series = outcomeSeries()
  const queries = (period: number): MetricDataQuery[] =>
    series.map(({ metric, service }, index) => ({
      Id: `m${index}`,
      MetricStat: { Metric: { Namespace: METRICS_NAMESPACE, MetricName: metric, Dimensions: [{ Name: SERVICE_DIMENSION, Value: service }] }, Period: period, Stat: 'Sum' },
    }))
  const [hour, day] = await Promise.all([sumsById(cloudWatch, queries(HOUR_SECONDS), now - HOUR_SECONDS * 1000, now), sumsById(cloudWatch, queries(DAY_SECONDS), now - DAY_SECONDS * 1000, now)])
  return Object.values(METRIC_NAMES).map((metric) => {
    const byService: Record<string, Counts> = {}
    let lastHour = 0
    let lastDay = 0
    series.forEach((one, index) => {
      if (one.metric !== metric) return
      const counts = { lastHour: hour.get(`m${index}`) ?? 0, lastDay: day.get(`m${index}`) ?? 0 }
      if (counts.lastHour === 0 && counts.lastDay === 0) return
      byService[one.service] = counts
      lastHour += counts.lastHour
      lastDay += counts.lastDay
    })
    return { metric, lastHour, lastDay, byService }
  })
}

async function oldestAges(cloudWatch: CloudWatchClient, queueNames: readonly string[], now: number): Promise<(number | null)[]> {
  if (queueNames.length === 0) return []
  const queries: MetricDataQuery[] = queueNames.map((name, index) => ({
    Id: `q${index}`,
    MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: name }] }, Period: 60, Stat: 'Maximum' },
  }))
  const latest = await latestById(cloudWatch, queries, now - 5 * 60 * 1000, now)
  return queueNames.map((_, index) => latest.get(`q${index}`) ?? null)
}

/** Sum of every value of each query (paged; at most MAX_QUERIES per call). */
async function sumsById(cloudWatch: CloudWatchClient, queries: MetricDataQuery[], from: number, to: number): Promise<Map<string, number>> {
  const sums = new Map<string, number>()
  for await (const result of metricResults(cloudWatch, queries, from, to)) sums.set(result.id, (sums.get(result.id) ?? 0) + result.values.reduce((a, b) => a + b, 0))
  return sums
}

/** The newest value of each query (results come newest first: ScanBy TimestampDescending). */
async function latestById(cloudWatch: CloudWatchClient, queries: MetricDataQuery[], from: number, to: number): Promise<Map<string, number>> {
  const latest = new Map<string, number>()
  for await (const result of metricResults(cloudWatch, queries, from, to)) {
    const [newest] = result.values
    if (newest !== undefined && !latest.has(result.id)) latest.set(result.id, newest)
  }
  return latest
}

async function* metricResults(cloudWatch: CloudWatchClient, queries: MetricDataQuery[], from: number, to: number): AsyncGenerator<{ id: string; values: number[] }> {
  for (let start = 0; start < queries.length; start += MAX_QUERIES) {
    let token: string | undefined
    do {
      const page = await cloudWatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries.slice(start, start + MAX_QUERIES),
          StartTime: new Date(from),
          EndTime: new Date(to),
          ScanBy: 'TimestampDescending',
          NextToken: token,
        }),
      )
      for (const result of page.MetricDataResults ?? []) if (result.Id) yield { id: result.Id, values: result.Values ?? [] }
      token = page.NextToken
    } while (token)
  }
}
