/**
 * Replaying archived Genesys events into one stack's own partner-bus rules (EventBridge StartReplay with the
 * rules as FilterArns, so no other consumer of the bus sees the events twice), and following the replay
 * (DescribeReplay) until it ends. Used by `proactive replay`.
 */
import { type CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation'
import { DescribeArchiveCommand, DescribeReplayCommand, type EventBridgeClient, ListRulesCommand, ResourceNotFoundException, StartReplayCommand } from '@aws-sdk/client-eventbridge'
import { partnerArchiveName } from '#lib/topology.ts'

const DAY_MS = 86_400_000
const FINAL_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED'])

export class ReplayError extends Error {
  override readonly name = 'ReplayError'
}

export interface ReplayRange {
  readonly from: Date
  readonly to: Date
}

/** `--from`/`--to` as ISO 8601 date-times: from before to, to not in the future. */
export function parseReplayRange(from: string | undefined, to: string | undefined, now: Date): ReplayRange {
  const parse = (option: string, value: string | undefined): Date => {
    if (value === undefined) throw new ReplayError(`${option} is required: an ISO 8601 date-time such as 2026-11-27T00:00:00Z`)
    const date = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? new Date(value) : new Date(Number.NaN)
    if (Number.isNaN(date.getTime())) throw new ReplayError(`${option} "${value}" is not an ISO 8601 date-time (e.g. 2026-11-27T00:00:00Z)`)
    return date
  }
  const range = { from: parse('--from', from), to: parse('--to', to) }
  if (range.from.getTime() >= range.to.getTime()) throw new ReplayError(`--from (${range.from.toISOString()}) must be before --to (${range.to.toISOString()})`)
  if (range.to.getTime() > now.getTime()) throw new ReplayError(`--to (${range.to.toISOString()}) is in the future (now ${now.toISOString()})`)
  return range
}

export interface ReplayProgress {
  readonly replayName: string
  readonly state: string
  readonly stateReason?: string
  /** Time of the last event replayed so far (events are replayed in time order). */
  readonly lastReplayed?: Date
  /** Share of the time range replayed, 0 to 100. */
  readonly percent: number
}

export interface StackReplayOptions extends ReplayRange {
  readonly stack: string
  /** Lists the stack's own rules (ListStackResources), so a stack named `<stack>-2` is not replayed into. */
  readonly cloudFormation: CloudFormationClient
  readonly now: Date
  readonly pollMs?: number
  readonly sleep?: (ms: number) => Promise<void>
  readonly onStart?: (details: { replayName: string; archiveName: string; ruleArns: readonly string[] }) => void
  readonly onProgress?: (progress: ReplayProgress) => void
}

/** Starts the replay of the stack's partner-bus archive into the stack's own rules and waits for it to end. */
export async function replayStack(client: EventBridgeClient, options: StackReplayOptions): Promise<ReplayProgress> {
  const { stack, from, to, now } = options
  const archiveName = partnerArchiveName(stack)
  const archive = await client.send(new DescribeArchiveCommand({ ArchiveName: archiveName })).catch((error: unknown) => {
    if (error instanceof ResourceNotFoundException || (error as Error).name === 'ResourceNotFoundException') {
      throw new ReplayError(`no archive "${archiveName}": is stack "${stack}" deployed (with its partner-bus archive) in this account and region? Use --stack NAME.`)
    }
    throw error
  })
  const busArn = archive.EventSourceArn
  if (!archive.ArchiveArn || !busArn) throw new ReplayError(`archive "${archiveName}" has no ARN or event source`)
  if (archive.State && archive.State !== 'ENABLED') throw new ReplayError(`archive "${archiveName}" is ${archive.State}${archive.StateReason ? ` (${archive.StateReason})` : ''}, not ENABLED`)
  const retentionDays = archive.RetentionDays ?? 0
  if (retentionDays > 0) {
    const oldest = new Date(now.getTime() - retentionDays * DAY_MS)
    if (from.getTime() < oldest.getTime())
      throw new ReplayError(`--from (${from.toISOString()}) is outside the archive's retention of ${retentionDays} day(s): the oldest event kept is from ${oldest.toISOString()}`)
  }
  if (archive.CreationTime && from.getTime() < archive.CreationTime.getTime()) {
    throw new ReplayError(`--from (${from.toISOString()}) is before the archive existed (created ${archive.CreationTime.toISOString()}): nothing older was archived`)
  }

  const ruleArns = await stackRulesOn(client, busArn, stack, await stackRuleNames(options.cloudFormation, stack))
  if (ruleArns.length === 0) throw new ReplayError(`stack "${stack}" has no rule on ${busArn}: nothing would receive the replay`)
  const replayName = `${stack.replace(/[^.\-_A-Za-z0-9]/g, '_').slice(0, 40)}-${now.toISOString().replace(/[-:]|\.\d+/g, '')}`
  options.onStart?.({ replayName, archiveName, ruleArns })
  await client.send(
    new StartReplayCommand({
      ReplayName: replayName,
      Description: `proactive replay of ${from.toISOString()} to ${to.toISOString()}`,
      EventSourceArn: archive.ArchiveArn,
      EventStartTime: from,
      EventEndTime: to,
      Destination: { Arn: busArn, FilterArns: ruleArns },
    }),
  )

  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  for (;;) {
    const replay = await client.send(new DescribeReplayCommand({ ReplayName: replayName }))
    const state = replay.State ?? 'UNKNOWN'
    const last = replay.EventLastReplayedTime
    const share = last ? (last.getTime() - from.getTime()) / (to.getTime() - from.getTime()) : 0
    const progress: ReplayProgress = {
      replayName,
      state,
      stateReason: replay.StateReason,
      lastReplayed: last,
      percent: state === 'COMPLETED' ? 100 : Math.round(Math.min(1, Math.max(0, share)) * 1000) / 10,
    }
    options.onProgress?.(progress)
    if (FINAL_STATES.has(state)) return progress
    await sleep(options.pollMs ?? 5000)
  }
}

/**
 * The names of the stack's own rules (on any bus). CloudFormation's physical id of a rule on a custom bus is
 * `<bus>|<rule name>`, on the default bus the rule name: the name is what follows the last `|`.
 */
async function stackRuleNames(cloudFormation: CloudFormationClient, stack: string): Promise<Set<string>> {
  const names = new Set<string>()
  let NextToken: string | undefined
  do {
    const page = await cloudFormation.send(new ListStackResourcesCommand({ StackName: stack, NextToken })).catch((error: unknown) => {
      throw new ReplayError(`stack "${stack}": ${(error as Error).message}`)
    })
    for (const resource of page.StackResourceSummaries ?? []) {
      if (resource.ResourceType === 'AWS::Events::Rule' && resource.PhysicalResourceId) names.add(resource.PhysicalResourceId.slice(resource.PhysicalResourceId.lastIndexOf('|') + 1))
    }
    NextToken = page.NextToken
  } while (NextToken)
  return names
}

/**
 * The stack's rules on the bus. CloudFormation names them `<stack>-<logical id>-<suffix>`, so the prefix narrows
 * the listing, but it also matches the rules of a stack named `<stack>-2`: only the stack's own names are kept.
 */
async function stackRulesOn(client: EventBridgeClient, busArn: string, stack: string, ownNames: ReadonlySet<string>): Promise<string[]> {
  const arns: string[] = []
  let NextToken: string | undefined
  do {
    const page = await client.send(new ListRulesCommand({ EventBusName: busArn, NamePrefix: `${stack}-`, NextToken }))
    for (const rule of page.Rules ?? []) if (rule.Arn && rule.Name && ownNames.has(rule.Name) && rule.State !== 'DISABLED') arns.push(rule.Arn)
    NextToken = page.NextToken
  } while (NextToken)
  return arns
}
