/**
 * `proactive mode [live|dry-run|paused] [--stack NAME]`: the run-time sending-mode override.
 * With a mode it writes the override to the deployed stack's state table (item `control#sending-mode`); presence
 * and send read it through a cache of at most 30 s, so it is in force everywhere within 30 s, without a deploy.
 * Without a mode it shows the override in force and since when.
 */
import { parseCommandArgs } from '../args.ts'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { DynamoDbSendingModeOverrides, MODE_CACHE_MS } from '#lib/adapters/dynamodb-sending-mode.ts'
import { UnknownSendingModeError, parseSendingMode, type SendingMode } from '#lib/domain/sending-mode.ts'
import type { SendingModeOverrides } from '#lib/domain/ports.ts'
import type { CommandIo } from '../command-io.ts'
import { DEFAULT_STACK_NAME, readStackOutputs, requireOutput, StackOutputError, type StackOutputs } from '../stack-outputs.ts'

export const HELP = `usage: proactive mode [live|dry-run|paused] [--stack NAME] [--json]

Sets the sending mode of the deployed stack at run time (no deploy), or shows the one in force:
  live      requests and sends as configured
  dry-run   runs every step up to the Genesys call, sends nothing, reports outcome dry-run (no cap used)
  paused    presence still tracks availability; nothing is requested or sent (outcome paused)

Presence and send read the override with a cache of at most ${MODE_CACHE_MS / 1000} s: it is in force everywhere within
${MODE_CACHE_MS / 1000} s. It wins over the SENDING_MODE setting until another \`proactive mode\` replaces it.

  --stack NAME   the deployed stack (default ${DEFAULT_STACK_NAME}); its state table is found by the stack output
                 StateTableName. AWS credentials and region come from the usual AWS environment.
  --json         print the result as JSON
  --local        the local cloud lives for one run only: set the mode of a local run with
                 npm start -- --set SENDING_MODE=paused (or dry-run)
`

export interface ModeDeps {
  readonly stackOutputs: (stackName: string) => Promise<StackOutputs>
  readonly overrides: (stateTableName: string) => SendingModeOverrides
  readonly now: () => number
}

const awsDeps: ModeDeps = {
  stackOutputs: (stackName) => readStackOutputs(stackName),
  overrides: (table) => new DynamoDbSendingModeOverrides(DynamoDBDocumentClient.from(new DynamoDBClient({})), table),
  now: () => Date.now(),
}

export function main(args: string[], io: CommandIo): Promise<number> {
  return runMode(args, io, awsDeps)
}

export async function runMode(args: string[], io: CommandIo, deps: ModeDeps): Promise<number> {
  const parsed = parseCommandArgs(
    'proactive mode',
    {
      args,
      options: {
        stack: { type: 'string', default: DEFAULT_STACK_NAME },
        json: { type: 'boolean', default: false },
        local: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    },
    HELP,
    io,
  )
  if (typeof parsed === 'number') return parsed
  const { values, positionals } = parsed
  if (values.local) {
    io.err('proactive mode: the local cloud lives for one run only; set the mode of a local run with npm start -- --set SENDING_MODE=paused (or dry-run, live)')
    return 2
  }
  if (positionals.length > 1) {
    io.err(`proactive mode: one mode at most, got ${positionals.length}: ${positionals.join(' ')}`)
    return 2
  }
  let mode: SendingMode | undefined
  if (positionals[0] !== undefined) {
    try {
      mode = parseSendingMode(positionals[0])
    } catch (error) {
      if (!(error instanceof UnknownSendingModeError)) throw error
      io.err(`proactive mode: ${error.message}`)
      return 2
    }
  }
  const stack = values.stack as string
  let overrides: SendingModeOverrides
  try {
    overrides = deps.overrides(requireOutput(await deps.stackOutputs(stack), 'StateTableName', stack))
  } catch (error) {
    if (!(error instanceof StackOutputError)) throw error
    io.err(`proactive mode: ${error.message}`)
    return 1
  }
  if (mode === undefined) {
    const current = await overrides.read()
    if (values.json) io.out(JSON.stringify({ stack, override: current ? { mode: current.mode, since: new Date(current.changedAt).toISOString() } : null }))
    else if (current) io.out(`${stack}: mode ${current.mode} (run-time override since ${new Date(current.changedAt).toISOString()})`)
    else io.out(`${stack}: no run-time override; the functions use their SENDING_MODE setting (dry-run unless sendingMode was set at deploy)`)
    return 0
  }
  const changedAt = deps.now()
  await overrides.write(mode, changedAt)
  if (values.json) io.out(JSON.stringify({ stack, override: { mode, since: new Date(changedAt).toISOString() } }))
  else io.out(`${stack}: mode ${mode} from ${new Date(changedAt).toISOString()}; in force everywhere within ${MODE_CACHE_MS / 1000} s`)
  return 0
}
