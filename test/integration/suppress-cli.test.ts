/**
 * `proactive suppress add|remove|list|import` against the local cloud's state table (found as the stack output
 * StateTableName), then the real handlers acting on the list; and `npm start -- --suppress FILE` preloading a
 * replay. Bad input: an address that cannot be normalised and bad import lines are errors naming the problem and
 * the line, and nothing is half-imported.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { afterEach, describe, expect, it } from 'vitest'
import { DynamoDbOptOutAdmin } from '#lib/adapters/dynamodb-opt-out-admin.ts'
import { LOCAL_NAMES, LocalCloud } from '../../local/cloud.ts'
import { main as run } from '../../local/commands/run.ts'
import { runSuppress, type SuppressDeps } from '../../cli/commands/suppress.ts'
import { runScenario } from '../../local/run-scenario.ts'
import type { ScenarioEntry } from '../../local/scenario.ts'
import { capturedIo } from '../support/captured-io.ts'
import { conversationLifecycle, presenceEvent, TEST_ORG_ID, uuidFrom, type GenesysEnvelope } from '../support/genesys-events.ts'

const AGENT = uuidFrom('suppress-cli', 'agent')
const QUEUE = uuidFrom('suppress-cli', 'queue')
const MINUTE = 60_000
const T0 = Date.parse('2025-06-10T09:00:00Z')
const ADDED_AT = Date.parse('2026-11-28T21:00:00Z')

/** Three SMS customers +1555444000{1,2,3}, then the agent's trigger. */
const events: GenesysEnvelope[] = [
  ...[1, 2, 3].flatMap((i) => conversationLifecycle({ conversationId: uuidFrom('sc', i), messageType: 'SMS', start: T0 + i * MINUTE, agentId: AGENT, queueId: QUEUE, addressFrom: `+1555444000${i}` })),
  presenceEvent({ agentId: AGENT, systemPresence: 'BREAK', at: T0 + 25 * MINUTE }),
  presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: T0 + 30 * MINUTE }),
]
const entries = (list: readonly GenesysEnvelope[]): ScenarioEntry[] => list.map((event, index) => ({ ok: true, event, origin: `event ${index + 1}` }))

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

const dir = mkdtempSync(join(tmpdir(), 'suppress-cli-'))
function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function depsFor(c: LocalCloud): SuppressDeps {
  return {
    stackOutputs: async () => ({ StateTableName: LOCAL_NAMES.stateTable }),
    admin: (table) => new DynamoDbOptOutAdmin(DynamoDBDocumentClient.from(c.dynamo), table),
    now: () => ADDED_AT,
  }
}

async function suppress(c: LocalCloud, ...args: string[]) {
  const io = capturedIo()
  const code = await runSuppress(args, io, depsFor(c))
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') }
}

