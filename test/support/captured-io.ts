/** A CommandIo that keeps what a command printed, for tests calling a command's main directly. */
import type { CommandIo } from '../../cli/command-io.ts'

export interface CapturedIo extends CommandIo {
  readonly stdout: string[]
  readonly stderr: string[]
}

export function capturedIo(): CapturedIo {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line), stdin: async () => '', env: {} }
}
