/**
 * `proactive why`: why a customer (or a conversation) did or did not get a message.
 *   Deployed stack:  proactive why (--conversation ID | --channel C --address A) [--stack NAME]
 *   Local cloud:     proactive why --local --events PATH [--set NAME=VALUE]... (--conversation ID | --channel C --address A)
 * Reading is in cli/why/read-records.ts, the wording in cli/why/explain-why.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { DynamoDbSendingModeOverrides } from '#lib/adapters/dynamodb-sending-mode.ts'
import { CHANNELS, type Channel } from '#lib/domain/model.ts'
import { CLONE_COMMAND, type Command, type CommandIo } from '../command-io.ts'
import { parseCommandArgs } from '../args.ts'
import { DEFAULT_STACK_NAME, readStackOutputs, requireOutput, StackOutputError } from '../stack-outputs.ts'
import { formatWhy, isEmpty, type WhyView } from '../why/explain-why.ts'
import { readWhyRecords, type WhyQuery, type WhyTables } from '../why/read-records.ts'
import { whyJson } from '../why/why-json.ts'

export const HELP = `usage: proactive why (--conversation ID | --channel C --address A) [--stack NAME] [--show-personal-data] [--json]
       proactive why --local --events PATH [--set NAME=VALUE]... [--suppress FILE] (--conversation ID | --channel C --address A)

Shows what is recorded about a customer or a conversation (sessions, the 24 h cap reservation, suppression,
the delivery ledger, the outcome) and one sentence saying why a message was or was not sent. Exit 1 when
nothing is found, 2 on a usage error.

  --conversation ID      a Genesys conversation id
  --channel C            webmessaging, sms, whatsapp or open, with --address A (the phone number, WhatsApp id,
                         Open address, or the Web Messaging external contact id)
  --stack NAME           the deployed stack (default ${DEFAULT_STACK_NAME}); tables found by its outputs. The stack
                         keeps no outcome events (they go to the app bus): the ledger state stands in for them
  --local                replay --events PATH through the local cloud (with --set settings), then ask
  --suppress FILE        with --local: preload the opt-out list from FILE, lines "channel address"
                         (as npm start -- --suppress FILE)
  --show-personal-data   show addresses and full ids (masked by default)
  --json                 the records and the sentence as one JSON object ({found, why, sessions, cap, optedOut,
                         ledger, outcome, mode}); never an address, ids shortened unless --show-personal-data
`

/** `why --local`: replays the events through the local cloud, then answers; only a clone of the repository has it. */
export type LocalWhy = (query: WhyQuery, options: LocalWhyOptions, format: WhyFormat, io: CommandIo) => Promise<number>

/** Personal data shown or masked; text or one JSON object. */
export interface WhyFormat {
  readonly show: boolean
  readonly json: boolean
}

export interface LocalWhyOptions {
  readonly events?: string
  readonly set?: string[]
  readonly suppress?: string
}

/** The command; `replayLocally` is what the clone's entry (local/proactive.ts) adds for `--local`. */
export function whyCommand(replayLocally?: LocalWhy): Command {
  return (args, io) => why(args, io, replayLocally)
}

export const main: Command = whyCommand()

async function why(args: string[], io: CommandIo, replayLocally: LocalWhy | undefined): Promise<number> {
  const parsed = parseCommandArgs(
    'proactive why',
    {
      args,
      options: {
        conversation: { type: 'string' },
        channel: { type: 'string' },
        address: { type: 'string' },
        stack: { type: 'string', default: DEFAULT_STACK_NAME },
        local: { type: 'boolean', default: false },
        events: { type: 'string' },
        set: { type: 'string', multiple: true, default: [] },
        suppress: { type: 'string' },
        'show-personal-data': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    },
    HELP,
    io,
  )
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  const query = parseQuery(values)
  if (typeof query === 'string') {
    io.err(`proactive why: ${query}`)
    return 2
  }
  const show = values['show-personal-data'] === true
  const format = { show, json: values.json === true }
  if (values.suppress !== undefined && !values.local) {
    io.err('proactive why: --suppress is for --local runs; on the stack the list is kept with proactive suppress')
    return 2
  }
  if (values.local) {
    if (replayLocally) return replayLocally(query, values, format, io)
    io.err(`proactive why: --local replays events through the local cloud, which runs from a clone of the repository (${CLONE_COMMAND} why --local …)`)
    return 2
  }
  let tables: WhyTables
  try {
    const outputs = await readStackOutputs(values.stack as string)
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({}))
    tables = { client, sessionsTable: requireOutput(outputs, 'SessionsTableName', values.stack as string), stateTable: requireOutput(outputs, 'StateTableName', values.stack as string) }
  } catch (error) {
    if (!(error instanceof StackOutputError)) throw error
    io.err(`proactive why: ${error.message}`)
    return 1
  }
  const override = await new DynamoDbSendingModeOverrides(tables.client, tables.stateTable).read()
  return answer({ ...(await readWhyRecords(tables, query)), ...(override ? { mode: override.mode } : {}) }, format, io)
}

function parseQuery(values: { conversation?: string; channel?: string; address?: string }): WhyQuery | string {
  if (values.conversation !== undefined) {
    if (values.channel !== undefined || values.address !== undefined) return 'give --conversation or --channel with --address, not both'
    return { conversationId: values.conversation }
  }
  if (values.channel === undefined || values.address === undefined) return 'say who: --conversation ID, or --channel C --address A'
  const channel = values.channel.toLowerCase()
  if (!(CHANNELS as readonly string[]).includes(channel)) return `--channel: unknown channel "${values.channel}": expected one of ${CHANNELS.join(', ')}`
  return { channel: channel as Channel, address: values.address }
}

/** Prints the records and the one-sentence answer; exit 1 when nothing is recorded. */
export function answer(view: WhyView, { show, json }: WhyFormat, io: CommandIo): number {
  if (isEmpty(view)) {
    if (json) io.out(JSON.stringify({ found: false }))
    else io.out('Nothing is recorded about this customer or conversation (sessions expire with their TTL).')
    return 1
  }
  if (json) io.out(JSON.stringify({ found: true, ...whyJson(view, show) }))
  else for (const line of formatWhy(view, show)) io.out(line)
  return 0
}
