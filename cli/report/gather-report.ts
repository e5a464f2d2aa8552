/**
 * The data behind `proactive report`: outreach effectiveness over a period.
 *
 * - Totals and per channel come from the functions' own metrics (CloudWatch GetMetricData, one query per series,
 *   one period spanning the whole range): cheap whatever the traffic.
 * - Per agent and per queue come from the sent-message records (`sent#…` in the state table: the latest message
 *   to each customer, with its reply and who served it). The state table has no index on them, so this is a Scan
 *   of the whole table: the report says what it read (items, read units) and asks for `--by agent|queue`
 *   explicitly. Those records last only the reply window plus an hour, and hold one message per customer, so the
 *   per-agent figures cover the latest message to each customer sent within that time, nothing older.
 */
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch'
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { CHANNELS } from '#lib/domain/model.ts'
import { METRIC_DIMENSIONS, METRIC_NAMES, METRICS_NAMESPACE, SERVICE_DIMENSION, SERVICE_NAMES } from '#lib/metrics-names.ts'

export type ReportGrouping = 'total' | 'channel' | 'agent' | 'queue'

/** One row of the report; `null`: not known for this grouping (the source does not split by it). */
export interface ReportRow {
  readonly key: string
  readonly requested: number | null
  readonly sent: number | null
  readonly delivered: number | null
  readonly undelivered: number | null
  readonly answered: number | null
  readonly answeredByTriggeringAgent: number | null
  readonly answeredByOtherAgent: number | null
  readonly medianSecondsToReply: number | null
  readonly p90SecondsToReply: number | null
  readonly optedOut: number | null
  readonly deferred: number | null
}

export interface Report {
  readonly from: string
  readonly to: string
  readonly by: ReportGrouping
  readonly rows: readonly ReportRow[]
  /** What the report read and what that cost; always present for agent and queue. */
  readonly cost: string
  readonly notes: readonly string[]
}

export interface ReportDeps {
  readonly cloudWatch: CloudWatchClient
  readonly dynamo: DynamoDBDocumentClient
  readonly now: () => number
}

/** `24h`, `7d`, `90m`: at most 455 days (CloudWatch keeps hourly points that long). */
export function parseSince(value: string): number | string {
  const match = /^(\d+)\s*([mhd])$/.exec(value.trim())
  if (!match) return `--since must be a number and a unit, m, h or d (e.g. 24h, 7d), got "${value}"`
  const ms = Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd']
  if (ms < 60_000) return '--since must be at least 1 minute'
  if (ms > 455 * 86_400_000) return '--since must be at most 455 days (how long CloudWatch keeps hourly data)'
  return ms
}

/** Metric names the delivery tracking emits, when it exists in this version. */
const optionalMetric = (key: string): string | undefined => (METRIC_NAMES as Readonly<Record<string, string>>)[key]

interface Series {
  readonly id: string
  readonly metric: string
  readonly service: string
  readonly channel?: string
  readonly stat: string
}

function seriesFor(key: string, channel?: string): Record<keyof Omit<ReportRow, 'key'>, Series[]> {
  const { presence, send, sessionRecorder } = SERVICE_NAMES
  const one = (name: string, metric: string | undefined, service: string, stat = 'Sum', perChannel = true): Series[] =>
    metric === undefined || (channel !== undefined && !perChannel) ? [] : [{ id: `${name}_${key}_${service.replace(/-/g, '_')}`, metric, service, stat, ...(channel !== undefined ? { channel } : {}) }]
  return {
    requested: one('requested', METRIC_NAMES.messagesRequested, presence, 'Sum', false),
    sent: one('sent', METRIC_NAMES.messagesSent, send),
    delivered: one('delivered', optionalMetric('messagesDelivered'), send),
    undelivered: one('undelivered', optionalMetric('messagesUndelivered'), send),
    answered: one('answered', METRIC_NAMES.messagesAnswered, sessionRecorder),
    answeredByTriggeringAgent: one('bytrigger', METRIC_NAMES.repliesServedByTriggeringAgent, sessionRecorder),
    answeredByOtherAgent: one('byother', METRIC_NAMES.repliesServedByOtherAgent, sessionRecorder),
    medianSecondsToReply: one('p50', METRIC_NAMES.timeToReply, sessionRecorder, 'p50', false),
    p90SecondsToReply: one('p90', METRIC_NAMES.timeToReply, sessionRecorder, 'p90', false),
    optedOut: [...one('optedout', METRIC_NAMES.messagesOptedOut, presence, 'Sum', false), ...one('optedout', METRIC_NAMES.messagesOptedOut, send, 'Sum', false)],
    deferred: one('deferred', METRIC_NAMES.messagesDeferred, presence, 'Sum', false),
  }
}

