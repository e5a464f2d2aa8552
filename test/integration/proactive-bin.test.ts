/**
 * The package's bin (`npx proactive`), as a user runs it: a child process. `--version` and `--help` answer
 * without AWS; a bare call exits 2 with the usage on stderr only.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, runCommand } from '../support/run-command.ts'

const BIN = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { proactive: string } }).bin.proactive
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

describe('the proactive bin', () => {
  it('--version prints the package version; --help the usage on stdout', async () => {
    expect(await runCommand(process.execPath, [BIN, '--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n` })
    const help = await runCommand(process.execPath, [BIN, '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('usage: proactive <command>')
  })

  it('a bare call exits 2 with the usage on stderr and nothing on stdout', async () => {
    const bare = await runCommand(process.execPath, [BIN])
    expect(bare).toMatchObject({ code: 2, stdout: '' })
    expect(bare.stderr).toContain('usage: proactive <command>')
  })
})
