/**
 * `proactive status`: queue depths from the real local SQS (local-aws-sqs), the stack outputs and
 * CloudWatch through aws-sdk-client-mock (no local CloudWatch exists), exit codes and the --json shape.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation'
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataResult } from '@aws-sdk/client-cloudwatch'
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { METRIC_NAMES, SERVICE_NAMES } from '#lib/metrics-names.ts'
import { runStatus } from '../../cli/commands/status.ts'
import { readStackOutputs } from '../../cli/stack-outputs.ts'
import type { StatusDeps } from '../../cli/status/gather-status.ts'
import type { LocalService } from '../../local/service-thread.ts'
import { startLocalSqs } from '../../local/sqs.ts'
import { capturedIo } from '../support/captured-io.ts'

const NOW = Date.parse('2026-11-29T01:00:00Z')
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' }
const cfn = mockClient(CloudFormationClient)
const cloudWatch = mockClient(CloudWatchClient)

let server: LocalService
let sqs: SQSClient
let outputs: Record<string, string>

beforeAll(async () => {
  server = await startLocalSqs()
  sqs = new SQSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials })
  const url = async (name: string) => (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? ''
  outputs = { StateTableName: 'pilot-state', SendingMode: 'live', SendQueueUrl: await url('pilot-send'), SendDlqUrl: await url('pilot-send-dlq'), SendQueueArn: 'arn:not-a-queue-url' }
  for (const body of ['a', 'b', 'c']) await sqs.send(new SendMessageCommand({ QueueUrl: outputs.SendDlqUrl, MessageBody: body }))
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: outputs.SendDlqUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 600 }))
})
afterAll(async () => {
  sqs.destroy()
  await server.close()
})
afterEach(() => {
  cfn.reset()
  cloudWatch.reset()
})

function stackWith(stackOutputs: Record<string, string>): void {
  cfn.on(DescribeStacksCommand, { StackName: 'Pilot' }).resolves({
    Stacks: [{ StackName: 'Pilot', CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: Object.entries(stackOutputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
  })
}

/** CloudWatch as the functions would have filled it: a few metrics, per service, per period. */
function metricsAnswer(input: GetMetricDataCommandInput): { MetricDataResults: MetricDataResult[] } {
  const results = (input.MetricDataQueries ?? []).map((query): MetricDataResult => {
    const stat = query.MetricStat
    const name = stat?.Metric?.MetricName
    const dimension = stat?.Metric?.Dimensions?.[0]?.Value
    const day = stat?.Period === 86_400
    let values: number[] = []
    if (name === METRIC_NAMES.messagesSent && dimension === SERVICE_NAMES.send) values = day ? [40] : [3]
    if (name === METRIC_NAMES.messagesCustomerBusy && dimension === SERVICE_NAMES.presence) values = day ? [5] : [1]
    if (name === METRIC_NAMES.messagesCustomerBusy && dimension === SERVICE_NAMES.send) values = day ? [2] : []
    if (name === 'ApproximateAgeOfOldestMessage' && dimension === 'pilot-send-dlq') values = [840, 780]
    return { Id: query.Id, Values: values, Timestamps: values.map(() => new Date(NOW)) }
  })
  return { MetricDataResults: results }
}

function deps(override?: { mode: 'paused'; changedAt: number }): StatusDeps & { tablesRead: string[] } {
  const tablesRead: string[] = []
  return {
    tablesRead,
    stackOutputs: (stack) => readStackOutputs(stack, new CloudFormationClient({ region: 'us-east-1', credentials })),
    readOverride: async (table) => {
      tablesRead.push(table)
      return override
    },
    cloudWatch: new CloudWatchClient({ region: 'us-east-1', credentials }),
    sqs,
    now: () => NOW,
  }
}

