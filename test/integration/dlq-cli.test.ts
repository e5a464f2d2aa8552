/**
 * `proactive dlq` on the local cloud: timeouts dead-letter requests as outcome-unknown; inspect shows why;
 * redrive (StartMessageMoveTask) brings them back as an operator's decision, and they are sent once.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { CommandIo } from '../../cli/command-io.ts'
import { main as operatorMain } from '../../cli/commands/dlq.ts'
import { main } from '../../local/commands/dlq-local.ts'

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url))

function captureIo(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line), stdin: async () => '', env: {} }
}

describe('proactive dlq --local', () => {
  it('inspect lists each dead letter with its reason', async () => {
    const io = captureIo()
    expect(await main(['inspect', '--local', '--events', EXAMPLES, '--chaos', 'timeout=1,seed=1', '--json'], io)).toBe(0)
    const letters = JSON.parse(io.stdout.at(-1) ?? '[]') as { reason: string; conversationId?: string; body?: unknown }[]
    expect(letters).toHaveLength(4)
    for (const letter of letters) {
      expect(letter.reason).toBe('outcome-unknown')
      expect(letter.conversationId).toMatch(/^[0-9a-f-]{36}$/)
      expect(letter.body).toBeUndefined() // bodies hold customer addresses: not printed
    }
  }, 60_000)

  it('redrive moves them back and each is sent exactly once', async () => {
    const io = captureIo()
    expect(await main(['redrive', '--local', '--events', EXAMPLES, '--chaos', 'timeout=1,seed=1'], io)).toBe(0)
    const output = io.stdout.join('\n')
    expect(output).toMatch(/redrive COMPLETED: 4 of 4 moved/)
    expect(output).toMatch(/Before the redrive: 0 sent, 4 dead-lettered/)
    expect(output).toMatch(/Messages +4 requested, 4 sent/)
    expect(output).toMatch(/0 recipient\(s\) messaged twice; every request settled once: yes/)
  }, 60_000)

  it('refuses a bad call with usage and a non-zero exit', async () => {
    const io = captureIo()
    expect(await main(['purge'], io)).toBe(2)
    expect(io.stderr.join('\n')).toMatch(/unknown action "purge"/)
    expect(await main(['inspect'], captureIo())).toBe(2)
    expect(await main(['inspect', '--local'], captureIo())).toBe(2)
  })

  it('the operator CLI (the installed package) has no local cloud: --local exits 2 and says where it runs', async () => {
    const io = captureIo()
    expect(await operatorMain(['inspect', '--local', '--events', EXAMPLES], io)).toBe(2)
    expect(io.stderr.join('\n')).toContain('runs from a clone of the repository (npm run proactive -- dlq inspect --local')
  })
})
