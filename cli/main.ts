/**
 * `proactive` — the operator CLI: commands that talk to a deployed stack or a Genesys org.
 * Each subcommand lives in cli/commands/<name>.ts (or <name>/index.ts) and exports `main(args, io): Promise<number>`
 * (the exit code, see command-io.ts). Commands never import this file: it imports them. A clone of the repository
 * runs it through local/proactive.ts, which adds the commands that need the local cloud (`run`, `--local`).
 */
import { fileURLToPath } from 'node:url'
import { closestName } from '#lib/did-you-mean.ts'
import { packageVersionOf } from '#lib/package-root.ts'
import { processIo, type Command, type CommandIo } from './command-io.ts'

export interface CommandEntry {
  readonly summary: string
  readonly load: () => Promise<{ main: Command }>
}

export type CommandTable = Readonly<Record<string, CommandEntry>>

export const OPERATOR_COMMANDS: CommandTable = {
  'explain-payload': { summary: 'explain why Genesys would reject an agentless request body, and fix it', load: () => import('./commands/explain-payload.ts') },
  'explain-error': { summary: 'explain a Genesys error response and what to check', load: () => import('./commands/explain-error.ts') },
  check: { summary: 'verify, read-only, that a Genesys org (or the simulator) is set up for sends', load: () => import('./commands/check/index.ts') },
  replay: { summary: "re-process a time range of archived Genesys events through the stack's own rules", load: () => import('./commands/replay.ts') },
  mode: { summary: 'set (or show) the sending mode of the deployed stack: live, dry-run or paused', load: () => import('./commands/mode.ts') },
  status: { summary: 'is it working? sending mode, outcome counts (last hour, day), queue and DLQ depths (deployed stack)', load: () => import('./commands/status.ts') },
  report: { summary: 'did it work? sent, answered, served by the triggering agent, time to reply, over a period (deployed stack)', load: () => import('./commands/report.ts') },
  why: { summary: 'why a customer or conversation did or did not get a message (deployed stack or local replay)', load: () => import('./commands/why.ts') },
  dlq: { summary: 'inspect or redrive dead-lettered messages (deployed stack or local cloud)', load: () => import('./commands/dlq.ts') },
  suppress: { summary: 'the opt-out list: add, remove, list, import (deployed stack)', load: () => import('./commands/suppress.ts') },
}

/** Commands only a clone of the repository has (local/proactive.ts), with how to run them there. */
const CLONE_ONLY: Readonly<Record<string, string>> = { run: 'npm start' }

export function usage(commands: CommandTable = OPERATOR_COMMANDS): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length))
  return [
    'usage: proactive <command> [options]',
    '       proactive --version | --help',
    '',
    ...Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    "Run `proactive <command> --help` for a command's options.",
  ].join('\n')
}

/** Why `name` is not a command: a did-you-mean, or where a clone-only command runs. */
function unknownCommand(name: string, commands: CommandTable): string {
  if (Object.hasOwn(CLONE_ONLY, name)) return `proactive: unknown command "${name}": it needs the local cloud, which runs from a clone of the repository (${CLONE_ONLY[name]})`
  const suggestion = closestName(name, Object.keys(commands))
  return `proactive: unknown command "${name}"${suggestion ? `. Did you mean "${suggestion}"?` : ''}`
}

export async function runCli(argv: string[], io: CommandIo = processIo, commands: CommandTable = OPERATOR_COMMANDS): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) {
    io.err(usage(commands))
    return 2
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage(commands))
    return 0
  }
  if (name === '--version' || name === '-V') {
    io.out(packageVersionOf(import.meta.url))
    return 0
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined
  if (!command) {
    io.err(`${unknownCommand(name, commands)}\n\n${usage(commands)}`)
    return 2
  }
  const { main } = await command.load()
  return main(rest, io)
}

/** Runs the CLI on the process's arguments and sets its exit code. */
export function runAsProgram(commands: CommandTable = OPERATOR_COMMANDS): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  runCli(process.argv.slice(2), processIo, commands).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`proactive: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    },
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runAsProgram()
