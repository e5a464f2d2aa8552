/**
 * `proactive replay --from ISO --to ISO [--stack NAME]`: re-process the Genesys events of a time range from the
 * stack's partner-bus archive, through the stack's own rules only, and show progress until the replay ends.
 * AWS credentials and region come from the usual AWS environment (AWS_PROFILE, AWS_REGION, …).
 */
import { parseCommandArgs } from '../args.ts'
import { CloudFormationClient } from '@aws-sdk/client-cloudformation'
import { EventBridgeClient } from '@aws-sdk/client-eventbridge'
import { APP_CONTEXT } from '../../cdk/settings.ts'
import type { CommandIo } from '../command-io.ts'
import { parseReplayRange, type ReplayProgress, ReplayError, replayStack } from '../stack-replay.ts'

export const HELP = `usage: proactive replay --from ISO --to ISO [--stack NAME] [--json]

Replays the Genesys events archived on the partner bus between --from and --to (EventBridge StartReplay) into
this stack's own partner-bus rules only, then follows it until it ends. Events keep their id and get a
replay-name field; the pipeline's dedupe makes a replay message no one twice (docs/operations.md, "Re-process
yesterday's events after a fix").

  --from ISO      start of the range, e.g. 2026-11-27T00:00:00Z (within partnerArchiveRetentionDays)
  --to ISO        end of the range (after --from, not in the future)
  --stack NAME    the deployed stack (default ${APP_CONTEXT.stackName.default}); its rules are the AWS::Events::Rule
                  resources of that stack (CloudFormation ListStackResources), not every rule named <stack>-…
  --json          the outcome as one JSON object on stdout {replayName, archiveName, ruleArns, from, to, state,
                  stateReason?, percent, lastReplayed?}; progress stays on stderr
`

export interface ReplayDeps {
  readonly client?: EventBridgeClient
  readonly cloudFormation?: CloudFormationClient
  readonly now?: () => Date
  readonly sleep?: (ms: number) => Promise<void>
}

export async function main(args: string[], io: CommandIo, deps: ReplayDeps = {}): Promise<number> {
  const parsed = parseCommandArgs(
    'proactive replay',
    {
      args,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        stack: { type: 'string', default: APP_CONTEXT.stackName.default },
        json: { type: 'boolean', default: false },
      },
    },
    HELP,
    io,
  )
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  const now = (deps.now ?? (() => new Date()))()
  let range
  try {
    range = parseReplayRange(values.from, values.to, now)
  } catch (error) {
    io.err(`proactive replay: ${(error as Error).message}`)
    return 2
  }
  const client = deps.client ?? new EventBridgeClient({})
  const cloudFormation = deps.cloudFormation ?? new CloudFormationClient({})
  let started: { archiveName: string; ruleArns: readonly string[] } | undefined
  try {
    const result = await replayStack(client, {
      ...range,
      stack: values.stack,
      cloudFormation,
      now,
      sleep: deps.sleep,
      onStart: ({ replayName, archiveName, ruleArns }) => {
        started = { archiveName, ruleArns }
        io.err(`Replay ${replayName}: ${range.from.toISOString()} to ${range.to.toISOString()} from ${archiveName} into ${ruleArns.length} rule(s): ${ruleArns.join(', ')}`)
      },
      onProgress: (progress) => io.err(formatProgress(progress)),
    })
    io.out(values.json ? JSON.stringify({ ...started, from: range.from, to: range.to, ...result }) : formatProgress(result))
    return result.state === 'COMPLETED' ? 0 : 1
  } catch (error) {
    io.err(`proactive replay: ${error instanceof ReplayError ? error.message : `${(error as Error).name}: ${(error as Error).message}`}`)
    return error instanceof ReplayError ? 2 : 1
  } finally {
    if (!deps.client) client.destroy()
    if (!deps.cloudFormation) cloudFormation.destroy()
  }
}

export function formatProgress(progress: ReplayProgress): string {
  const last = progress.lastReplayed ? `, last event replayed ${progress.lastReplayed.toISOString()}` : ''
  const reason = progress.stateReason ? ` (${progress.stateReason})` : ''
  return `${progress.replayName}: ${progress.state}${reason}, ${progress.percent}% of the range${last}`
}
