/**
 * End-to-end scenarios, written from the requirements: each folder of test/scenarios/ holds events.jsonl (as
 * Genesys delivers them) and expected.json (what the requirements say must come out). Each scenario is replayed
 * through the whole local pipeline (session-recorder → presence → send → Genesys simulator) on its own LocalCloud.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalCloud, type LocalCloudOptions } from '../../local/cloud.ts'
import { runScenario, type RunSummary } from '../../local/run-scenario.ts'
import { readScenario } from '../../local/scenario.ts'

const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url))

interface RequestExpectation {
  readonly toAddressMessengerType: string
  /** Exact values, by dotted path into the request body. */
  readonly fields: Readonly<Record<string, unknown>>
  /** Fields the body must not carry. */
  readonly absent: readonly string[]
}

interface Expected {
  readonly description: string
  readonly cloud: Pick<LocalCloudOptions, 'config' | 'simulator'>
  readonly expect: {
    readonly events?: Partial<RunSummary['events']>
    readonly sessions?: RunSummary['sessions']
    readonly triggers?: number
    readonly messages?: Partial<RunSummary['messages']>
    readonly deadLetters?: RunSummary['deadLetters']
    /** Every agentless request as [channel, recipient], recipient = externalContactId ?? toAddress: a multiset. */
    readonly recipients: readonly (readonly [string, string])[]
    readonly requests?: readonly RequestExpectation[]
    /** "METHOD path" calls the simulator must have received (at least once each). */
    readonly genesysCalls?: readonly string[]
  }
}

const scenarioNames = readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

const bodyOf = (body: unknown): Record<string, unknown> => (typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {})

function valueAt(body: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), body)
}

function recipientOf(body: Record<string, unknown>): [string, string] {
  const recipient = body.externalContactId ?? body.toAddress
  return [String(body.toAddressMessengerType), String(recipient)]
}

const byText = (a: readonly string[], b: readonly string[]): number => a.join(' ').localeCompare(b.join(' '))

/**
 * The agentless rules as README.md and docs/troubleshooting.md state them, written out here on purpose instead of
 * calling checkAgentlessRequest: the simulator answers with that same function, so a bug in it would otherwise
 * pass on both sides.
 */
function documentedRuleBreaks(body: Record<string, unknown>): string[] {
  const fields = ['fromAddress', 'toAddress', 'externalContactId', 'toAddressMessengerType', 'textBody', 'messagingTemplate', 'useExistingActiveConversation']
  const breaks = Object.keys(body)
    .filter((key) => !fields.includes(key))
    .map((key) => `${key} is not a field`)
  const { fromAddress, toAddress, externalContactId, textBody, messagingTemplate } = body
  const text = (limit: number) => {
    if (typeof textBody !== 'string' || textBody.trim() === '') breaks.push('textBody is required')
    else if (textBody.length > limit) breaks.push(`textBody is over ${limit} UTF-16 code units`)
  }
  if (typeof fromAddress !== 'string' || fromAddress === '') breaks.push('fromAddress is required')
  switch (body.toAddressMessengerType) {
    case 'webmessaging':
      if (typeof externalContactId !== 'string' || externalContactId === '') breaks.push('externalContactId is required')
      if ('toAddress' in body) breaks.push('toAddress is not allowed')
      text(2000)
      break
    case 'sms': {
      const digits = typeof toAddress === 'string' && toAddress.startsWith('+') ? toAddress.slice(1) : ''
      if (!/^[0-9]+$/.test(digits) || digits.length > 15 || digits.startsWith('0')) breaks.push('toAddress must be E.164')
      text(765)
      break
    }
    case 'whatsapp':
      if (typeof toAddress !== 'string' || !/^[0-9]+$/.test(toAddress)) breaks.push('toAddress must be digits without +')
      if ('externalContactId' in body) breaks.push('externalContactId is not allowed')
      if (typeof (messagingTemplate as { responseId?: unknown } | undefined)?.responseId !== 'string') breaks.push('messagingTemplate.responseId is required')
      break
    case 'open':
      if (!toAddress && !externalContactId) breaks.push('toAddress or externalContactId is required')
      if ('messagingTemplate' in body) breaks.push('messagingTemplate is not allowed')
      text(2000)
      break
    default:
      breaks.push(`toAddressMessengerType ${String(body.toAddressMessengerType)} is not a channel`)
  }
  return breaks
}

it('finds the scenarios', () => {
  expect(scenarioNames.length).toBeGreaterThanOrEqual(10)
})

describe.each(scenarioNames)('scenario %s', (name) => {
  const expected = JSON.parse(readFileSync(join(SCENARIOS, name, 'expected.json'), 'utf8')) as Expected
  let cloud: LocalCloud
  let summary: RunSummary

  beforeAll(async () => {
    cloud = await LocalCloud.start({ ...expected.cloud })
    const entries = await readScenario(join(SCENARIOS, name, 'events.jsonl'))
    summary = await runScenario(cloud, entries)
  }, 120_000)

  afterAll(async () => {
    await cloud?.close()
  })

  const want = expected.expect

  it('counts the events as the requirements say', () => {
    if (want.events) expect(summary.events).toMatchObject(want.events)
    if (want.sessions) expect(summary.sessions).toEqual(want.sessions)
    expect(summary.events.received).toBe(summary.events.accepted + summary.events.rejected + summary.events.ignored)
  })

  it('fires the expected availability triggers and message outcomes', () => {
    if (want.triggers !== undefined) expect(summary.triggers).toBe(want.triggers)
    if (want.messages) expect(summary.messages).toMatchObject(want.messages)
    if (want.deadLetters) expect(summary.deadLetters).toEqual(want.deadLetters)
  })

  it('messages exactly the expected recipients, each once, all accepted by Genesys', () => {
    const actual = summary.genesys.requests.map((request) => recipientOf(bodyOf(request.body))).sort(byText)
    expect(actual).toEqual([...want.recipients].map((pair) => [...pair]).sort(byText))
    expect(summary.genesys.requests.map((request) => request.status)).toEqual(want.recipients.map(() => 200))
  })

  it('sends only bodies that follow the documented channel rules (checked here, not by checkAgentlessRequest)', () => {
    const bodies = summary.genesys.requests.map((request) => bodyOf(request.body))
    expect(bodies.map(documentedRuleBreaks)).toEqual(bodies.map(() => []))
  })

  // Defined only where the scenario has such expectations: a skipped test would count as skipped.
  const requestRules = want.requests
  if (requestRules)
    it("builds each channel's agentless request by its rules", () => {
      for (const rule of requestRules) {
        const bodies = summary.genesys.requests.map((request) => bodyOf(request.body)).filter((body) => body.toAddressMessengerType === rule.toAddressMessengerType)
        expect(bodies, rule.toAddressMessengerType).toHaveLength(1)
        const body = bodies[0] ?? {}
        for (const [path, value] of Object.entries(rule.fields)) expect(valueAt(body, path), `${rule.toAddressMessengerType} ${path}`).toEqual(value)
        for (const field of rule.absent) expect(body, `${rule.toAddressMessengerType} must not carry ${field}`).not.toHaveProperty(field)
      }
    })

  const genesysCalls = want.genesysCalls
  if (genesysCalls)
    it('asks Genesys what it needs', () => {
      const calls = new Set(cloud.simulator?.requests.map((request) => `${request.method} ${request.path}`))
      for (const call of genesysCalls) expect(calls, call).toContain(call)
    })
})
