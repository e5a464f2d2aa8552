/**
 * `proactive suppress add|remove|list|import`: the opt-out list of the deployed
 * stack, in its state table (found by the stack output StateTableName). Only the SHA-256 of the normalised
 * customer key is stored, never the address, so `list` shows hashes and dates.
 */
import { parseCommandArgs, unknownAction } from '../args.ts'
import { readFile } from 'node:fs/promises'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { DynamoDbOptOutAdmin } from '#lib/adapters/dynamodb-opt-out-admin.ts'
import { optOutKeyOf } from '#lib/domain/opt-outs.ts'
import type { CommandIo } from '../command-io.ts'
import { DEFAULT_STACK_NAME, readStackOutputs, requireOutput, StackOutputError, type StackOutputs } from '../stack-outputs.ts'
import { type OptOutFile, parseOptOutFile } from '../opt-out-file.ts'

export const HELP = `usage: proactive suppress add|remove --channel C ADDRESS [--stack NAME] [--json]
       proactive suppress list [--stack NAME] [--json]
       proactive suppress import FILE [--stack NAME] [--json]

The opt-out list: a customer on it is never requested by presence nor sent by send (outcome
opted-out). The address is normalised as send builds it (E.164 for sms, the digits for whatsapp, the contact id
for webmessaging), so "+1 (555) 333-0001" and "+15553330001" are one customer. Only the SHA-256 of the
normalised key is stored, never the address: list shows hashes, channels and when each was added.

  add       adds the customer (one already on the list keeps its date)
  remove    takes the customer off the list
  list      every entry, oldest first (a scan of the state table)
  import    adds every line of a CSV file: channel,address (a header line "channel,address" is optional;
            quote an address that holds a comma). Every line is checked first: if any is bad, each bad line is
            reported by number and nothing is imported. Progress is printed as it writes.

The channel, the address and the file are checked before any AWS call.

  --channel C    webmessaging, sms, whatsapp or open
  --stack NAME   the deployed stack (default ${DEFAULT_STACK_NAME}); its state table is found by the stack output
                 StateTableName. AWS credentials and region come from the usual AWS environment.
  --json         the result as one JSON object (list: an array of {hash, channel, addedAt})
  --local        the local cloud lives for one run only: preload a local run with npm start -- --suppress FILE
`

export interface SuppressDeps {
  readonly stackOutputs: (stackName: string) => Promise<StackOutputs>
  readonly admin: (stateTableName: string) => DynamoDbOptOutAdmin
  readonly now: () => number
}

const awsDeps: SuppressDeps = {
  stackOutputs: (stackName) => readStackOutputs(stackName),
  admin: (table) => new DynamoDbOptOutAdmin(DynamoDBDocumentClient.from(new DynamoDBClient({})), table),
  now: () => Date.now(),
}

export function main(args: string[], io: CommandIo): Promise<number> {
  return runSuppress(args, io, awsDeps)
}

const ACTIONS = ['add', 'remove', 'list', 'import'] as const
type Action = (typeof ACTIONS)[number]

