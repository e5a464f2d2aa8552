/**
 * `proactive dlq inspect|redrive`: what is in a dead-letter queue and why, and moving it back for another try.
 *   Deployed stack:  proactive dlq inspect --queue DLQ_URL [--max N] [--json]
 *                    proactive dlq redrive --queue DLQ_URL [--to DESTINATION_ARN]
 *   Local cloud:     proactive dlq inspect --local --events PATH [--chaos SPEC] [--json]
 *                    proactive dlq redrive --local --events PATH [--chaos SPEC]
 * AWS credentials and region come from the usual AWS environment (AWS_PROFILE, AWS_REGION, …).
 */
import { parseCommandArgs } from '../args.ts'
import { SQSClient } from '@aws-sdk/client-sqs'
import { parseChaosSpec } from '../chaos.ts'
import { LocalCloud } from '../cloud.ts'
import { peekDeadLetters, redriveDeadLetters, type DeadLetterView, type RedriveResult } from '../dlq-admin.ts'
import { runScenario } from '../run-scenario.ts'
import { readScenario, ScenarioError } from '../scenario.ts'
import type { CommandIo } from '../command-io.ts'
import { formatSummary } from './run.ts'

export const HELP = `usage: proactive dlq inspect|redrive (--queue DLQ_URL | --local --events PATH) [options]

inspect   lists the messages in a dead-letter queue with the reason each is there (a look: nothing is removed)
redrive   moves every message back to the queue it came from (SQS StartMessageMoveTask) and waits until done

  --queue URL        a dead-letter queue of the deployed stack, by its stack output: SendDlqUrl (send failures),
                     PresenceDlqUrl, SessionRecorderDlqUrl, TrackDlqUrl (function failures), ConversationEventsRuleDlqUrl,
                     AgentEventsRuleDlqUrl, MessageRequestedRuleDlqUrl (events a rule could not deliver)
  --to ARN           redrive to this queue instead of the source queue
  --max N            inspect at most N messages (default 100)
  --local            use the local cloud: run --events PATH first (with --chaos SPEC to cause failures), then
                     inspect the send DLQ, or redrive it with the faults off and show what happened
  --json             machine-readable output (inspect)

Reasons: genesys-rejected (400/403/404/409/413, with genesysCode, genesysMessage, contextId), outcome-unknown
(Genesys may have accepted it; a redrive sends it once more: check first that the customer did not get it),
invalid-payload / invalid-request (fix the configuration or the message first), max-receives-exceeded (failed
on every try). See docs/operations.md.
`

export async function main(args: string[], io: CommandIo): Promise<number> {
  const [action, ...rest] = args
  if (action === '--help' || action === '-h' || action === undefined) {
    io.out(HELP)
    return action === undefined ? 2 : 0
  }
  if (action !== 'inspect' && action !== 'redrive') {
    io.err(`proactive dlq: unknown action "${action}": inspect or redrive\n\n${HELP}`)
    return 2
  }
  const parsed = parseCommandArgs(
    'proactive dlq',
    {
      args: rest,
      options: {
        queue: { type: 'string' },
        to: { type: 'string' },
        max: { type: 'string', default: '100' },
        local: { type: 'boolean', default: false },
        events: { type: 'string' },
        chaos: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    },
    HELP,
    io,
  )
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  const max = Number(values.max)
  if (!Number.isInteger(max) || max < 1) {
    io.err(`proactive dlq: --max must be a positive whole number, got "${values.max}"`)
    return 2
  }
  if (values.local) return local(action, values, io)
  if (!values.queue) {
    io.err('proactive dlq: --queue DLQ_URL is required (or --local --events PATH)')
    return 2
  }
  const sqs = new SQSClient({})
  try {
    if (action === 'inspect') {
      const letters = await peekDeadLetters(sqs, values.queue, { max })
      io.out(values.json ? JSON.stringify(letters.map(withoutBody)) : formatLetters(letters))
      return 0
    }
    const result = await redriveDeadLetters(sqs, values.queue, { destinationArn: values.to, onProgress: (p) => io.err(formatProgress(p)) })
    io.out(formatProgress(result))
    return result.status === 'COMPLETED' ? 0 : 1
  } catch (error) {
    io.err(`proactive dlq: ${(error as Error).name}: ${(error as Error).message}`)
    return 1
  } finally {
    sqs.destroy()
  }
}

async function local(action: 'inspect' | 'redrive', values: { events?: string; chaos?: string; json?: boolean }, io: CommandIo): Promise<number> {
  if (!values.events) {
    io.err('proactive dlq: --local needs --events PATH (the scenario to run first)')
    return 2
  }
  let entries
  let chaos
  try {
    entries = await readScenario(values.events)
    chaos = values.chaos ? parseChaosSpec(values.chaos) : undefined
  } catch (error) {
    if (error instanceof ScenarioError || (error as Error).name === 'ChaosSpecError') {
      io.err(`proactive dlq: ${(error as Error).message}`)
      return 2
    }
    throw error
  }
  const cloud = await LocalCloud.start({ chaos })
  try {
    io.err(`Running ${entries.length} event(s) from ${values.events}${values.chaos ? ` with --chaos ${values.chaos}` : ''}…`)
    const before = await runScenario(cloud, entries)
    const letters = (await cloud.deadLetters()).filter((letter) => letter.queue === 'send-dlq')
    if (action === 'inspect') {
      io.out(values.json ? JSON.stringify(letters.map(withoutBody)) : formatLetters(letters))
      return 0
    }
    io.out(formatLetters(letters))
    io.out(`\nThe faults are fixed; redriving ${letters.length} message(s) to the send queue…`)
    cloud.simulator?.setFaults(undefined)
    const result = await cloud.redrive('send')
    io.out(formatProgress(result))
    await cloud.drain()
    const after = await runScenario(cloud, [])
    io.out(`\nBefore the redrive: ${before.messages.sent} sent, ${before.messages.deadLettered} dead-lettered.`)
    io.out(formatSummary(after))
    return result.status === 'COMPLETED' ? 0 : 1
  } finally {
    await cloud.close()
  }
}

const withoutBody = ({ body: _body, ...rest }: DeadLetterView): Omit<DeadLetterView, 'body'> => rest

function formatLetters(letters: readonly DeadLetterView[]): string {
  if (letters.length === 0) return 'The dead-letter queue is empty.'
  const lines = [`${letters.length} message(s):`]
  for (const letter of letters) {
    const details = ['genesysStatus', 'genesysCode', 'contextId', 'detail']
      .map((key) => (letter.attributes[key] ? `${key}=${letter.attributes[key]}` : ''))
      .filter(Boolean)
      .join(' ')
    const when = letter.sentAt ? new Date(letter.sentAt).toISOString() : ''
    lines.push(`  ${letter.reason.padEnd(22)} ${letter.conversationId?.slice(0, 8) ?? '(no conversation)'}…  ${letter.detailType ?? ''}  ${when}  ${details}`.trimEnd())
  }
  return lines.join('\n')
}

function formatProgress(result: RedriveResult): string {
  return `redrive ${result.status}: ${result.moved} of ${result.toMove} moved${result.failureReason ? ` (${result.failureReason})` : ''}`
}
