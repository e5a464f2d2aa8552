/**
 * `proactive dlq inspect|redrive`: what is in a dead-letter queue and why, and moving it back for another try.
 *   Deployed stack:  proactive dlq inspect --queue DLQ_URL [--max N] [--json]
 *                    proactive dlq redrive --queue DLQ_URL [--to DESTINATION_ARN]
 *   Local cloud:     proactive dlq inspect --local --events PATH [--chaos SPEC] [--json]
 *                    proactive dlq redrive --local --events PATH [--chaos SPEC]
 * AWS credentials and region come from the usual AWS environment (AWS_PROFILE, AWS_REGION, …).
 */
import { parseCommandArgs, unknownAction } from '../args.ts'
import { SQSClient } from '@aws-sdk/client-sqs'
import { peekDeadLetters, redriveDeadLetters, type DeadLetterView, type RedriveResult } from '../dlq-admin.ts'
import { CLONE_COMMAND, type Command, type CommandIo } from '../command-io.ts'

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
  --json             machine-readable output: the letters (inspect), the move task's result (redrive)

Reasons: genesys-rejected (400/403/404/409/413, with genesysCode, genesysMessage, contextId), outcome-unknown
(Genesys may have accepted it; a redrive sends it once more: check first that the customer did not get it),
invalid-payload / invalid-request (fix the configuration or the message first), max-receives-exceeded (failed
on every try). See docs/operations.md.
`

/** `dlq --local`: runs a scenario through the local cloud first; only a clone of the repository has it. */
export type LocalDlq = (action: 'inspect' | 'redrive', values: { events?: string; chaos?: string; json?: boolean }, io: CommandIo) => Promise<number>

/** The command; `runLocally` is what the clone's entry (local/proactive.ts) adds for `--local`. */
export function dlqCommand(runLocally?: LocalDlq): Command {
  return (args, io) => dlq(args, io, runLocally)
}

export const main: Command = dlqCommand()

async function dlq(args: string[], io: CommandIo, runLocally: LocalDlq | undefined): Promise<number> {
  const [action, ...rest] = args
  if (action === undefined) {
    io.err(HELP)
    return 2
  }
  if (action === '--help' || action === '-h') {
    io.out(HELP)
    return 0
  }
  if (action !== 'inspect' && action !== 'redrive') {
    io.err(`proactive dlq: ${unknownAction(action, ['inspect', 'redrive'])}\n\n${HELP}`)
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
  if (values.local) {
    if (runLocally) return runLocally(action, values, io)
    io.err(`proactive dlq: --local runs a scenario through the local cloud, which runs from a clone of the repository (${CLONE_COMMAND} dlq ${action} --local …)`)
    return 2
  }
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
    io.out(values.json ? JSON.stringify(result) : formatProgress(result))
    return result.status === 'COMPLETED' ? 0 : 1
  } catch (error) {
    io.err(`proactive dlq: ${(error as Error).name}: ${(error as Error).message}`)
    return 1
  } finally {
    sqs.destroy()
  }
}

export const withoutBody = ({ body: _body, ...rest }: DeadLetterView): Omit<DeadLetterView, 'body'> => rest

export function formatLetters(letters: readonly DeadLetterView[]): string {
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

export function formatProgress(result: RedriveResult): string {
  return `redrive ${result.status}: ${result.moved} of ${result.toMove} moved${result.failureReason ? ` (${result.failureReason})` : ''}`
}
