/**
 * `proactive run` (`npm start`): replays a scenario through the local cloud and shows what was sent.
 *   npm start                                   the bundled example (examples/)
 *   npm start -- --events PATH [--json]         a .jsonl / .json file or a folder of them
 */
import { fileURLToPath } from 'node:url'
import { parseChaosSpec } from '../chaos.ts'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { DynamoDbOptOutAdmin } from '#lib/adapters/dynamodb-opt-out-admin.ts'
import { ConfigError } from '#lib/config.ts'
import { LOCAL_NAMES, LocalCloud, type LocalCloudOptions } from '../cloud.ts'
import { checkFunctionSettings } from '../function-settings.ts'
import { readSuppressOption, type OptOutFile } from '../../cli/opt-out-file.ts'
import { runScenario, type EventReport, type RunSummary } from '../run-scenario.ts'
import { readScenario, ScenarioError } from '../scenario.ts'
import type { CommandIo } from '../../cli/command-io.ts'
import { parseSettingAssignments, parseCommandArgs } from '../../cli/args.ts'

const DEFAULT_EVENTS = fileURLToPath(new URL('../../examples/', import.meta.url))

export const HELP = `usage: npm start -- [--events PATH] [--json] [--scope agent|queue] [--set NAME=VALUE]... [--genesys simulator|real]
                    [--chaos SPEC] [--workers N] [--agent-capacity N] [--suppress FILE] [--hold] [--verbose]

Runs the pipeline locally (DynamoDB, SQS, EventBridge and a Genesys simulator, all in this process) on a
scenario of Genesys events and shows what was sent.

  --events PATH   a .jsonl file (one event a line), a .json array, or a folder of them read in name order
                  (default: examples/). Each event exactly as EventBridge delivers it from Genesys.
  --json          print progress to standard error and, as the last line of standard output, one JSON summary
  --scope S       who is messaged: agent (sessions the agent handled, default) or queue (sessions of the
                  agent's queues; memberships come from the simulator, see --set)
  --set N=V       a function setting by its environment name (README, Configuration), e.g. --set COOLDOWN_MINUTES=0
  --genesys real  send to a real Genesys org instead of the simulator: needs GENESYS_CLIENT_ID,
                  GENESYS_CLIENT_SECRET, GENESYS_REGION and the channel ids (WEBMESSAGING_DEPLOYMENT_ID, ...)
  --chaos SPEC    inject faults: a comma-separated list of http429=P, http5xx=P, timeout=P, token401=P,
                  redeliver=P (SQS delivers a message again), crashAfterSend=P (the send worker dies after
                  Genesys accepted), putEventsFail=P, ddbThrottle=P, and seed=N; P a probability
  --workers N     concurrent send workers (default 1)
  --agent-capacity N  the simulator's messaging capacity for every agent (default 4): the per-trigger limit
                  under MAX_MESSAGES_PER_TRIGGER=agent-capacity
  --suppress FILE preload the opt-out list from FILE: lines "channel address" (e.g.
                  sms +1 (555) 333-0001); blank lines and # comments skipped; a bad line stops the run, by number
  --hold          keep the local cloud up after the run, until Ctrl-C: the reply-routing look-up (URL and key
                  printed at the start) answers for the customers the run messaged
  --verbose       show the functions' structured logs (INFO)
`