async function metricRows(deps: ReportDeps, by: 'total' | 'channel', from: number, to: number): Promise<ReportRow[]> {
  const groups = by === 'total' ? [{ key: 'all', series: seriesFor('all') }] : CHANNELS.map((channel) => ({ key: channel, series: seriesFor(channel, channel) }))
  const all = groups.flatMap((group) => Object.values(group.series).flat())
  // One period covering the whole range (a multiple of 60 s, as GetMetricData requires).
  const period = Math.max(60, Math.ceil((to - from) / 60_000) * 60)
  const queries: MetricDataQuery[] = all.map((series) => ({
    Id: series.id,
    MetricStat: {
      Metric: {
        Namespace: METRICS_NAMESPACE,
        MetricName: series.metric,
        Dimensions: [{ Name: SERVICE_DIMENSION, Value: series.service }, ...(series.channel ? [{ Name: METRIC_DIMENSIONS.channel, Value: series.channel }] : [])],
      },
      Period: period,
      Stat: series.stat,
    },
  }))
  const values = new Map<string, number[]>()
  for (let start = 0; start < queries.length; start += 500) {
    let token: string | undefined
    do {
      const page = await deps.cloudWatch.send(new GetMetricDataCommand({ MetricDataQueries: queries.slice(start, start + 500), StartTime: new Date(from), EndTime: new Date(to), NextToken: token }))
      for (const result of page.MetricDataResults ?? []) if (result.Id) values.set(result.Id, [...(values.get(result.Id) ?? []), ...(result.Values ?? [])])
      token = page.NextToken
    } while (token)
  }
  return groups.map(({ key, series }) => {
    const field = (list: Series[]): number | null => {
      if (list.length === 0) return null
      const points = list.flatMap((s) => values.get(s.id) ?? [])
      if (list[0]?.stat !== 'Sum') return points.length === 0 ? null : Math.round(Math.max(...points))
      return points.reduce((a, b) => a + b, 0)
    }
    return {
      key,
      ...(Object.fromEntries(Object.entries(series).map(([name, list]) => [name, field(list)])) as Omit<ReportRow, 'key'>),
    }
  })
}

/** A sent-message record as the report reads it. */
export interface SentRecord {
  readonly agentId: string
  readonly queueId?: string
  readonly sentAt: number
  readonly answerAt?: number
  readonly servedBy?: string
}

export function rowsFromRecords(records: readonly SentRecord[], by: 'agent' | 'queue'): ReportRow[] {
  const groups = new Map<string, SentRecord[]>()
  for (const record of records) {
    const key = by === 'agent' ? record.agentId : (record.queueId ?? '(no queue)')
    groups.set(key, [...(groups.get(key) ?? []), record])
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, list]) => {
      const times = list.flatMap((r) => (r.answerAt === undefined ? [] : [(r.answerAt - r.sentAt) / 1000])).sort((a, b) => a - b)
      return {
        key,
        requested: null,
        sent: list.length,
        delivered: null,
        undelivered: null,
        answered: times.length,
        answeredByTriggeringAgent: list.filter((r) => r.servedBy === 'triggering-agent').length,
        answeredByOtherAgent: list.filter((r) => r.servedBy === 'other-agent').length,
        medianSecondsToReply: percentile(times, 0.5),
        p90SecondsToReply: percentile(times, 0.9),
        optedOut: null,
        deferred: null,
      }
    })
}

/** Nearest-rank percentile; null for no values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number)
}

async function scanSentRecords(deps: ReportDeps, stateTable: string, from: number, to: number): Promise<{ records: SentRecord[]; scanned: number; readUnits: number }> {
  const records: SentRecord[] = []
  let scanned = 0
  let readUnits = 0
  let start: Record<string, unknown> | undefined
  do {
    const page = await deps.dynamo.send(
      new ScanCommand({
        TableName: stateTable,
        FilterExpression: 'begins_with(pk, :sent) AND sentAt BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':sent': 'sent#', ':from': from, ':to': to },
        ProjectionExpression: 'agentId, queueId, sentAt, answer, served',
        ReturnConsumedCapacity: 'TOTAL',
        ExclusiveStartKey: start,
      }),
    )
    scanned += page.ScannedCount ?? 0
    readUnits += page.ConsumedCapacity?.CapacityUnits ?? 0
    for (const item of page.Items ?? []) {
      if (typeof item.agentId !== 'string' || typeof item.sentAt !== 'number') continue
      const answer = item.answer as { at?: unknown } | undefined
      const served = item.served as { by?: unknown } | undefined
      records.push({
        agentId: item.agentId,
        sentAt: item.sentAt,
        ...(typeof item.queueId === 'string' ? { queueId: item.queueId } : {}),
        ...(typeof answer?.at === 'number' ? { answerAt: answer.at } : {}),
        ...(typeof served?.by === 'string' ? { servedBy: served.by } : {}),
      })
    }
    start = page.LastEvaluatedKey
  } while (start)
  return { records, scanned, readUnits }
}

export async function gatherReport(input: { readonly sinceMs: number; readonly by: ReportGrouping; readonly stateTable: string }, deps: ReportDeps): Promise<Report> {
  const to = deps.now()
  const from = to - input.sinceMs
  const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), by: input.by }
  const tracking = optionalMetric('messagesDelivered') ? [] : ['delivered and undelivered: not tracked by this version (shown as -)']
  if (input.by === 'total' || input.by === 'channel') {
    const notes = [...tracking, ...(input.by === 'channel' ? ['requested, opted out, deferred and the time to reply are not split by channel (shown as -)'] : [])]
    return { ...range, rows: await metricRows(deps, input.by, from, to), cost: 'CloudWatch GetMetricData: one query per series (no table read)', notes }
  }
  const { records, scanned, readUnits } = await scanSentRecords(deps, input.stateTable, from, to)
  return {
    ...range,
    rows: rowsFromRecords(records, input.by),
    cost: `DynamoDB Scan of the state table ${input.stateTable}: ${scanned} item(s) read, ${readUnits} read capacity unit(s)`,
    notes: [
      'from the sent-message records: the latest message to each customer, kept for the reply window plus an hour; older messages are not counted',
      'requested, delivered, opted out and deferred are not kept per agent or queue (shown as -)',
    ],
  }
}
