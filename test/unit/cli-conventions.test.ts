/**
 * What every `proactive` command does the same way (`--version`: cli-version.test.ts): a usage error exits 2 with the usage and a
 * did-you-mean on stderr and nothing on stdout; arguments are checked before any AWS call; `--json` where a
 * command prints results. Commands run in-process with a captured io; none reaches AWS.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OPERATOR_COMMANDS, runCli } from '../../cli/main.ts'
import { runSuppress, type SuppressDeps } from '../../cli/commands/suppress.ts'
import { whyJson } from '../../cli/why/why-json.ts'
import { CLONE_COMMANDS } from '../../local/proactive.ts'
import { capturedIo } from '../support/captured-io.ts'
import { ROOT } from '../support/run-command.ts'

async function cli(...args: string[]) {
  const io = capturedIo()
  const code = await runCli(args, io)
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') }
}

describe('proactive (the operator CLI)', () => {
  it('a bare proactive exits 2 with the usage on stderr; --help prints it on stdout and exits 0', async () => {
    const bare = await cli()
    expect(bare).toMatchObject({ code: 2, out: '' })
    expect(bare.err).toContain('usage: proactive <command>')
    const help = await cli('--help')
    expect(help).toMatchObject({ code: 0, err: '' })
    expect(help.out).toContain('usage: proactive <command>')
  })

  it('an unknown command exits 2 with a did-you-mean and the usage on stderr', async () => {
    const typo = await cli('stauts')
    expect(typo).toMatchObject({ code: 2, out: '' })
    expect(typo.err).toContain('unknown command "stauts". Did you mean "status"?')
    expect(typo.err).toContain('usage: proactive <command>')
    expect((await cli('frobnicate')).err).not.toContain('Did you mean')
  })

  it('run is not in the installed CLI: it says it needs a clone (npm start)', async () => {
    const run = await cli('run')
    expect(run).toMatchObject({ code: 2, out: '' })
    expect(run.err).toContain('needs the local cloud, which runs from a clone of the repository (npm start)')
    expect(Object.keys(CLONE_COMMANDS)).toEqual(expect.arrayContaining(['run', ...Object.keys(OPERATOR_COMMANDS)]))
  })

  it.each(Object.keys(OPERATOR_COMMANDS))('%s: an unknown option exits 2, usage on stderr, nothing on stdout', async (command) => {
    const result = await cli(command, '--no-such-option')
    expect(result.code).toBe(2)
    expect(result.out).toBe('')
    expect(result.err).toContain('usage:')
  })

  it('an unknown option gets a did-you-mean', async () => {
    expect((await cli('status', '--jsn')).err).toContain('unknown option --jsn. Did you mean --json?')
    expect((await cli('dlq', 'inspect', '--quue', 'x')).err).toContain('unknown option --quue. Did you mean --queue?')
    expect((await cli('explain-payload', '--jsno', 'x.json')).err).toContain('unknown option --jsno. Did you mean --json?')
    expect((await cli('check', '--jsn')).err).toContain('unknown option --jsn. Did you mean --json?')
  })

  it('an action-taking command without its action exits 2 with its usage on stderr; a mistyped action gets a did-you-mean', async () => {
    for (const command of ['dlq', 'suppress']) {
      const result = await cli(command)
      expect(result).toMatchObject({ code: 2, out: '' })
      expect(result.err).toContain(`usage: proactive ${command}`)
    }
    expect((await cli('dlq', 'inspct')).err).toContain('unknown action "inspct". Did you mean "inspect"? (inspect or redrive)')
    expect((await cli('suppress', 'ad')).err).toContain('Did you mean "add"?')
  })
})

describe('arguments are checked before any AWS call', () => {
  const noAws: SuppressDeps = {
    stackOutputs: async () => {
      throw new Error('AWS was called')
    },
    admin: () => {
      throw new Error('AWS was called')
    },
    now: () => 0,
  }

  it('suppress add --channel fax: exit 2 naming the channel, without reading the stack', async () => {
    const io = capturedIo()
    expect(await runSuppress(['add', '--channel', 'fax', '+15550001'], io, noAws)).toBe(2)
    expect(io.stderr.join('\n')).toContain('fax')
    expect(io.stderr.join('\n')).not.toContain('AWS was called')
  })

  it('suppress add with an address the channel cannot hold, and import of a missing file: refused before AWS', async () => {
    const bad = capturedIo()
    expect(await runSuppress(['add', '--channel', 'sms', 'not-a-number'], bad, noAws)).toBe(2)
    const missing = capturedIo()
    expect(await runSuppress(['import', join(ROOT, 'no-such-file.csv')], missing, noAws)).toBe(2)
    expect(missing.stderr.join('\n')).toContain('cannot read')
  })
})

describe('--json', () => {
  const admin = {
    add: async () => ({ added: true as const }),
    remove: async () => ({ since: Date.UTC(2026, 0, 1) }),
  }
  const deps = { stackOutputs: async () => ({ StateTableName: 'state' }), admin: () => admin, now: () => Date.UTC(2026, 1, 1) } as unknown as SuppressDeps

  it('suppress add and remove print one JSON object', async () => {
    const added = capturedIo()
    expect(await runSuppress(['add', '--channel', 'sms', '+1 555 444 0001', '--json'], added, deps)).toBe(0)
    expect(JSON.parse(added.stdout[0]!)).toEqual({ action: 'add', channel: 'sms', added: true, since: '2026-02-01T00:00:00.000Z' })
    const removed = capturedIo()
    expect(await runSuppress(['remove', '--channel', 'sms', '+15554440001', '--json'], removed, deps)).toBe(0)
    expect(JSON.parse(removed.stdout[0]!)).toEqual({ action: 'remove', channel: 'sms', removed: true, since: '2026-01-01T00:00:00.000Z' })
  })

  it('why --json holds no address, and ids are shortened unless personal data is shown', () => {
    const conversationId = '0d6c3a52-8d6b-4d5e-9f3c-1a2b3c4d5e6f'
    const view = {
      sessions: [{ conversationId, channel: 'sms' as const, customer: { channel: 'sms' as const, address: '+15554440001' }, agents: {}, lastActiveAt: Date.UTC(2026, 0, 1), expiresAt: 0 }],
      ledger: { status: 'sent' },
      optedOut: false,
    }
    const masked = whyJson(view, false)
    expect(JSON.stringify(masked)).not.toContain('+15554440001')
    expect(masked).toMatchObject({ sessions: [{ conversationId: '0d6c3a52…', channel: 'sms', lastActiveAt: '2026-01-01T00:00:00.000Z' }], ledger: { status: 'sent' }, optedOut: false, cap: null })
    expect(masked.why).toContain('sent')
    expect(whyJson(view, true).sessions[0]!.conversationId).toBe(conversationId)
  })
})
