/**
 * `proactive replay` against an EventBridge client mock: the replay goes from the stack's
 * partner-bus archive into the stack's own rules only, progress is shown until the replay ends, and bad ranges
 * are refused naming the option and the problem before anything is started.
 */
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation'
import { DescribeArchiveCommand, DescribeReplayCommand, EventBridgeClient, ListRulesCommand, ResourceNotFoundException, StartReplayCommand } from '@aws-sdk/client-eventbridge'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../cli/commands/replay.ts'
import { partnerArchiveName } from '#lib/topology.ts'

const NOW = new Date('2026-11-28T12:00:00Z')
const BUS_ARN = 'arn:aws:events:eu-west-1:123456789012:event-bus/aws.partner/genesys.com/cloud/org/proactive'
const ARCHIVE_ARN = 'arn:aws:events:eu-west-1:123456789012:archive/ProactiveMessaging-partner-events'
const ruleArn = (name: string) => `arn:aws:events:eu-west-1:123456789012:rule/aws.partner/genesys.com/cloud/org/proactive/${name}`

const eventBridge = mockClient(EventBridgeClient)
const cloudFormation = mockClient(CloudFormationClient)
const ruleResource = (logicalId: string, physicalId: string) => ({
  LogicalResourceId: logicalId,
  PhysicalResourceId: physicalId,
  ResourceType: 'AWS::Events::Rule',
  ResourceStatus: 'CREATE_COMPLETE' as const,
  LastUpdatedTimestamp: NOW,
})

function io() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), stdin: async () => '', env: {} } }
}

const run = (args: string[], target = io()) =>
  main(args, target.io, { client: new EventBridgeClient({ region: 'eu-west-1' }), cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }), now: () => NOW, sleep: async () => {} }).then(
    (code) => ({ code, ...target }),
  )

beforeEach(() => stubAws())

function stubAws(options: { failReplay?: boolean; noRules?: boolean } = {}) {
  eventBridge.reset()
  cloudFormation.reset()
  // Physical ids as CloudFormation gives them: `<bus>|<rule>` on a custom bus. The stack's app-bus rule is not on the partner bus.
  cloudFormation
    .on(ListStackResourcesCommand)
    .resolvesOnce({
      StackResourceSummaries: [
        ruleResource('ConversationEventsRule', 'aws.partner/genesys.com/cloud/org/proactive|ProactiveMessaging-ConversationEventsRule-1'),
        {
          LogicalResourceId: 'SendQueue',
          PhysicalResourceId: 'https://sqs/ProactiveMessaging-SendQueue',
          ResourceType: 'AWS::SQS::Queue',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: NOW,
        },
      ],
      NextToken: 'resources2',
    })
    .resolves({
      StackResourceSummaries: [
        ruleResource('AgentEventsRule', 'aws.partner/genesys.com/cloud/org/proactive|ProactiveMessaging-AgentEventsRule-2'),
        ruleResource('MessageRequestedRule', 'ProactiveMessaging-app|ProactiveMessaging-MessageRequestedRule-3'),
      ],
    })
  eventBridge.on(DescribeArchiveCommand).resolves({
    ArchiveArn: ARCHIVE_ARN,
    ArchiveName: partnerArchiveName('ProactiveMessaging'),
    EventSourceArn: BUS_ARN,
    State: 'ENABLED',
    RetentionDays: 7,
    CreationTime: new Date('2026-11-01T00:00:00Z'),
  })
  if (options.noRules) eventBridge.on(ListRulesCommand).resolves({ Rules: [] })
  else
    eventBridge
      .on(ListRulesCommand)
      .resolvesOnce({ Rules: [{ Name: 'ProactiveMessaging-ConversationEventsRule-1', Arn: ruleArn('ProactiveMessaging-ConversationEventsRule-1'), State: 'ENABLED' }], NextToken: 'page2' })
      .resolvesOnce({ Rules: [{ Name: 'ProactiveMessaging-AgentEventsRule-2', Arn: ruleArn('ProactiveMessaging-AgentEventsRule-2'), State: 'ENABLED' }] })
  eventBridge.on(StartReplayCommand).resolves({ State: 'STARTING' })
  if (options.failReplay) eventBridge.on(DescribeReplayCommand).resolves({ State: 'FAILED', StateReason: 'destination rule deleted' })
  else
    eventBridge
      .on(DescribeReplayCommand)
      .resolvesOnce({ State: 'STARTING' })
      .resolvesOnce({ State: 'RUNNING', EventLastReplayedTime: new Date('2026-11-27T06:00:00Z') })
      .resolves({ State: 'COMPLETED', EventLastReplayedTime: new Date('2026-11-27T23:59:00Z') })
}

