/**
 * What a `proactive` command talks to: its output, error output, standard input and environment. Commands
 * export `main(args, io): Promise<number>` (the exit code); tests pass their own `CommandIo`.
 */
import { readFile } from 'node:fs/promises'

export interface CommandIo {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  readonly stdin: () => Promise<string>
  readonly env: Record<string, string | undefined>
}

export type Command = (args: string[], io: CommandIo) => Promise<number>

/** How a clone of the repository runs the CLI with the local cloud's commands (local/proactive.ts). */
export const CLONE_COMMAND = 'npm run proactive --'

export const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stdin: async () => {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
  env: process.env,
}

/** Reads FILE, or standard input for `-`. */
export async function readInput(file: string, io: CommandIo): Promise<string> {
  return file === '-' ? io.stdin() : readFile(file, 'utf8')
}

/** Parses JSON, reporting the position of a syntax error rather than throwing. */
export function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) }
  }
}
