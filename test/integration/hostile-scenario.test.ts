/**
 * The hostile scenario (test/scenarios-hostile/events.jsonl, written by build.ts next to it) replayed the way an
 * operator does: `npm start -- --events PATH --json`. It exits 0, every hostile event is counted as rejected or
 * ignored, only the two legitimate customers are messaged, and the functions' logs hold no personal data.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../local/commands/run.ts'
import type { RunSummary } from '../../local/run-scenario.ts'
import { captureLogs, type CapturedLogs } from '../fuzz/harness.ts'
import { NEVER_MESSAGED, SMS_CUSTOMER, WEB_CUSTOMER } from '../scenarios-hostile/build.ts'
import { TEST_ORG_ID } from '../support/genesys-events.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const EVENTS = fileURLToPath(new URL('../scenarios-hostile/events.jsonl', import.meta.url))
// The hostile file's agent logs in (AVAILABLE): it relies on the pre-issue-12 presences.
const ARGS = ['--events', EVENTS, '--json', '--set', `GENESYS_ORG_ID=${TEST_ORG_ID}`, '--set', 'AVAILABLE_PRESENCES=AVAILABLE,ON_QUEUE']

/** Progress line verdicts, in order: 32 events (see build.ts). */
const EXPECTED_MARKS = [
  ...Array(8).fill('ok'), // two legitimate conversations, each ended by customer.end
  ...Array(4).fill('-'), // another org's conversation: the rule drops it
  // The conversation whose address is template syntax: its customer.start and customer.end are rejected at
  // recording time (the address cannot be normalised); its agent events are recorded (no
  // customer, never a target).
  'BAD',
  ...Array(2).fill('ok'),
  'BAD',
  'ok', // agent A goes offline
  ...Array(7).fill('BAD'), // truncated, phone in topicName, year 9999, wrong type, 300 KB, number as string, id mismatch
  'ok', // __proto__ keys around a valid BREAK presence
  ...Array(5).fill('-'), // unknown topic, CHAT, another org's and a foreign "available", a non-Genesys event
  'BAD', // `[]`
  'ok', // agent A becomes available: the trigger
]

interface Run {
  code: number
  out: string[]
  err: string[]
  logs: string
}

let run: Run
let summary: RunSummary

beforeAll(async () => {
  const out: string[] = []
  const err: string[] = []
  const logs: CapturedLogs = captureLogs()
  let code: number
  try {
    code = await main([...ARGS, '--verbose'], { out: (line) => out.push(line), err: (line) => err.push(line), stdin: async () => '', env: {} })
  } finally {
    logs.restore()
  }
  run = { code, out, err, logs: logs.text() }
  summary = JSON.parse(out.at(-1) ?? '{}') as RunSummary
}, 120_000)

afterAll(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
})

describe('the hostile scenario through `proactive run --json`', () => {
  it('exits 0 and counts every hostile event as rejected or ignored', () => {
    expect(run.code).toBe(0)
    expect(summary.events).toEqual({ received: 32, accepted: 13, rejected: 10, ignored: 9 })
    const marks = run.err.filter((line) => /^\[\s*\d+\/\d+\]/.test(line)).map((line) => /^\[[^\]]+\]\s+(ok|BAD|-)/.exec(line)?.[1])
    expect(marks).toEqual(EXPECTED_MARKS)
  })

  it('messages exactly the two legitimate customers and sends nothing else', () => {
    const recipients = summary.genesys.requests.map((r) => {
      const body = r.body as Record<string, unknown>
      return body.toAddress ?? body.externalContactId
    })
    expect(recipients.sort()).toEqual([SMS_CUSTOMER, WEB_CUSTOMER].sort())
    expect(summary.genesys.requests.every((r) => r.status === 200)).toBe(true)
    expect(summary.triggers).toBe(1)
    // The template-syntax address was rejected when recorded, so it is not even a target now:
    // nothing to dead-letter at send.
    expect(summary.deadLetters).toEqual([])
    for (const victim of NEVER_MESSAGED) expect(JSON.stringify(summary.genesys)).not.toContain(victim)
  })

  it("leaves no personal data in the functions' logs", () => {
    const functionLogs = run.logs.split('\n').filter((line) => line.startsWith('{') && line.includes('"level"'))
    // 19: the template-syntax address is rejected at recording (one send and its dead letter fewer), and the
    // 300 KB event is refused by the bus (over EventBridge's 256 KB) before any function sees it.
    expect(functionLogs.length).toBeGreaterThanOrEqual(19)
    const text = functionLogs.join('\n')
    for (const value of [SMS_CUSTOMER, WEB_CUSTOMER, ...NEVER_MESSAGED]) expect(text).not.toContain(value)
    expect(text).not.toMatch(/\+\d{7,15}/)
    expect(text).not.toContain('An agent is available now')
  })
})

describe('the same scenario through `npm start` in a child process', () => {
  it('exits 0 with the same counts', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'local/proactive.ts', 'run', ...ARGS], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    })
    expect(child.status, child.stderr).toBe(0)
    const lastLine = child.stdout.trim().split('\n').at(-1) ?? '{}'
    const childSummary = JSON.parse(lastLine) as RunSummary
    expect(childSummary.events).toEqual(summary.events)
    expect(childSummary.messages).toEqual(summary.messages)
  }, 120_000)
})