export async function runSuppress(args: string[], io: CommandIo, deps: SuppressDeps): Promise<number> {
  const [action, ...rest] = args
  if (action === undefined) {
    io.err(HELP)
    return 2
  }
  if (action === '--help' || action === '-h') {
    io.out(HELP)
    return 0
  }
  if (!(ACTIONS as readonly string[]).includes(action)) {
    io.err(`proactive suppress: ${unknownAction(action, ACTIONS)}\n\n${HELP}`)
    return 2
  }
  const parsed = parseCommandArgs(
    'proactive suppress',
    {
      args: rest,
      options: {
        channel: { type: 'string' },
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
    io.err('proactive suppress: the local cloud lives for one run only; preload a local run with npm start -- --suppress FILE (lines "channel address")')
    return 2
  }
  const usage = checkUsage(action as Action, values.channel, positionals)
  if (usage) {
    io.err(`proactive suppress ${action}: ${usage}`)
    return 2
  }
  // Everything the arguments can get wrong is checked before the first AWS call.
  const json = values.json === true
  const operation = await prepare(action as Action, values.channel, positionals, json, io, deps.now())
  if (typeof operation === 'number') return operation
  const stack = values.stack as string
  let admin: DynamoDbOptOutAdmin
  try {
    admin = deps.admin(requireOutput(await deps.stackOutputs(stack), 'StateTableName', stack))
  } catch (error) {
    if (!(error instanceof StackOutputError)) throw error
    io.err(`proactive suppress: ${error.message}`)
    return 1
  }
  return operation(admin)
}

type Operation = (admin: DynamoDbOptOutAdmin) => Promise<number>

/** The action with its arguments checked (an opt-out key, a parsed file), or the exit code of a usage error. */
async function prepare(action: Action, channel: string | undefined, positionals: readonly string[], json: boolean, io: CommandIo, now: number): Promise<Operation | number> {
  if (action === 'list') return (admin) => list(admin, io, json)
  if (action === 'import') {
    const entries = await readImportFile(positionals[0] as string, io)
    return typeof entries === 'number' ? entries : (admin) => importEntries(admin, positionals[0] as string, entries, io, json, now)
  }
  const key = optOutKeyOf(channel as string, positionals[0] as string)
  if (!key.ok) {
    io.err(`proactive suppress ${action}: ${key.problem}`)
    return 2
  }
  return (admin) => (action === 'add' ? add(admin, key, io, json, now) : remove(admin, key, io, json))
}

function checkUsage(action: Action, channel: string | undefined, positionals: readonly string[]): string | undefined {
  if (action === 'list') return positionals.length > 0 ? `takes no arguments, got ${positionals.length}` : undefined
  if (action === 'import') return positionals.length === 1 ? undefined : 'one FILE is required (CSV lines channel,address)'
  if (channel === undefined) return '--channel C is required (webmessaging, sms, whatsapp or open)'
  return positionals.length === 1 ? undefined : 'one ADDRESS is required (quote it if it holds spaces)'
}

type OptOutKey = Extract<ReturnType<typeof optOutKeyOf>, { ok: true }>

async function add(admin: DynamoDbOptOutAdmin, key: OptOutKey, io: CommandIo, json: boolean, now: number): Promise<number> {
  const result = await admin.add(key.channel, key.key, now)
  const since = result.added ? now : result.since
  if (json) io.out(JSON.stringify({ action: 'add', channel: key.channel, added: result.added, since: iso(since) }))
  else io.out(result.added ? `added: ${key.channel} customer suppressed from ${iso(now)}` : `already on the list since ${iso(since)}: unchanged`)
  return 0
}

async function remove(admin: DynamoDbOptOutAdmin, key: OptOutKey, io: CommandIo, json: boolean): Promise<number> {
  const removed = await admin.remove(key.key)
  if (json) io.out(JSON.stringify({ action: 'remove', channel: key.channel, removed: removed !== undefined, ...(removed ? { since: iso(removed.since) } : {}) }))
  else io.out(removed ? `removed: the ${key.channel} customer (on the list since ${iso(removed.since)}) may be messaged again` : 'not on the list: nothing removed')
  return 0
}

async function list(admin: DynamoDbOptOutAdmin, io: CommandIo, json: boolean): Promise<number> {
  const entries = await admin.list()
  if (json) {
    io.out(JSON.stringify(entries.map((entry) => ({ hash: entry.hash, channel: entry.channel, addedAt: iso(entry.addedAt) }))))
    return 0
  }
  io.out(`${entries.length} customer(s) on the opt-out list (only the SHA-256 of each normalised address is stored, never the address):`)
  for (const entry of entries) io.out(`  ${iso(entry.addedAt)}  ${entry.channel.padEnd(12)}  ${entry.hash}`)
  return 0
}

/** The file's entries, or the exit code when it cannot be read or has a bad line (nothing is imported then). */
async function readImportFile(file: string, io: CommandIo): Promise<OptOutFile['entries'] | number> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    io.err(`proactive suppress import: cannot read ${file}: ${(error as Error).message}`)
    return 2
  }
  const parsed = parseOptOutFile(text, 'csv')
  if (parsed.bad.length > 0) {
    for (const bad of parsed.bad) io.err(`${file}:${bad.line}: ${bad.problem}`)
    io.err(`proactive suppress import: ${parsed.bad.length} bad line(s) of ${parsed.bad.length + parsed.entries.length}: nothing imported. Fix them and run the import again.`)
    return 1
  }
  return parsed.entries
}

async function importEntries(admin: DynamoDbOptOutAdmin, file: string, entries: OptOutFile['entries'], io: CommandIo, json: boolean, now: number): Promise<number> {
  io.err(`importing ${entries.length} line(s) from ${file}…`)
  let lastReported = 0
  const result = await admin.addMany(entries, now, (written, total) => {
    if (written === total || written - lastReported >= 500) {
      lastReported = written
      io.err(`  ${written} of ${total} new entries written`)
    }
  })
  if (json) io.out(JSON.stringify({ action: 'import', lines: entries.length, added: result.added, alreadyListed: result.alreadyListed }))
  else io.out(`imported: ${result.added} added, ${result.alreadyListed} already on the list (kept their dates), from ${entries.length} line(s)`)
  return 0
}

const iso = (at: number): string => new Date(at).toISOString()