export async function main(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(
    'proactive run',
    {
      args,
      options: {
        events: { type: 'string' },
        json: { type: 'boolean', default: false },
        scope: { type: 'string' },
        set: { type: 'string', multiple: true, default: [] },
        'agent-capacity': { type: 'string' },
        genesys: { type: 'string', default: 'simulator' },
        verbose: { type: 'boolean', default: false },
        chaos: { type: 'string' },
        workers: { type: 'string' },
        suppress: { type: 'string' },
        hold: { type: 'boolean', default: false },
      },
    },
    HELP,
    io,
  )
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  const settings = parseSettingAssignments(values.set ?? [])
  if ('error' in settings) {
    io.err(`proactive run: ${settings.error}`)
    return 2
  }
  const { config } = settings
  if (values.scope !== undefined) {
    if (values.scope !== 'agent' && values.scope !== 'queue') {
      io.err(`proactive run: --scope must be agent or queue, got "${values.scope}"`)
      return 2
    }
    config.TARGET_SCOPE = values.scope
  }
  const options: LocalCloudOptions = { config, logLevel: values.verbose ? 'INFO' : 'SILENT' }
  if (values.chaos !== undefined) {
    try {
      Object.assign(options, { chaos: parseChaosSpec(values.chaos) })
    } catch (error) {
      io.err(`proactive run: --chaos: ${(error as Error).message}`)
      return 2
    }
  }
  if (values.workers !== undefined) {
    const workers = Number(values.workers)
    if (!Number.isInteger(workers) || workers < 1 || workers > 16) {
      io.err(`proactive run: --workers must be a whole number from 1 to 16, got "${values.workers}"`)
      return 2
    }
    Object.assign(options, { sendWorkers: workers })
  }
  if (values['agent-capacity'] !== undefined) {
    const capacity = Number(values['agent-capacity'])
    if (!Number.isInteger(capacity) || capacity < 0 || values['agent-capacity'].trim() === '') {
      io.err(`proactive run: --agent-capacity must be a whole number, 0 or more, got "${values['agent-capacity']}"`)
      return 2
    }
    Object.assign(options, { simulator: { ...options.simulator, utilization: { messageCapacity: capacity } } })
  }
  if (values.genesys === 'real') {
    const { GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET, GENESYS_REGION } = io.env
    const missing = Object.entries({ GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET, GENESYS_REGION })
      .filter(([, v]) => !v)
      .map(([k]) => k)
    if (missing.length > 0) {
      io.err(`proactive run: --genesys real needs ${missing.join(', ')} in the environment`)
      return 2
    }
    for (const name of ['WEBMESSAGING_DEPLOYMENT_ID', 'SMS_FROM_NUMBER', 'WHATSAPP_INTEGRATION_ID', 'WHATSAPP_TEMPLATE_ID', 'OPEN_INTEGRATION_ID', 'MESSAGE_TEXT', 'BRAND_NAME']) {
      const value = io.env[name]
      if (value && config[name] === undefined) config[name] = value
    }
    Object.assign(options, { genesys: 'real', realGenesys: { clientId: GENESYS_CLIENT_ID, clientSecret: GENESYS_CLIENT_SECRET, region: GENESYS_REGION } })
  } else if (values.genesys !== 'simulator') {
    io.err(`proactive run: --genesys must be simulator or real, got "${values.genesys}"`)
    return 2
  }

  try {
    checkFunctionSettings(config)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    io.err(`proactive run: ${error.message}`)
    return 1
  }

  const path = values.events ?? DEFAULT_EVENTS
  let entries
  try {
    entries = await readScenario(path)
  } catch (error) {
    if (error instanceof ScenarioError) {
      io.err(`proactive run: ${error.message}`)
      return 2
    }
    throw error
  }

  let optOuts: OptOutFile['entries'] | undefined
  if (values.suppress !== undefined) {
    const read = await readSuppressOption(values.suppress, 'proactive run')
    if ('errors' in read) {
      for (const line of read.errors) io.err(line)
      return 2
    }
    optOuts = read.entries
  }

  const progress = values.json ? io.err : io.out
  progress(`Replaying ${entries.length} event(s) from ${path} through the local pipeline (${values.genesys === 'real' ? 'real Genesys org' : 'Genesys simulator'})`)
  let cloud: LocalCloud
  try {
    cloud = await LocalCloud.start(options)
  } catch (error) {
    io.err(`proactive run: the local cloud could not start: ${(error as Error).message}`)
    return 1
  }
  let summary: RunSummary
  try {
    if (optOuts) {
      await new DynamoDbOptOutAdmin(DynamoDBDocumentClient.from(cloud.dynamo), LOCAL_NAMES.stateTable).addMany(optOuts, Date.now())
      progress(`Opt-out list: ${optOuts.length} customer(s) from ${values.suppress}`)
    }
    progress(`Reply routing: curl -u genesys:${cloud.replyRouting.key} -H 'content-type: application/json' -d '{"conversationId":"…"}' ${cloud.replyRouting.url}`)
    summary = await runScenario(cloud, entries, (report) => progress(formatReport(report)))
    if (values.json) io.out(JSON.stringify(summary))
    else io.out(formatSummary(summary))
    if (values.hold) {
      progress(`Holding the local cloud (reply routing at ${cloud.replyRouting.url}); Ctrl-C to stop`)
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()))
    }
  } finally {
    await cloud.close()
  }
  return 0
}

