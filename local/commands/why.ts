/**
 * `proactive why`: why a customer (or a conversation) did or did not get a message (issue 14 item 5).
 *   Deployed stack:  proactive why (--conversation ID | --channel C --address A) [--stack NAME]
 *   Local cloud:     proactive why --local --events PATH [--set NAME=VALUE]... (--conversation ID | --channel C --address A)
 * Reading is in local/why/read-records.ts, the wording in local/why/explain-why.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { DynamoDbSendingModeOverrides } from '#lib/adapters/dynamodb-sending-mode.ts'
import { DynamoDbOptOutAdmin } from '#lib/adapters/dynamodb-opt-out-admin.ts'
import { CHANNELS, type Channel } from '#lib/domain/model.ts'
import type { OutcomeDetail } from '#lib/domain/requests.ts'
import { LOCAL_NAMES, LocalCloud } from '../cloud.ts'
import type { CommandIo } from '../command-io.ts'
import { parseSettingAssignments, parseCommandArgs } from '../args.ts'
import { readSuppressOption, type OptOutFile } from '../opt-out-file.ts'
import { runScenario } from '../run-scenario.ts'
import { readScenario, ScenarioError } from '../scenario.ts'
import { DEFAULT_STACK_NAME, readStackOutputs, requireOutput, StackOutputError } from '../stack-outputs.ts'
import { formatWhy, isEmpty, type WhyView } from '../why/explain-why.ts'
import { readWhyRecords, type WhyQuery, type WhyTables } from '../why/read-records.ts'

export const HELP = `usage: proactive why (--conversation ID | --channel C --address A) [--stack NAME] [--show-personal-data]
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
`

export async function main(args: string[], io: CommandIo): Promise<number> {
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
  if (values.suppress !== undefined && !values.local) {
    io.err('proactive why: --suppress is for --local runs; on the stack the list is kept with proactive suppress')
    return 2
  }
  if (values.local) return local(query, values, show, io)
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
  return answer({ ...(await readWhyRecords(tables, query)), ...(override ? { mode: override.mode } : {}) }, show, io)
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

interface LocalOptions {
  readonly events?: string
  readonly set?: string[]
  readonly suppress?: string
}

async function local(query: WhyQuery, { events, set: sets = [], suppress }: LocalOptions, show: boolean, io: CommandIo): Promise<number> {
  if (!events) {
    io.err('proactive why: --local needs --events PATH (the events to replay before asking)')
    return 2
  }
  const settings = parseSettingAssignments(sets)
  if ('error' in settings) {
    io.err(`proactive why: ${settings.error}`)
    return 2
  }
  const { config } = settings
  let entries
  try {
    entries = await readScenario(events)
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error
    io.err(`proactive why: ${error.message}`)
    return 2
  }
  let optOuts: OptOutFile['entries'] = []
  if (suppress !== undefined) {
    const read = await readSuppressOption(suppress, 'proactive why')
    if ('errors' in read) {
      for (const line of read.errors) io.err(line)
      return 2
    }
    optOuts = read.entries
  }
  const cloud = await LocalCloud.start({ config })
  try {
    if (optOuts.length > 0) await new DynamoDbOptOutAdmin(DynamoDBDocumentClient.from(cloud.dynamo), LOCAL_NAMES.stateTable).addMany(optOuts, Date.now())
    await runScenario(cloud, entries)
    const tables = { client: DynamoDBDocumentClient.from(cloud.dynamo), sessionsTable: LOCAL_NAMES.sessionsTable, stateTable: LOCAL_NAMES.stateTable }
    const records = await readWhyRecords(tables, query)
    const conversations = new Set(records.sessions.map((session) => session.conversationId))
    const reported = cloud.outcomes.map((event) => event.detail as unknown as OutcomeDetail).filter((detail) => conversations.has(detail.conversationId))
    const last = reported.at(-1)
    const mode = config.SENDING_MODE?.trim().toLowerCase() ?? 'live'
    return answer({ ...records, mode, ...(last ? { outcome: { outcome: last.outcome, ...(last.reason ? { reason: last.reason } : {}) } } : {}) }, show, io)
  } finally {
    await cloud.close()
  }
}

function answer(view: WhyView, show: boolean, io: CommandIo): number {
  if (isEmpty(view)) {
    io.out('Nothing is recorded about this customer or conversation (sessions expire with their TTL).')
    return 1
  }
  for (const line of formatWhy(view, show)) io.out(line)
  return 0
}