describe('proactive replay', () => {
  it("replays the range from the stack's partner archive into the stack's own rules, and shows progress until done", async () => {
    const { code, out, err } = await run(['--from', '2026-11-27T00:00:00Z', '--to', '2026-11-28T00:00:00Z'])
    expect(code).toBe(0)
    expect(eventBridge.commandCalls(DescribeArchiveCommand)[0]!.args[0].input).toEqual({ ArchiveName: 'ProactiveMessaging-partner-events' })
    expect(eventBridge.commandCalls(ListRulesCommand).map((c) => c.args[0].input)).toEqual([
      { EventBusName: BUS_ARN, NamePrefix: 'ProactiveMessaging-', NextToken: undefined },
      { EventBusName: BUS_ARN, NamePrefix: 'ProactiveMessaging-', NextToken: 'page2' },
    ])
    const start = eventBridge.commandCalls(StartReplayCommand)[0]!.args[0].input
    expect(start).toMatchObject({
      EventSourceArn: ARCHIVE_ARN,
      EventStartTime: new Date('2026-11-27T00:00:00Z'),
      EventEndTime: new Date('2026-11-28T00:00:00Z'),
      Destination: { Arn: BUS_ARN, FilterArns: [ruleArn('ProactiveMessaging-ConversationEventsRule-1'), ruleArn('ProactiveMessaging-AgentEventsRule-2')] },
    })
    expect(start.ReplayName).toMatch(/^ProactiveMessaging-20261128T120000Z$/)
    expect(eventBridge.commandCalls(DescribeReplayCommand)).toHaveLength(3)
    expect(err.join('\n')).toContain('STARTING, 0% of the range')
    expect(err.join('\n')).toContain('RUNNING, 25% of the range, last event replayed 2026-11-27T06:00:00.000Z')
    expect(out.join('\n')).toContain('COMPLETED, 100% of the range')
  })

  it('--json: the outcome as one JSON object on stdout, progress still on stderr', async () => {
    const { code, out, err } = await run(['--from', '2026-11-27T00:00:00Z', '--to', '2026-11-28T00:00:00Z', '--json'])
    expect(code).toBe(0)
    expect(out).toHaveLength(1)
    expect(JSON.parse(out[0]!)).toEqual({
      replayName: 'ProactiveMessaging-20261128T120000Z',
      archiveName: 'ProactiveMessaging-partner-events',
      ruleArns: [ruleArn('ProactiveMessaging-ConversationEventsRule-1'), ruleArn('ProactiveMessaging-AgentEventsRule-2')],
      from: '2026-11-27T00:00:00.000Z',
      to: '2026-11-28T00:00:00.000Z',
      state: 'COMPLETED',
      percent: 100,
      lastReplayed: expect.any(String),
    })
    expect(err.join('\n')).toContain('RUNNING, 25% of the range')
  })

  it('replays into no rule of a stack named <stack>-2, though its rules share the <stack>- prefix', async () => {
    eventBridge.on(ListRulesCommand).resolves({
      Rules: [
        { Name: 'ProactiveMessaging-2-ConversationEventsRule-7', Arn: ruleArn('ProactiveMessaging-2-ConversationEventsRule-7'), State: 'ENABLED' },
        { Name: 'ProactiveMessaging-ConversationEventsRule-1', Arn: ruleArn('ProactiveMessaging-ConversationEventsRule-1'), State: 'ENABLED' },
        { Name: 'ProactiveMessaging-2-AgentEventsRule-8', Arn: ruleArn('ProactiveMessaging-2-AgentEventsRule-8'), State: 'ENABLED' },
        { Name: 'ProactiveMessaging-AgentEventsRule-2', Arn: ruleArn('ProactiveMessaging-AgentEventsRule-2'), State: 'ENABLED' },
      ],
    })
    const { code } = await run(['--from', '2026-11-27T00:00:00Z', '--to', '2026-11-28T00:00:00Z'])
    expect(code).toBe(0)
    expect(cloudFormation.commandCalls(ListStackResourcesCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'ProactiveMessaging', NextToken: undefined },
      { StackName: 'ProactiveMessaging', NextToken: 'resources2' },
    ])
    expect(eventBridge.commandCalls(StartReplayCommand)[0]!.args[0].input.Destination?.FilterArns).toEqual([
      ruleArn('ProactiveMessaging-ConversationEventsRule-1'),
      ruleArn('ProactiveMessaging-AgentEventsRule-2'),
    ])
  })

  it('a stack CloudFormation does not know is named, and nothing is replayed', async () => {
    cloudFormation.reset()
    cloudFormation.on(ListStackResourcesCommand).rejects(new Error('Stack with id ProactiveMessaging does not exist'))
    const { code, err } = await run(['--from', '2026-11-27T00:00:00Z', '--to', '2026-11-28T00:00:00Z'])
    expect(code).toBe(2)
    expect(err.join('\n')).toContain('stack "ProactiveMessaging": Stack with id ProactiveMessaging does not exist')
    expect(eventBridge.commandCalls(StartReplayCommand)).toHaveLength(0)
  })

  it('exits 1 and says why when the replay fails', async () => {
    stubAws({ failReplay: true })
    const { code, out } = await run(['--from', '2026-11-27T00:00:00Z', '--to', '2026-11-28T00:00:00Z', '--stack', 'ProactiveMessaging'])
    expect(code).toBe(1)
    expect(out.join('\n')).toContain('FAILED (destination rule deleted)')
  })

  it.each([
    [['--to', '2026-11-28T00:00:00Z'], '--from is required'],
    [['--from', 'yesterday', '--to', '2026-11-28T00:00:00Z'], '--from "yesterday" is not an ISO 8601 date-time'],
    [['--from', '2026-11-27T00:00:00Z', '--to', '2026-13-45'], '--to "2026-13-45" is not an ISO 8601 date-time'],
    [['--from', '2026-11-28T00:00:00Z', '--to', '2026-11-27T00:00:00Z'], 'must be before --to'],
    [['--from', '2026-11-27T00:00:00Z', '--to', '2026-11-27T00:00:00Z'], 'must be before --to'],
    [['--from', '2026-11-27T00:00:00Z', '--to', '2026-11-29T00:00:00Z'], '--to (2026-11-29T00:00:00.000Z) is in the future'],
  ])('refuses %j before calling AWS', async (args, message) => {
    const { code, err } = await run(args)
    expect(code).toBe(2)
    expect(err.join('\n')).toContain(message)
    expect(eventBridge.calls()).toHaveLength(0)
  })

  it("refuses a range outside the archive's retention, naming the oldest time kept", async () => {
    const { code, err } = await run(['--from', '2026-11-20T00:00:00Z', '--to', '2026-11-22T00:00:00Z'])
    expect(code).toBe(2)
    expect(err.join('\n')).toContain("outside the archive's retention of 7 day(s): the oldest event kept is from 2026-11-21T12:00:00.000Z")
    expect(eventBridge.commandCalls(StartReplayCommand)).toHaveLength(0)
  })

  it('refuses a range from before the archive existed', async () => {
    eventBridge.on(DescribeArchiveCommand).resolves({ ArchiveArn: ARCHIVE_ARN, EventSourceArn: BUS_ARN, State: 'ENABLED', RetentionDays: 0, CreationTime: new Date('2026-11-27T12:00:00Z') })
    const { code, err } = await run(['--from', '2026-11-27T00:00:00Z', '--to', '2026-11-28T00:00:00Z'])
    expect(code).toBe(2)
    expect(err.join('\n')).toContain('before the archive existed (created 2026-11-27T12:00:00.000Z)')
    expect(eventBridge.commandCalls(StartReplayCommand)).toHaveLength(0)
  })

  it('names the archive and the --stack option when the stack has no archive', async () => {
    eventBridge.on(DescribeArchiveCommand).rejects(new ResourceNotFoundException({ message: 'Archive does not exist', $metadata: {} }))
    const { code, err } = await run(['--from', '2026-11-27T00:00:00Z', '--to', '2026-11-28T00:00:00Z', '--stack', 'Other'])
    expect(code).toBe(2)
    expect(err.join('\n')).toContain('no archive "Other-partner-events": is stack "Other" deployed')
  })

  it('refuses when the stack has no rule on the bus (nothing would receive the events)', async () => {
    stubAws({ noRules: true })
    const { code, err } = await run(['--from', '2026-11-27T00:00:00Z', '--to', '2026-11-28T00:00:00Z'])
    expect(code).toBe(2)
    expect(err.join('\n')).toContain('has no rule on')
    expect(eventBridge.commandCalls(StartReplayCommand)).toHaveLength(0)
  })
})
