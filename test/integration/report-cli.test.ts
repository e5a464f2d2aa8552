/**
 * `proactive report`: per agent and per queue from the sent-message records the real pipeline wrote on the local
 * cloud (a real Scan of the state table, whose cost the report states), per channel from CloudWatch metrics (the
 * CloudWatch client mocked: what is asked for and how the answer is laid out), and the argument errors.
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runReport, type RunReportDeps } from '../../cli/commands/report.ts'
import { percentile } from '../../cli/report/gather-report.ts'
import { LOCAL_NAMES, LocalCloud } from '../../local/cloud.ts'
import { agentlessConversationId } from '../../local/genesys-simulator/routes/agentless.ts'
import { runScenario } from '../../local/run-scenario.ts'
import { capturedIo } from '../support/captured-io.ts'
import { conversationLifecycle, customerReply, presenceEvent, uuidFrom, type GenesysEnvelope } from '../support/genesys-events.ts'

const AGENT_A = uuidFrom('report', 'agent-a')
const AGENT_B = uuidFrom('report', 'agent-b')
const QUEUE = uuidFrom('report', 'queue')
const HOUR = 3_600_000
const T = Date.parse('2025-06-10T12:00:00Z')
const number = (n: number) => `+1555444${String(n).padStart(4, '0')}`

const cloudWatch = mockClient(CloudWatchClient)
let cloud: LocalCloud
let deps: RunReportDeps

beforeAll(async () => {
  cloud = await LocalCloud.start({})
  const events: GenesysEnvelope[] = [
    ...[1, 2, 3].flatMap((n) => conversationLifecycle({ conversationId: uuidFrom('report', n), messageType: 'SMS', start: T - 2 * HOUR, agentId: AGENT_A, queueId: QUEUE, addressFrom: number(n) })),
    presenceEvent({ agentId: AGENT_A, systemPresence: 'OFFLINE', at: T - 600_000 }),
    presenceEvent({ agentId: AGENT_A, systemPresence: 'ON_QUEUE', at: T }),
    // 1 replies after 10 min (A serves it), 2 after 1 h (B serves it), 3 not at all.
    ...customerReply({ messageType: 'SMS', threadedOn: agentlessConversationId('sms', number(1)), at: T + 600_000 - 1_000, queueId: QUEUE, agentId: AGENT_A }),
    ...customerReply({ messageType: 'SMS', conversationId: uuidFrom('report', 'new'), addressFrom: number(2), at: T + HOUR, queueId: QUEUE, agentId: AGENT_B }),
  ]
  const summary = await runScenario(
    cloud,
    events.map((event, index) => ({ ok: true as const, event, origin: `event ${index + 1}` })),
  )
  expect(summary.messages).toMatchObject({ sent: 3, answered: 2 })
  deps = {
    stackOutputs: async () => ({ StateTableName: LOCAL_NAMES.stateTable }),
    cloudWatch: new CloudWatchClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    dynamo: DynamoDBDocumentClient.from(cloud.dynamo),
    now: () => T + 2 * HOUR,
  }
})
afterAll(async () => {
  cloudWatch.restore()
  await cloud?.close()
})

describe('proactive report', () => {
  it('--by agent: from the sent-message records, with what the Scan read', async () => {
    const io = capturedIo()
    expect(await runReport(['--by', 'agent', '--since', '24h', '--json'], io, deps)).toBe(0)
    const report = JSON.parse(io.stdout.join('\n'))
    expect(report.rows).toEqual([
      {
        key: AGENT_A,
        requested: null,
        sent: 3,
        delivered: null,
        undelivered: null,
        answered: 2,
        answeredByTriggeringAgent: 1,
        answeredByOtherAgent: 1,
        // 10 min and 1 h after the trigger, less the seconds the local sends took (the clock runs on from the event).
        medianSecondsToReply: expect.any(Number),
        p90SecondsToReply: expect.any(Number),
        optedOut: null,
        deferred: null,
      },
    ])
    expect(report.rows[0].medianSecondsToReply).toBeGreaterThan(590)
    expect(report.rows[0].medianSecondsToReply).toBeLessThanOrEqual(600)
    expect(report.rows[0].p90SecondsToReply).toBeGreaterThan(3590)
    expect(report.rows[0].p90SecondsToReply).toBeLessThanOrEqual(3600)
    expect(report.cost).toMatch(/DynamoDB Scan of the state table local-state: \d+ item\(s\) read/)
  })

  it('--by queue in words; a period that ends before the sends counts nothing', async () => {
    const io = capturedIo()
    expect(await runReport(['--by', 'queue'], io, deps)).toBe(0)
    const text = io.stdout.join('\n')
    expect(text).toContain(QUEUE)
    expect(text).toMatch(/Read: DynamoDB Scan/)
    const early = capturedIo()
    expect(await runReport(['--by', 'queue', '--since', '30m', '--json'], early, { ...deps, now: () => T - HOUR })).toBe(0)
    expect(JSON.parse(early.stdout.join('\n')).rows).toEqual([])
  })

  it('--by channel: one GetMetricData series per metric, service and channel, summed', async () => {
    cloudWatch.reset()
    cloudWatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((query) => {
        const dims = query.MetricStat?.Metric?.Dimensions ?? []
        const channel = dims.find((d) => d.Name === 'channel')?.Value
        const metric = query.MetricStat?.Metric?.MetricName
        const value =
          channel === 'sms' ? ({ MessagesSent: 10, MessagesAnswered: 4, RepliesServedByTriggeringAgent: 3, RepliesServedByOtherAgent: 1 } as Record<string, number>)[metric ?? ''] : undefined
        return { Id: query.Id, Values: value === undefined ? [] : [value] }
      }),
    }))
    const io = capturedIo()
    expect(await runReport(['--by', 'channel', '--since', '7d', '--json'], io, deps)).toBe(0)
    const report = JSON.parse(io.stdout.join('\n'))
    expect(report.rows.map((row: { key: string }) => row.key)).toEqual(['webmessaging', 'sms', 'whatsapp', 'open'])
    expect(report.rows[1]).toMatchObject({ key: 'sms', sent: 10, answered: 4, answeredByTriggeringAgent: 3, answeredByOtherAgent: 1, requested: null })
    expect(report.rows[0]).toMatchObject({ sent: 0, answered: 0 })
    const input = cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input
    expect(input?.EndTime?.getTime() ?? 0).toBe(T + 2 * HOUR)
    expect((input?.EndTime?.getTime() ?? 0) - (input?.StartTime?.getTime() ?? 0)).toBe(7 * 24 * HOUR)
    expect(report.cost).toMatch(/no table read/)
  })

  it('refuses a bad --since or --by, naming it', async () => {
    for (const [args, problem] of [
      [['--since', 'yesterday'], /--since must be a number and a unit/],
      [['--since', '500d'], /at most 455 days/],
      [['--by', 'customer'], /--by must be channel, agent or queue/],
    ] as const) {
      const io = capturedIo()
      expect(await runReport([...args], io, deps)).toBe(2)
      expect(io.stderr.join('\n')).toMatch(problem)
    }
  })

  it('nearest-rank percentiles', () => {
    expect(percentile([], 0.5)).toBeNull()
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2)
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9)
  })
})
