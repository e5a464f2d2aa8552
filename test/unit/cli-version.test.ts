/** `proactive --version` (and -V) prints the version in package.json and exits 0, from the sources as from the package. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../cli/main.ts'
import type { CommandIo } from '../../cli/command-io.ts'

function capturedIo(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (text) => void stdout.push(text), err: (text) => void stderr.push(text), stdin: async () => '', env: {} }
}

describe('proactive --version', () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  it.each(['--version', '-V'])('%s prints the package version', async (flag) => {
    const io = capturedIo()
    expect(await runCli([flag], io)).toBe(0)
    expect(io.stdout).toEqual([version])
    expect(io.stderr).toEqual([])
  })
})