describe('proactive suppress', () => {
  it('add, list, remove: any spelling of the number, hashes only; the handlers honour the list', async () => {
    const c = (cloud = await LocalCloud.start({ config: { GENESYS_ORG_ID: TEST_ORG_ID } }))
    expect(await suppress(c, 'add', '--channel', 'sms', '+1 (555) 444-0001')).toMatchObject({ code: 0, out: expect.stringContaining('added') })
    expect(await suppress(c, 'add', '--channel', 'sms', '+15554440001')).toMatchObject({ code: 0, out: expect.stringContaining('already on the list since 2026-11-28T21:00:00.000Z') })
    expect(await suppress(c, 'add', '--channel', 'sms', '+1 555 444 0002')).toMatchObject({ code: 0 })

    const listed = await suppress(c, 'list')
    expect(listed.out).toContain('2 customer(s) on the opt-out list')
    expect(listed.out).toContain('never the address')
    expect(listed.out).not.toMatch(/4440001|4440002/)
    const json = await suppress(c, 'list', '--json')
    expect(JSON.parse(json.out)).toEqual([
      { hash: expect.stringMatching(/^[0-9a-f]{64}$/), channel: 'sms', addedAt: '2026-11-28T21:00:00.000Z' },
      { hash: expect.stringMatching(/^[0-9a-f]{64}$/), channel: 'sms', addedAt: '2026-11-28T21:00:00.000Z' },
    ])

    expect(await suppress(c, 'remove', '--channel', 'sms', 'tel:+1-555-444-0002')).toMatchObject({ code: 0, out: expect.stringContaining('removed') })
    expect(await suppress(c, 'remove', '--channel', 'sms', '+15554440002')).toMatchObject({ code: 0, out: 'not on the list: nothing removed' })

    const summary = await runScenario(c, entries(events))
    expect(summary.messages).toMatchObject({ requested: 2, sent: 2, optedOut: 1 })
    expect(summary.genesys.requests.map((request) => (request.body as { toAddress: string }).toAddress).sort()).toEqual(['+15554440002', '+15554440003'])
  })

  it('an address that cannot be normalised, or an unknown channel, is an error naming the problem, not the digits', async () => {
    const c = (cloud = await LocalCloud.start({ config: { GENESYS_ORG_ID: TEST_ORG_ID } }))
    const national = await suppress(c, 'add', '--channel', 'sms', '555 444 0001')
    expect(national.code).toBe(2)
    expect(national.err).toMatch(/address is not an international number.*"999 999 9999"/)
    expect(national.err).not.toContain('4440001')
    expect((await suppress(c, 'add', '--channel', 'fax', '+15554440001')).err).toMatch(/channel "fax" is not one of webmessaging, sms, whatsapp, open/)
    expect((await suppress(c, 'add', '+15554440001')).err).toMatch(/--channel C is required/)
    expect((await suppress(c, 'list')).out).toContain('0 customer(s)')
  })

  it('import: bad lines are reported by number and nothing is imported; a good file (header optional) is imported', async () => {
    const c = (cloud = await LocalCloud.start({ config: { GENESYS_ORG_ID: TEST_ORG_ID } }))
    const bad = await suppress(c, 'import', file('bad.csv', 'channel,address\nsms,+1 (555) 444-0001\nsms,5554440002\nfax,+15554440003\nsms\n'))
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/bad\.csv:3: address is not an international number/)
    expect(bad.err).toMatch(/bad\.csv:4: channel "fax"/)
    expect(bad.err).toMatch(/bad\.csv:5: expected 2 fields/)
    expect(bad.err).toMatch(/3 bad line\(s\) of 4: nothing imported/)
    expect((await suppress(c, 'list')).out).toContain('0 customer(s)')

    // No header; a quoted address; the same customer twice and one already listed.
    await suppress(c, 'add', '--channel', 'sms', '+15554440003')
    const good = await suppress(c, 'import', file('good.csv', 'sms,+1 (555) 444-0001\n"sms","+1 555 444 0001"\n\nsms,+15554440003\nwebmessaging,' + uuidFrom('contact', 9) + '\n'))
    expect(good).toMatchObject({ code: 0, out: 'imported: 2 added, 1 already on the list (kept their dates), from 4 line(s)' })
    expect(good.err).toContain('2 of 2 new entries written')
    expect((await suppress(c, 'list')).out).toContain('3 customer(s)')

    const summary = await runScenario(c, entries(events))
    expect(summary.messages).toMatchObject({ requested: 1, optedOut: 2 })
  })
})

describe('npm start -- --suppress FILE', () => {
  it('preloads the list: the replay leaves those customers out', async () => {
    const scenario = file('events.jsonl', events.map((event) => JSON.stringify(event)).join('\n'))
    const optOuts = file('opt-outs.txt', '# customers who opted out\nsms +1 (555) 444-0002\n\nsms tel:+15554440003\n')
    const io = capturedIo()
    expect(await run(['--events', scenario, '--suppress', optOuts, '--json', '--set', `GENESYS_ORG_ID=${TEST_ORG_ID}`], io)).toBe(0)
    const summary = JSON.parse(io.stdout.at(-1) ?? '{}')
    expect(summary.messages).toMatchObject({ requested: 1, sent: 1, optedOut: 2 })
    expect(io.stderr.join('\n')).toContain('Opt-out list: 2 customer(s)')

    const badIo = capturedIo()
    expect(await run(['--events', scenario, '--suppress', file('bad.txt', 'sms +15554440002\nsms 0044 7700\n')], badIo)).toBe(2)
    expect(badIo.stderr.join('\n')).toMatch(/bad\.txt:2: address is not an international number/)
  })
})