const VERDICT_MARK = { accepted: 'ok ', rejected: 'BAD', ignored: ' - ' } as const

function formatReport(report: EventReport): string {
  const width = String(report.total).length
  return `[${String(report.index).padStart(width)}/${report.total}] ${VERDICT_MARK[report.verdict]} ${report.label}  ${report.note}`
}

export function formatSummary(summary: RunSummary): string {
  const { events, messages } = summary
  const lines = [
    '',
    `Events    ${events.received} received: ${events.accepted} accepted, ${events.rejected} rejected, ${events.ignored} ignored`,
    `Sessions  ${summary.sessions.recorded} messaging conversation(s) recorded`,
    `Triggers  ${summary.triggers} agent availability transition(s)`,
    `Messages  ${messages.requested} requested, ${messages.sent} sent, ${messages.failed} failed, ${messages.deadLettered} dead-lettered, ${messages.capped} capped (already messaged), ${messages.expired} expired`,
    `Capacity  ${messages.deferred} deferred to a later trigger (per-trigger limit)${messages.capacityFallbacks > 0 ? `, ${messages.capacityFallbacks} capacity lookup(s) failed: fallback limit used` : ''}`,
    `Eligible  ${messages.ineligible} not eligible (ELIGIBLE_SESSIONS, EXCLUDE_WRAPUP_CODES)`,
    `Replies   ${messages.answered} answered: ${messages.answeredByTriggeringAgent} served by the triggering agent, ${messages.answeredByOtherAgent} by another agent`,
    `Controls  ${summary.pausedTriggers} trigger(s) paused, ${messages.paused} paused, ${messages.dryRun} dry run, ${messages.optedOut} opted out, ${messages.quietHours} in quiet hours, ${messages.customerBusy} customer busy (not sent on purpose)`,
    `Checks    ${summary.genesys.duplicateRecipients} recipient(s) messaged twice; every request settled once: ${summary.reconciliation.balanced ? 'yes' : `NO (${summary.reconciliation.unsettled} unsettled, ${summary.reconciliation.settledTwice} settled twice, ${summary.reconciliation.pendingInOutbox} pending in an agent's outbox)`}`,
  ]
  if (summary.genesys.requests.length > 0) {
    lines.push('', 'Sent to Genesys (POST /api/v2/conversations/messages/agentless):')
    for (const request of summary.genesys.requests) lines.push(`  ${request.status ?? '…'}  ${describeBody(request.body)}`)
  }
  if (summary.dryRuns.length > 0) {
    lines.push('', 'Dry run: would have sent (not posted):')
    for (const run of summary.dryRuns) lines.push(`  ${run.conversationId}  ${describeBody(run.body)}`)
  }
  if (summary.deadLetters.length > 0) {
    lines.push('', 'Dead letters:')
    for (const letter of summary.deadLetters) lines.push(`  ${letter.queue}  ${letter.conversationId?.slice(0, 8) ?? '(unknown)'}…  ${letter.reason}`)
  }
  return lines.join('\n')
}

/** A sent body, with the recipient masked: the summary is for people and may be pasted into tickets. */
function describeBody(body: unknown): string {
  if (typeof body !== 'object' || body === null) return String(body)
  const b = body as Record<string, unknown>
  const recipient = typeof b.externalContactId === 'string' ? `externalContactId ${mask(b.externalContactId)}` : typeof b.toAddress === 'string' ? `toAddress ${mask(b.toAddress)}` : '(no recipient)'
  const content = typeof b.textBody === 'string' ? `"${b.textBody}"` : b.messagingTemplate ? 'template' : ''
  return `${String(b.toAddressMessengerType).padEnd(12)} ${recipient}  ${content}`
}

export function mask(value: string): string {
  return value.length <= 4 ? '****' : `${'*'.repeat(Math.min(8, value.length - 4))}${value.slice(-4)}`
}
