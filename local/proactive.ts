/**
 * `proactive` as a clone of the repository runs it (`npm start` is `proactive run`, `npm run proactive -- …`): the
 * operator CLI (cli/main.ts) plus what needs the local cloud, which the installed package does not ship: `run`
 * (the local demo) and the `--local` modes of `why` and `dlq`. The operator CLI never imports this folder.
 */
import { fileURLToPath } from 'node:url'
import { OPERATOR_COMMANDS, runAsProgram, type CommandTable } from '../cli/main.ts'

export const CLONE_COMMANDS: CommandTable = {
  run: { summary: 'run the pipeline locally on a scenario (default: examples/)', load: () => import('./commands/run.ts') },
  ...OPERATOR_COMMANDS,
  why: { ...OPERATOR_COMMANDS.why!, load: () => import('./commands/why-local.ts') },
  dlq: { ...OPERATOR_COMMANDS.dlq!, load: () => import('./commands/dlq-local.ts') },
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runAsProgram(CLONE_COMMANDS)
