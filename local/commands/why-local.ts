/**
 * `proactive why --local`, as a clone of the repository runs it (local/proactive.ts): replays --events through the
 * local cloud (with --set settings and --suppress opt-outs), then answers as `proactive why` does on a stack.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { DynamoDbOptOutAdmin } from '#lib/adapters/dynamodb-opt-out-admin.ts'
import type { OutcomeDetail } from '#lib/domain/requests.ts'
import { parseSettingAssignments } from '../../cli/args.ts'
import { answer, type LocalWhy, whyCommand } from '../../cli/commands/why.ts'
import { readSuppressOption, type OptOutFile } from '../../cli/opt-out-file.ts'
import { readWhyRecords } from '../../cli/why/read-records.ts'
import { LOCAL_NAMES, LocalCloud } from '../cloud.ts'
import { runScenario } from '../run-scenario.ts'
import { readScenario, ScenarioError } from '../scenario.ts'

const replayWhy: LocalWhy = async (query, { events, set: sets = [], suppress }, format, io) => {
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
    return answer({ ...records, mode, ...(last ? { outcome: { outcome: last.outcome, ...(last.reason ? { reason: last.reason } : {}) } } : {}) }, format, io)
  } finally {
    await cloud.close()
  }
}

export const main = whyCommand(replayWhy)
