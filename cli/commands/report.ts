/**
 * `proactive report [--stack NAME] [--since 24h|7d|…] [--by channel|agent|queue] [--json]`: is outreach worth it?
 * Requested, sent, delivered and undelivered (where delivery tracking exists), answered, answered and served by
 * the triggering agent, median and p90 time to reply, opted out and deferred, over a period. Gathering:
 * cli/report/gather-report.ts.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { parseCommandArgs } from '../args.ts'
import type { CommandIo } from '../command-io.ts'
import { gatherReport, parseSince, type Report, type ReportDeps, type ReportGrouping, type ReportRow } from '../report/gather-report.ts'
import { DEFAULT_STACK_NAME, isMissingCredentials, noCredentials, readStackOutputs, requireOutput, StackOutputError, type StackOutputs } from '../stack-outputs.ts'

export const HELP = `usage: proactive report [--stack NAME] [--since 24h|7d|…] [--by channel|agent|queue] [--json]

Effectiveness over a period (default the last 24 h): requested, sent, delivered and undelivered (where delivery
tracking exists), answered (the customer replied within REPLY_WINDOW_HOURS), answered and served by the
triggering agent or by another agent, median and p90 time to reply, opted out, deferred.

  --since D      the period, ending now: a number and m, h or d (90m, 24h, 7d; at most 455d)
  --by channel   per channel, from the functions' metrics (CloudWatch GetMetricData; no table read)
  --by agent     per triggering agent, from the sent-message records in the state table. The table has no index
  --by queue     on them: this reads the whole state table (a DynamoDB Scan, billed per 4 KB read) and says what
                 it read. The records keep the latest message to each customer for the reply window plus an
                 hour, so older messages are not counted.
  --stack NAME   the deployed stack (default ${DEFAULT_STACK_NAME}); needs cloudformation:DescribeStacks,
                 cloudwatch:GetMetricData and, for --by agent|queue, dynamodb:Scan on the state table
  --json         the same data as JSON, for scripts

Exit codes: 0 shown, 1 stack, output or credentials missing (the error names it), 2 usage error.
`

export interface RunReportDeps extends ReportDeps {
  readonly stackOutputs: (stackName: string) => Promise<StackOutputs>
}

const awsDeps = (): RunReportDeps => ({
  stackOutputs: (stackName) => readStackOutputs(stackName),
  cloudWatch: new CloudWatchClient({}),
  dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  now: () => Date.now(),
})

export function main(args: string[], io: CommandIo): Promise<number> {
  return runReport(args, io, awsDeps())
}

const GROUPINGS: readonly ReportGrouping[] = ['channel', 'agent', 'queue']

export async function runReport(args: string[], io: CommandIo, deps: RunReportDeps): Promise<number> {
  const parsed = parseCommandArgs(
    'proactive report',
    { args, options: { stack: { type: 'string', default: DEFAULT_STACK_NAME }, since: { type: 'string', default: '24h' }, by: { type: 'string' }, json: { type: 'boolean', default: false } } },
    HELP,
    io,
  )
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  const sinceMs = parseSince(values.since as string)
  if (typeof sinceMs === 'string') {
    io.err(`proactive report: ${sinceMs}`)
    return 2
  }
  const by = values.by === undefined ? 'total' : (values.by as ReportGrouping)
  if (values.by !== undefined && !GROUPINGS.includes(by)) {
    io.err(`proactive report: --by must be channel, agent or queue, got "${values.by}"`)
    return 2
  }
  let report: Report
  try {
    const stack = values.stack as string
    const stateTable = requireOutput(await deps.stackOutputs(stack), 'StateTableName', stack)
    report = await gatherReport({ sinceMs, by, stateTable }, deps)
  } catch (error) {
    const problem = error as Error
    if (problem instanceof StackOutputError) io.err(`proactive report: ${problem.message}`)
    else if (isMissingCredentials(problem)) io.err(`proactive report: ${noCredentials(problem)}`)
    else throw error
    return 1
  }
  io.out(values.json ? JSON.stringify(report, null, 2) : describeReport(report))
  return 0
}

const COLUMNS: readonly [keyof Omit<ReportRow, 'key'>, string][] = [
  ['requested', 'requested'],
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['undelivered', 'undelivered'],
  ['answered', 'answered'],
  ['answeredByTriggeringAgent', 'by trigger agent'],
  ['answeredByOtherAgent', 'by other agent'],
  ['medianSecondsToReply', 'reply p50 s'],
  ['p90SecondsToReply', 'reply p90 s'],
  ['optedOut', 'opted out'],
  ['deferred', 'deferred'],
]

export function describeReport(report: Report): string {
  const header = [report.by === 'total' ? '' : report.by, ...COLUMNS.map(([, title]) => title)]
  const rows = report.rows.map((row) => [row.key, ...COLUMNS.map(([field]) => (row[field] === null ? '-' : String(row[field])))])
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')
  return [
    `Outreach ${report.from} to ${report.to}${report.by === 'total' ? '' : `, by ${report.by}`}`,
    '',
    line(header),
    ...rows.map(line),
    ...(rows.length === 0 ? ['(nothing in this period)'] : []),
    '',
    `Read: ${report.cost}`,
    ...report.notes.map((note) => `Note: ${note}`),
  ].join('\n')
}
