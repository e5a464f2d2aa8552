/**
 * `proactive explain-payload FILE|-` — why the agentless endpoint would reject this body, field by field,
 * and the body it would accept. Exit 0 when the body is valid, 1 when not, 2 on a usage or input error.
 */
import { explainPayload, type PayloadExplanation } from './explain/payload-explanation.ts'
import { stillNeeded } from './explain/payload-inference.ts'
import { parseFileArgs } from '../args.ts'
import { parseJson, readInput, type CommandIo } from '../command-io.ts'

const HELP = `usage: proactive explain-payload [--json] [--path PATH] FILE
       proactive explain-payload [--json] [--path PATH] -        (read the body from standard input)

Explains, field by field, what POST /api/v2/conversations/messages/agentless will do with a
request body (SendAgentlessOutboundMessageRequest): unknown fields, missing required fields and the
rules of the chosen channel (webmessaging, sms, whatsapp, open). When the intent can be derived
from a wrongly shaped body (to/from objects, body.content, channelId…), prints a corrected body,
re-checked with the same rules the send handler uses before every send. Reads the shapes people
send from a backend (to.type web/webchat, a Web Messaging channelId, the Go-style To[].Type,
from.type agent) and says why they cannot work. FILE may also hold a Node-style call
{"url": "...", "data": {...}}: the path is judged too.

Options:
  --path PATH  the path (or URL) the body was sent to
  --json       print the explanation as JSON: {valid, channel, problems, fields, channelRules,
               diagnosis, notes, correction: {body, placeholders, changes, remaining, passes}}
  -h, --help   show this help

Exit status: 0 the body is valid, 1 it is not (or is not JSON), 2 usage or file error.`

const LABELS: Record<string, string> = { ok: 'ok', invalid: 'INVALID', unknown: 'UNKNOWN', missing: 'MISSING' }

export function renderExplanation(explanation: PayloadExplanation): string[] {
  const lines: string[] = []
  const problemCount = explanation.problems.length
  lines.push(explanation.valid ? `VALID: the agentless rules accept this ${explanation.channel ?? ''} body.` : `REJECTED: ${problemCount} problem${problemCount === 1 ? '' : 's'} with this body.`)
  lines.push('', `Channel: ${explanation.channel ?? 'unknown (toAddressMessengerType is missing or not one of webmessaging, sms, whatsapp, open)'}`, '', 'Fields:')
  const width = Math.max(0, ...explanation.fields.map((report) => report.field.length))
  for (const report of explanation.fields) {
    const head = `  ${(LABELS[report.verdict] ?? report.verdict).padEnd(7)}  ${report.field.padEnd(width)}`
    if (report.verdict === 'unknown' || report.problems.length === 0) {
      lines.push(`${head}  ${report.says}`.trimEnd())
      continue
    }
    const [first, ...rest] = report.problems
    for (const [index, problem] of [first!, ...rest].entries()) {
      const text = `${problem.problem}${problem.fix ? ` → ${problem.fix}` : ''}`
      lines.push(index === 0 ? `${head}  ${text}` : `  ${''.padEnd(7)}  ${''.padEnd(width)}  ${text}`)
    }
  }
  if (explanation.channelRules.length > 0) {
    lines.push('', `Rules for ${explanation.channel}:`, ...explanation.channelRules.map((rule) => `  - ${rule}`))
  }
  if (explanation.diagnosis.length > 0) {
    lines.push('', 'Why this cannot work from a backend:', ...explanation.diagnosis.map((line) => `  - ${line}`))
  }
  if (!explanation.valid) {
    const { correction } = explanation
    lines.push('')
    if (correction.passes && correction.placeholders.length > 0) {
      lines.push(
        `Corrected body (valid once you replace the <FILL IN: …> placeholder in ${correction.placeholders.join(', ')}; it passes the checks the sender runs before every send):`,
        JSON.stringify(correction.body, null, 2),
      )
    } else if (correction.passes) {
      lines.push('Corrected body (passes the same checks the sender runs before every send):', JSON.stringify(correction.body, null, 2))
    } else {
      lines.push('No corrected body yet: these values cannot be derived from what you sent. Fill them in:', ...stillNeeded(correction).map((line) => `  - ${line}`))
    }
    if (correction.changes.length > 0) lines.push('', 'Changes made:', ...correction.changes.map((change) => `  - ${change}`))
  }
  if (explanation.notes.length > 0) lines.push('', 'Notes:', ...explanation.notes.map((note) => `  - ${note}`))
  return lines
}

export async function main(args: string[], io: CommandIo): Promise<number> {
  const pathAt = args.indexOf('--path')
  const path = pathAt === -1 ? undefined : args[pathAt + 1]
  const parsed = parseFileArgs(pathAt === -1 ? args : [...args.slice(0, pathAt), ...args.slice(pathAt + 2)], ['path'])
  if (parsed.help) {
    io.out(HELP)
    return 0
  }
  const usageError = pathAt !== -1 && (path === undefined || path.startsWith('--')) ? '--path needs a value' : parsed.error
  if (usageError || parsed.file === undefined) {
    io.err(`explain-payload: ${usageError ?? 'missing FILE'}\n\n${HELP}`)
    return 2
  }
  let text: string
  try {
    text = await readInput(parsed.file, io)
  } catch (error) {
    io.err(`explain-payload: cannot read ${parsed.file}: ${error instanceof Error ? error.message : String(error)}`)
    return 2
  }
  const json = parseJson(text)
  if ('error' in json) {
    if (parsed.json) io.out(JSON.stringify({ valid: false, error: `not JSON: ${json.error}` }, null, 2))
    else io.out(`REJECTED: the body is not JSON (${json.error}). Genesys expects a JSON object with Content-Type: application/json.`)
    return 1
  }
  const explanation = explainPayload(json.value, path === undefined ? {} : { path })
  if (parsed.json) io.out(JSON.stringify(explanation, null, 2))
  else for (const line of renderExplanation(explanation)) io.out(line)
  return explanation.valid ? 0 : 1
}