describe('proactive status', () => {
  it('--json: mode in force, every metric of lib/metrics-names.ts with its hour and day sums, real queue depths, oldest age', async () => {
    stackWith(outputs)
    cloudWatch.on(GetMetricDataCommand).callsFake(metricsAnswer)
    const io = capturedIo()
    const d = deps({ mode: 'paused', changedAt: Date.parse('2026-11-29T00:30:00Z') })
    expect(await runStatus(['--stack', 'Pilot', '--json'], io, d)).toBe(0)
    const status = JSON.parse(io.stdout.join('\n'))
    expect(d.tablesRead).toEqual(['pilot-state'])
    expect(status.mode).toEqual({ deployed: 'live', deployedFrom: null, override: { mode: 'paused', since: '2026-11-29T00:30:00.000Z' }, inForce: 'paused' })
    expect(status.outcomes.map((count: { metric: string }) => count.metric)).toEqual(Object.values(METRIC_NAMES))
    const outcome = (metric: string) => status.outcomes.find((count: { metric: string }) => count.metric === metric)
    expect(outcome('MessagesSent')).toEqual({ metric: 'MessagesSent', lastHour: 3, lastDay: 40, byService: { send: { lastHour: 3, lastDay: 40 } } })
    expect(outcome('MessagesCustomerBusy')).toEqual({
      metric: 'MessagesCustomerBusy',
      lastHour: 1,
      lastDay: 7,
      byService: { presence: { lastHour: 1, lastDay: 5 }, send: { lastHour: 0, lastDay: 2 } },
    })
    expect(outcome('MessagesOptedOut')).toEqual({ metric: 'MessagesOptedOut', lastHour: 0, lastDay: 0, byService: {} })
    // local-aws-sqs counts in-flight messages in ApproximateNumberOfMessages as well (real SQS would say 2 waiting).
    expect(status.queues).toEqual([
      { output: 'SendDlqUrl', name: 'pilot-send-dlq', deadLetter: true, visible: 3, inFlight: 1, oldestAgeSeconds: 840 },
      { output: 'SendQueueUrl', name: 'pilot-send', deadLetter: false, visible: 0, inFlight: 0, oldestAgeSeconds: null },
    ])
    const calls = cloudWatch.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input)
    const outcomeQueries = calls.flatMap((input) => input.MetricDataQueries ?? []).filter((query) => query.MetricStat?.Metric?.Namespace === 'ProactiveMessaging')
    expect(outcomeQueries).toHaveLength(2 * Object.values(METRIC_NAMES).length * Object.values(SERVICE_NAMES).length)
    expect(calls.map((input) => (Number(input.EndTime) - Number(input.StartTime)) / 1000).sort((a, b) => a - b)).toEqual([300, 3600, 86_400])
  })

  it('text: the mode, a line per metric, a line per queue with a hint at the DLQ holding messages', async () => {
    stackWith({ ...outputs, SendingMode: 'dry-run' })
    cloudWatch.on(GetMetricDataCommand).callsFake(metricsAnswer)
    const io = capturedIo()
    expect(await runStatus(['--stack', 'Pilot'], io, deps())).toBe(0)
    const text = io.stdout.join('\n')
    expect(text).toContain('sending mode: dry-run (no run-time override; deployed SENDING_MODE dry-run)')
    expect(io.stdout[0]).toMatch(/^DRY RUN: nothing is sent to customers; .*deployed with sendingMode dry-run/)
    expect(text).toMatch(/MessagesSent\s+3\s+40 {2}\(send\)/)
    expect(text).toMatch(/MessagesCustomerBusy\s+1\s+7 {2}presence 5, send 2/)
    expect(text).toMatch(/SendDlqUrl\s+3\s+1\s+14 min {2}dead letters: proactive dlq inspect/)
    expect(text).toMatch(/SendQueueUrl\s+0\s+0\s+no data\n|SendQueueUrl\s+0\s+0\s+no data$/)
  })

  it('a stack deployed without sendingMode: the first line says it started in dry-run and how to go live', async () => {
    stackWith({ ...outputs, SendingMode: 'dry-run', SendingModeSource: 'default' })
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] })
    const io = capturedIo()
    expect(await runStatus(['--stack', 'Pilot'], io, deps())).toBe(0)
    const first = io.stdout.join('\n').split('\n')[0]
    expect(first).toContain('DRY RUN: nothing is sent to customers')
    expect(first).toContain('deployed without sendingMode, so it starts in dry-run')
    expect(first).toContain('proactive mode live --stack Pilot')
  })

  it('live: no headline, the stack name comes first', async () => {
    stackWith(outputs)
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] })
    const io = capturedIo()
    expect(await runStatus(['--stack', 'Pilot'], io, deps())).toBe(0)
    expect(io.stdout.join('\n').split('\n')[0]).toMatch(/^Pilot at /)
  })

  it('a stack deployed before the SendingMode output: the mode says unknown, not live', async () => {
    const { SendingMode: _left, ...older } = outputs
    stackWith(older)
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] })
    const io = capturedIo()
    expect(await runStatus(['--stack', 'Pilot', '--json'], io, deps())).toBe(0)
    expect(JSON.parse(io.stdout.join('\n')).mode).toEqual({ deployed: null, deployedFrom: null, override: null, inForce: null })
  })

  it('follows CloudWatch NextToken pages', async () => {
    stackWith(outputs)
    cloudWatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      const answer = metricsAnswer(input)
      if (input.NextToken) return { MetricDataResults: answer.MetricDataResults.map((result) => ({ ...result, Values: result.Values?.length ? [100] : [] })) }
      return { ...answer, NextToken: 'page-2' }
    })
    const io = capturedIo()
    expect(await runStatus(['--stack', 'Pilot', '--json'], io, deps())).toBe(0)
    const sent = JSON.parse(io.stdout.join('\n')).outcomes.find((count: { metric: string }) => count.metric === 'MessagesSent')
    expect(sent.lastHour).toBe(103)
  })

  it('stack missing, output missing, no credentials: exit 1 with an error naming it; a bad option exits 2', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id Nope does not exist'))
    let io = capturedIo()
    expect(await runStatus(['--stack', 'Nope'], io, deps())).toBe(1)
    expect(io.stderr.join('\n')).toContain('stack "Nope": Stack with id Nope does not exist')

    cfn.reset()
    const { StateTableName: _table, ...noTable } = outputs
    stackWith(noTable)
    io = capturedIo()
    expect(await runStatus(['--stack', 'Pilot'], io, deps())).toBe(1)
    expect(io.stderr.join('\n')).toContain('stack "Pilot" has no output StateTableName')

    cfn.reset()
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }))
    io = capturedIo()
    expect(await runStatus(['--stack', 'Pilot'], io, deps())).toBe(1)
    expect(io.stderr.join('\n')).toContain('no AWS credentials (set AWS_PROFILE')

    io = capturedIo()
    expect(await runStatus(['--stak', 'Pilot'], io, deps())).toBe(2)
    expect(io.stderr.join('\n')).toContain('unknown option --stak. Did you mean --stack?')
    expect(io.stdout).toEqual([])
  })

  it('--help names where the age of the oldest message comes from', async () => {
    const io = capturedIo()
    expect(await runStatus(['--help'], io, deps())).toBe(0)
    expect(io.stdout.join('\n')).toContain('SQS has no attribute for that')
    expect(io.stdout.join('\n')).toContain('ApproximateAgeOfOldestMessage')
  })
})
