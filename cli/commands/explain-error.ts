/**
 * `proactive explain-error FILE|-` — what a Genesys error response means and what to check.
 * Exit 0 when the input is a recognised error shape, 1 when it is not, 2 on a usage or input error.
 */
import { explainError, type ErrorExplanation } from './explain/error-explanation.ts'
import { parseFileArgs, takeOption } from '../args.ts'
import { parseJson, readInput, type CommandIo } from '../command-io.ts'

const HELP = `usage: proactive explain-error [--json] [--status N] [--retry-after S] [--path PATH] FILE
       proactive explain-error [--json] -        (read the response from standard input)

Explains a Genesys Cloud error response and says what to check: the permission
conversation:message:create on the OAuth client's role, the region host, token expiry,
the rate limit and Retry-After, and the payload (see proactive explain-payload).

Accepted input (JSON):
  - a Platform API ErrorBody: {"message", "code", "status", "contextId", "details", "messageParams", "limit", ...}
  - the token endpoint's error: {"error": "invalid_client", "description": "..."}
  - an envelope {"status", "headers", "body"} (the SDK's extended response) or a serialised AxiosError {"response": {"status", "headers", "data"}}

Options:
  --status N       the HTTP status, when the body does not carry it
  --retry-after S  the Retry-After header's value, when you have it
  --path PATH      the path (or URL) the failed request went to
  --json           print the explanation as JSON
  -h, --help       show this help

Exit status: 0 explained, 1 not a recognised error shape, 2 usage or file error.`

export function renderErrorExplanation(explanation: ErrorExplanation): string[] {
  const head = [explanation.status !== undefined ? `HTTP ${explanation.status}` : undefined, explanation.code].filter(Boolean).join(' ')
  const lines = [`${head ? `${head}: ` : ''}${explanation.title}`]
  if (explanation.message) lines.push(`Genesys said: ${explanation.message}`)
  lines.push('', 'What it means:', ...explanation.meaning.map((line) => `  - ${line}`))
  if (explanation.details.length > 0) lines.push('', 'Details in the response:', ...explanation.details.map((line) => `  - ${line}`))
  lines.push('', 'What to check:', ...explanation.checks.map((line) => `  - ${line}`))
  lines.push(
    '',
    explanation.retryable
      ? `Retry: yes${explanation.retryAfterSeconds !== undefined ? `, after ${explanation.retryAfterSeconds} s` : ''}.`
      : 'Retry: no, the same request will fail the same way until the cause is fixed.',
  )
  if (explanation.contextId) lines.push(`Genesys contextId: ${explanation.contextId} (quote it to Genesys support).`)
  return lines
}

export async function main(args: string[], io: CommandIo): Promise<number> {
  const status = takeOption(args, '--status')
  const retryAfter = takeOption(status.rest, '--retry-after')
  const pathOption = takeOption(retryAfter.rest, '--path')
  const parsed = parseFileArgs(pathOption.rest, ['status', 'retry-after', 'path'])
  if (parsed.help) {
    io.out(HELP)
    return 0
  }
  const statusNumber = status.value === undefined ? undefined : Number(status.value)
  const usageError =
    status.error ??
    retryAfter.error ??
    pathOption.error ??
    parsed.error ??
    (statusNumber !== undefined && !(Number.isInteger(statusNumber) && statusNumber >= 100 && statusNumber <= 599) ? '--status must be an HTTP status code' : undefined)
  if (usageError || parsed.file === undefined) {
    io.err(`explain-error: ${usageError ?? 'missing FILE'}\n\n${HELP}`)
    return 2
  }
  let text: string
  try {
    text = await readInput(parsed.file, io)
  } catch (error) {
    io.err(`explain-error: cannot read ${parsed.file}: ${error instanceof Error ? error.message : String(error)}`)
    return 2
  }
  const json = parseJson(text)
  const explanation = explainError('error' in json ? text : json.value, {
    ...(statusNumber !== undefined ? { status: statusNumber } : {}),
    ...(retryAfter.value !== undefined ? { headers: { 'retry-after': retryAfter.value } } : {}),
    ...(pathOption.value !== undefined ? { path: pathOption.value } : {}),
  })
  if (parsed.json) io.out(JSON.stringify(explanation, null, 2))
  else for (const line of renderErrorExplanation(explanation)) io.out(line)
  return explanation.kind === 'unknown' ? 1 : 0
}
