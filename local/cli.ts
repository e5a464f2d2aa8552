/**
 * `proactive` — the project's command line. `npm start` is `proactive run`.
 * Each subcommand lives in local/commands/<name>.ts (or <name>/index.ts) and exports `main(args, io): Promise<number>`
 * (the exit code, see command-io.ts). Commands never import this file: it imports them.
 */
import { fileURLToPath } from 'node:url'
import { processIo, type Command, type CommandIo } from './command-io.ts'

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ main: Command }> }> = {
  run: { summary: 'run the pipeline locally on a scenario (default: examples/)', load: () => import('./commands/run.ts') },
  'explain-payload': { summary: 'explain why Genesys would reject an agentless request body, and fix it', load: () => import('./commands/explain-payload.ts') },
  'explain-error': { summary: 'explain a Genesys error response and what to check', load: () => import('./commands/explain-error.ts') },
  check: { summary: 'verify, read-only, that a Genesys org (or the simulator) is set up for sends', load: () => import('./commands/check/index.ts') },
  replay: { summary: "re-process a time range of archived Genesys events through the stack's own rules", load: () => import('./commands/replay.ts') },
  mode: { summary: 'set (or show) the sending mode of the deployed stack: live, dry-run or paused', load: () => import('./commands/mode.ts') },
  status: { summary: 'is it working? sending mode, outcome counts (last hour, day), queue and DLQ depths (deployed stack)', load: () => import('./commands/status.ts') },
  why: { summary: 'why a customer or conversation did or did not get a message (deployed stack or local replay)', load: () => import('./commands/why.ts') },
  dlq: { summary: 'inspect or redrive dead-lettered messages (deployed stack or local cloud)', load: () => import('./commands/dlq.ts') },
  suppress: { summary: 'the opt-out list: add, remove, list, import (deployed stack)', load: () => import('./commands/suppress.ts') },
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length))
  return [
    'usage: proactive <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    "Run `proactive <command> --help` for a command's options.",
  ].join('\n')
}

export async function runCli(argv: string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage())
    return name === undefined ? 2 : 0
  }
  const command = COMMANDS[name]
  if (!command) {
    io.err(`proactive: unknown command "${name}"\n\n${usage()}`)
    return 2
  }
  const { main } = await command.load()
  return main(rest, io)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`proactive: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    },
  )
}
