/**
 * No personal data in logs. The whole pipeline runs on the local cloud at DEBUG, with Powertools logging every
 * incoming event (POWERTOOLS_LOGGER_LOG_EVENT, the worst case an operator can switch on), over the bundled
 * examples, a scenario with every channel, a malformed one and the hostile one. Everything written to stdout and
 * stderr is captured; the test fails on any customer address, contact id, e-mail address, phone-number-like
 * value, message text, client secret or bearer token found in it.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalCloud } from '../../local/cloud.ts'
import { runScenario, type RunSummary } from '../../local/run-scenario.ts'
import { readScenario } from '../../local/scenario.ts'
import { captureLogs } from '../fuzz/harness.ts'

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url))
const SCENARIOS = [path('../../examples/'), path('../scenarios/channel-payloads/events.jsonl'), path('../scenarios/malformed-mixed/events.jsonl'), path('../scenarios-hostile/events.jsonl')]
const BRAND = 'Acme Telecom'
const MESSAGE_TEXT = 'Hello from {{brand}}: an agent is free for you now'
const RENDERED = `Hello from ${BRAND}: an agent is free for you now`
const PERSONAL_KEYS = new Set(['addressFrom', 'addressTo', 'ani', 'dnis', 'externalContactId', 'conversationExternalContactIds'])

/** Every value under a personal key anywhere in the scenario files (parsed or not). */
function personalValues(): string[] {
  const found = new Set<string>()
  const visit = (node: unknown, key = ''): void => {
    if (typeof node === 'string') {
      if (PERSONAL_KEYS.has(key) && node.length >= 6) found.add(node)
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, key)
    } else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) visit(v, k)
    }
  }
  for (const file of SCENARIOS.filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      try {
        visit(JSON.parse(line))
      } catch {
        // unreadable lines hold no parsed values
      }
    }
  }
  for (const name of ['01-messaging-sessions.jsonl', '02-agent-becomes-available.jsonl']) {
    for (const line of readFileSync(path(`../../examples/${name}`), 'utf8').split('\n')) if (line.trim()) visit(JSON.parse(line))
  }
  return [...found]
}

let output = ''
const summaries: RunSummary[] = []
let previousLogEvent: string | undefined

beforeAll(async () => {
  previousLogEvent = process.env.POWERTOOLS_LOGGER_LOG_EVENT
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true'
  const logs = captureLogs()
  try {
    for (const scenario of SCENARIOS) {
      const cloud = await LocalCloud.start({ logLevel: 'DEBUG', config: { MESSAGE_TEXT, BRAND_NAME: BRAND, COOLDOWN_MINUTES: '0' } })
      try {
        summaries.push(await runScenario(cloud, await readScenario(scenario)))
      } finally {
        await cloud.close()
      }
    }
  } finally {
    logs.restore()
    output = logs.text()
  }
}, 180_000)

afterAll(() => {
  if (previousLogEvent === undefined) delete process.env.POWERTOOLS_LOGGER_LOG_EVENT
  else process.env.POWERTOOLS_LOGGER_LOG_EVENT = previousLogEvent
})

describe('log output of the whole pipeline', () => {
  it('was captured, with the incoming events logged and messages sent', () => {
    expect(output).toContain('"message":"Lambda invocation event"')
    expect(output).toContain('"message":"message sent"')
    expect(summaries.reduce((sum, s) => sum + s.messages.sent, 0)).toBeGreaterThan(3)
  })

  it('holds no customer address, contact id or e-mail address from the events', () => {
    const values = personalValues()
    expect(values.length).toBeGreaterThan(10)
    const leaked = values.filter((value) => output.includes(value))
    expect(leaked).toEqual([])
  })

  it('holds nothing that looks like a phone number or an e-mail address', () => {
    expect(output.match(/\+\d[\d\s().-]{6,}\d/g) ?? []).toEqual([])
    expect(output.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}/g) ?? []).toEqual([])
  })

  it('holds neither the message text nor the client secret nor a token', () => {
    expect(output).not.toContain(RENDERED)
    expect(output).not.toContain(BRAND)
    expect(output).not.toContain('local-secret')
    expect(output).not.toMatch(/Bearer\s+[A-Za-z0-9_-]{10,}/i)
    expect(output).not.toMatch(/"access_token":"(?!\[redacted\])/)
  })

  it('writes only JSON lines, each within a sane size', () => {
    const lines = output.split('\n').filter((line) => line.trim() !== '')
    for (const line of lines) {
      expect(() => JSON.parse(line), line.slice(0, 200)).not.toThrow()
      expect(line.length).toBeLessThan(64 * 1024)
    }
  })
})
