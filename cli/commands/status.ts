/**
 * `proactive status [--stack NAME] [--json]`: is it working?. The sending mode in force, the
 * outcome counts of the last hour and day, and each queue's and dead-letter queue's depth and oldest message.
 * Gathering: cli/status/gather-status.ts; wording: cli/status/status-wording.ts.
 */
import { parseCommandArgs } from '../args.ts'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { DynamoDbSendingModeOverrides } from '#lib/adapters/dynamodb-sending-mode.ts'
import type { CommandIo } from '../command-io.ts'
import { DEFAULT_STACK_NAME, isMissingCredentials, noCredentials, readStackOutputs, StackOutputError } from '../stack-outputs.ts'
import { gatherStatus, type StatusDeps } from '../status/gather-status.ts'
import { describeStatus } from '../status/status-wording.ts'

export const HELP = `usage: proactive status [--stack NAME] [--json]

Is it working? Shows, for the deployed stack:
  sending mode   the run-time override (proactive mode) if any, and the deployed SENDING_MODE (stack output SendingMode)
  outcomes       every metric of the functions (sent, deferred, paused, dry-run, opted-out, quiet-hours, customer-busy,
                 unknown-session, expired, capped, dead-lettered, ineligible, Genesys responses, …), summed over
                 the last hour and the last day, per function that emitted it (CloudWatch GetMetricData, namespace
                 ProactiveMessaging; a metric can arrive a few minutes late)
  queues         each queue and dead-letter queue of the stack outputs (…QueueUrl, …DlqUrl): messages waiting and in
                 flight (SQS GetQueueAttributes), and the age of the oldest message. SQS has no attribute for that
                 age: it comes from CloudWatch AWS/SQS ApproximateAgeOfOldestMessage (the newest point of the last
                 5 minutes; "no data" when CloudWatch has none, e.g. an idle queue)

  --stack NAME   the deployed stack (default ${DEFAULT_STACK_NAME}). AWS credentials and region come from the usual
                 AWS environment (AWS_PROFILE, AWS_REGION, …); needs cloudformation:DescribeStacks,
                 dynamodb:GetItem on the state table, cloudwatch:GetMetricData, sqs:GetQueueAttributes.
  --json         the same data as JSON, for scripts

Exit codes: 0 shown, 1 stack, output or credentials missing (the error names it), 2 usage error.
`

const awsDeps = (): StatusDeps => ({
  stackOutputs: (stackName) => readStackOutputs(stackName),
  readOverride: (table) => new DynamoDbSendingModeOverrides(DynamoDBDocumentClient.from(new DynamoDBClient({})), table).read(),
  cloudWatch: new CloudWatchClient({}),
  sqs: new SQSClient({}),
  now: () => Date.now(),
})

export function main(args: string[], io: CommandIo): Promise<number> {
  return runStatus(args, io, awsDeps())
}

export async function runStatus(args: string[], io: CommandIo, deps: StatusDeps): Promise<number> {
  const parsed = parseCommandArgs(
    'proactive status',
    {
      args,
      options: {
        stack: { type: 'string', default: DEFAULT_STACK_NAME },
        json: { type: 'boolean', default: false },
      },
    },
    HELP,
    io,
  )
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  let status
  try {
    status = await gatherStatus(values.stack as string, deps)
  } catch (error) {
    const problem = error as Error
    if (problem instanceof StackOutputError) io.err(`proactive status: ${problem.message}`)
    else if (isMissingCredentials(problem)) io.err(`proactive status: ${noCredentials(problem)}`)
    else throw error
    return 1
  }
  io.out(values.json ? JSON.stringify(status, null, 2) : describeStatus(status))
  return 0
}
