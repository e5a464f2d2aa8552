/**
 * `proactive run` as a user runs it: a child process, dummy AWS credentials, no network. Checks the exit codes
 * and that `--json` ends standard output with the run summary.
 */
import { describe, expect, it } from 'vitest'
import { runCommand } from '../support/run-command.ts'

const SCENARIO = 'test/scenarios/window-edges/events.jsonl'

const proactiveRun = (...args: string[]) => runCommand('npx', ['tsx', 'local/proactive.ts', 'run', ...args])

const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? ''

describe('proactive run (CLI)', () => {
  it('replays a scenario and ends standard output with the JSON summary', async () => {
    const { code, stdout, stderr } = await proactiveRun('--events', SCENARIO, '--json', '--set', 'AVAILABLE_PRESENCES=AVAILABLE,ON_QUEUE') // the scenario's agent logs in (AVAILABLE)

    expect(code, stderr).toBe(0)
    const summary = JSON.parse(lastLine(stdout)) as { events: { received: number }; triggers: number; messages: { sent: number } }
    // The window-edges scenario: 14 events (each ended conversation has its customer.end),
    // one trigger, the two customers inside the 24 h window messaged.
    expect(summary.events.received).toBe(14)
    expect(summary.triggers).toBe(1)
    expect(summary.messages.sent).toBe(2)
  }, 60_000)

  it('fails with a message naming a path it cannot read', async () => {
    const missing = 'test/scenarios/no-such-scenario/events.jsonl'
    const { code, stdout, stderr } = await proactiveRun('--events', missing, '--json')

    expect(code).toBe(2)
    expect(stderr).toContain(missing)
    expect(stdout).not.toMatch(/^\{/m)
  }, 60_000)

  it('fails on an unknown flag and shows the usage', async () => {
    const { code, stderr } = await proactiveRun('--no-such-flag')

    expect(code).toBe(2)
    expect(stderr).toContain('--no-such-flag')
    expect(stderr).toMatch(/usage:/i)
  }, 60_000)

  it('npm start with no flags replays the bundled example and sends its 4 messages', async () => {
    const { code, stdout, stderr } = await runCommand('npm', ['start', '--silent'])

    expect(code, stderr).toBe(0)
    expect(stdout).toMatch(/^Messages\s+\d+ requested, 4 sent, 0 failed/m)
  }, 120_000)
})
